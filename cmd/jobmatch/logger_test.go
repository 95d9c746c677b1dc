package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// globalLogging are the calls that write through (or hand out, or replace)
// the process-wide logger of log/slog or log.
var globalLogging = map[string]map[string]bool{
	"log/slog": {"Debug": true, "Info": true, "Warn": true, "Error": true, "Log": true, "LogAttrs": true,
		"DebugContext": true, "InfoContext": true, "WarnContext": true, "ErrorContext": true,
		"Default": true, "SetDefault": true, "With": true},
	"log": {"Print": true, "Printf": true, "Println": true, "Fatal": true, "Fatalf": true, "Fatalln": true,
		"Panic": true, "Panicf": true, "Panicln": true, "Default": true, "SetOutput": true},
}

// TestLibrariesUseInjectedLoggers: only commands (package main) may touch
// the global logger; every library package logs through the *slog.Logger
// it is given (issue 13: "loggers injected everywhere").
func TestLibrariesUseInjectedLoggers(t *testing.T) {
	root := filepath.Join("..", "..")
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		if f.Name.Name == "main" {
			return nil
		}
		files++
		names := map[string]string{} // local name → import path, for log and log/slog
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if globalLogging[p] == nil {
				continue
			}
			name := p[strings.LastIndex(p, "/")+1:]
			if imp.Name != nil {
				name = imp.Name.Name
			}
			names[name] = p
		}
		if len(names) == 0 {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && globalLogging[names[id.Name]][sel.Sel.Name] {
				rel, _ := filepath.Rel(root, fset.Position(sel.Pos()).Filename)
				t.Errorf("%s:%d: %s.%s uses the global logger; take a *slog.Logger instead",
					filepath.ToSlash(rel), fset.Position(sel.Pos()).Line, id.Name, sel.Sel.Name)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("only %d library files found under %s", files, root)
	}
}
