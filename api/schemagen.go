package api

import (
	"reflect"
	"strings"
	"time"
)

// schemaOf derives an OpenAPI schema from a Go type by its JSON encoding:
// the domain's answer types (matcher.Plan, casework.Dashboard …) are
// described by the very structs the handlers encode, so the document
// cannot drift from the answers. Named types listed in refs are
// referenced rather than inlined (Salary).
func schemaOf(t reflect.Type, refs map[reflect.Type]string) map[string]any {
	if name, ok := refs[t]; ok {
		return ref(name)
	}
	switch {
	case t == reflect.TypeFor[time.Time]():
		return stamp
	case t.Kind() == reflect.Pointer:
		return schemaOf(t.Elem(), refs)
	}
	switch t.Kind() {
	case reflect.String:
		return str
	case reflect.Bool:
		return boolean
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return integer
	case reflect.Float32, reflect.Float64:
		return number
	case reflect.Slice, reflect.Array:
		return arrayOf(schemaOf(t.Elem(), refs))
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), refs)}
	case reflect.Struct:
		props := map[string]any{}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			props[name] = schemaOf(f.Type, refs)
		}
		return obj(props)
	}
	return map[string]any{}
}
