package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// archDoc is the newcomer's map; its package table is generated.
var archDoc = filepath.Join("..", "..", "docs", "architecture.md")

const (
	tableStart = "<!-- package table: generated from go list by TestArchitectureTableIsGoList (JOBMATCH_ARCH_WRITE=1 rewrites it, keeping the last column) -->"
	tableEnd   = "<!-- end of the package table -->"
)

// TestArchitectureTableIsGoList: docs/architecture.md's package table
// lists every package of the module with exactly the module's packages
// and the third-party modules its production code imports, as `go list`
// says, so the map cannot drift from the code. With JOBMATCH_ARCH_WRITE=1
// it rewrites the table (the "what it is" column is kept by package).
func TestArchitectureTableIsGoList(t *testing.T) {
	src, err := os.ReadFile(archDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	i, j := strings.Index(doc, tableStart), strings.Index(doc, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("%s: no package table between %q and %q", archDoc, tableStart, tableEnd)
	}
	written := parseTable(doc[i+len(tableStart) : j])
	rows := goListRows(t)
	var b strings.Builder
	b.WriteString("\n\n| package | imports (this module) | third-party | what it is |\n|---|---|---|---|\n")
	for _, r := range rows {
		old, ok := written[r.pkg]
		switch {
		case !ok:
			t.Errorf("%s: package %s is missing from the table", archDoc, r.pkg)
		case old.internal != r.internal || old.external != r.external:
			t.Errorf("%s: %s imports %q [%s], the table says %q [%s]", archDoc, r.pkg, r.internal, r.external, old.internal, old.external)
		}
		delete(written, r.pkg)
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", r.pkg, r.internal, r.external, old.what)
	}
	for pkg := range written {
		t.Errorf("%s: the table lists %s, which is not a package", archDoc, pkg)
	}
	if t.Failed() && os.Getenv("JOBMATCH_ARCH_WRITE") != "1" {
		t.Log("the code's imports moved: rewrite the table with JOBMATCH_ARCH_WRITE=1 go test ./cmd/jobmatch -run TestArchitectureTableIsGoList, and say in its last column what a new package is")
	}
	if os.Getenv("JOBMATCH_ARCH_WRITE") == "1" {
		doc = doc[:i+len(tableStart)] + b.String() + "\n" + doc[j:]
		if err := os.WriteFile(archDoc, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Log("package table rewritten")
	}
}

type tableRow struct{ pkg, internal, external, what string }

var rowRE = regexp.MustCompile("^\\| `([^`]+)` \\| (.*?) \\| (.*?) \\| (.*) \\|$")

func parseTable(s string) map[string]tableRow {
	rows := map[string]tableRow{}
	for _, line := range strings.Split(s, "\n") {
		if m := rowRE.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			rows[m[1]] = tableRow{m[1], m[2], m[3], m[4]}
		}
	}
	return rows
}

// goListRows is every package of the module with what it imports: this
// module's packages (relative paths) and third-party modules, "—" for none.
func goListRows(t *testing.T) []tableRow {
	root := filepath.Join("..", "..")
	const module = "github.com/urumqi-hrss/jobmatch"
	modOf := map[string]string{}
	for _, line := range goList(t, root, "-deps", "-f", "{{.ImportPath}} {{if .Module}}{{.Module.Path}}{{end}}", "./...") {
		if f := strings.Fields(line); len(f) == 2 {
			modOf[f[0]] = f[1]
		}
	}
	var rows []tableRow
	for _, line := range goList(t, root, "-f", "{{.ImportPath}}|{{join .Imports \" \"}}", "./...") {
		path, imports, _ := strings.Cut(line, "|")
		var internal, external []string
		for _, imp := range strings.Fields(imports) {
			switch m := modOf[imp]; {
			case m == module:
				internal = append(internal, strings.TrimPrefix(imp, module+"/"))
			case m != "" && !slices.Contains(external, shortModule(m)):
				external = append(external, shortModule(m))
			}
		}
		slices.Sort(internal)
		slices.Sort(external)
		for i := range internal {
			internal[i] = "`" + internal[i] + "`"
		}
		rows = append(rows, tableRow{pkg: strings.TrimPrefix(strings.TrimPrefix(path, module), "/"), internal: orDash(internal), external: orDash(external)})
	}
	return rows
}

// goList runs go list without the build's profile (-pgo=off): with
// cmd/jobmatch/default.pgo every package the binary links is listed a
// second time as its profile-guided variant ("index [.../cmd/jobmatch]"),
// which is one package for the import graph.
func goList(t *testing.T, dir string, args ...string) []string {
	cmd := exec.Command("go", append([]string{"list", "-pgo=off"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v", strings.Join(args, " "), err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// shortModule names a third-party module without its host and major
// version: jackc/pgx, x/time, gonum.
func shortModule(m string) string {
	for _, host := range []string{"github.com/", "golang.org/", "go.etcd.io/", "gonum.org/v1/"} {
		m = strings.TrimPrefix(m, host)
	}
	if i := strings.LastIndex(m, "/v"); i > 0 && strings.Trim(m[i+2:], "0123456789") == "" {
		m = m[:i]
	}
	return m
}

func orDash(s []string) string {
	if len(s) == 0 {
		return "—"
	}
	return strings.Join(s, ", ")
}
