package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The project's size limits (issue 13): no production file over 600
// lines, no function over 80, outside data tables and tests.
const (
	maxFileLines = 600
	maxFuncLines = 80
)

// testHelperDirs hold code only tests link (their packages import
// testing; TestShippedBinaryHasNoTestingPackage keeps them out of the
// binary), so they are tests for the limits.
var testHelperDirs = []string{"store/storetest", "store/postgres/pgtest", "ingest/sharedtest", "ingest/synth/synthtest"}

// dataTables are the functions allowed past maxFuncLines because they are
// one literal table, not logic. Each is checked to still be that: its
// body must be at least 90% one composite literal.
var dataTables = map[string]bool{}

// TestSizeLimits walks every production Go file of the module (tests,
// testdata and test helper packages left out) and lists each file over
// 600 lines and each function over 80 lines (declaration to closing
// brace, comments inside included).
func TestSizeLimits(t *testing.T) {
	root := filepath.Join("..", "..")
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			for _, h := range testHelperDirs {
				if rel == h {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		files++
		for _, problem := range sizeProblems(t, path, rel) {
			t.Error(problem)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("only %d production files found under %s", files, root)
	}
}

func sizeProblems(t *testing.T, path, rel string) []string {
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	if n := bytes.Count(src, []byte("\n")); n > maxFileLines {
		out = append(out, fmt.Sprintf("%s: %d lines (at most %d)", rel, n, maxFileLines))
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, 0)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		lines := fset.Position(fn.Body.Rbrace).Line - fset.Position(fn.Pos()).Line + 1
		if lines <= maxFuncLines {
			continue
		}
		name := rel + ":" + funcName(fn)
		if dataTables[name] && isTable(fset, fn) {
			continue
		}
		out = append(out, fmt.Sprintf("%s: function of %d lines (at most %d)", name, lines, maxFuncLines))
	}
	return out
}

// funcName is "Name" or "(*Recv).Name".
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	var recv func(ast.Expr) string
	recv = func(e ast.Expr) string {
		switch x := e.(type) {
		case *ast.StarExpr:
			return "*" + recv(x.X)
		case *ast.Ident:
			return x.Name
		case *ast.IndexExpr:
			return recv(x.X)
		case *ast.IndexListExpr:
			return recv(x.X)
		}
		return "?"
	}
	return "(" + recv(fn.Recv.List[0].Type) + ")." + fn.Name.Name
}

// isTable: the largest composite literal in fn spans at least 90% of it.
func isTable(fset *token.FileSet, fn *ast.FuncDecl) bool {
	total := fset.Position(fn.Body.Rbrace).Line - fset.Position(fn.Pos()).Line + 1
	largest := 0
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if cl, ok := n.(*ast.CompositeLit); ok {
			largest = max(largest, fset.Position(cl.Rbrace).Line-fset.Position(cl.Lbrace).Line+1)
			return false
		}
		return true
	})
	return largest*10 >= total*9
}

// TestEveryPackageHasDocGo: each package's documentation sits in its
// doc.go, where a newcomer looks for it.
func TestEveryPackageHasDocGo(t *testing.T) {
	root := filepath.Join("..", "..")
	dirs := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			dirs[filepath.Dir(path)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 20 {
		t.Fatalf("only %d package directories found", len(dirs))
	}
	for dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "doc.go")); err != nil {
			rel, _ := filepath.Rel(root, dir)
			t.Errorf("%s has no doc.go", filepath.ToSlash(rel))
		}
	}
}

// designCardTop is the top level the design card fixes (cmd, matcher,
// index, ingest, api, benchmarks, the module files and the README, plus
// store/ for persistence); docs/ holds the prose those point to. A new
// package belongs under one of them, so a newcomer's map stays true.
var designCardTop = map[string]bool{
	"cmd": true, "matcher": true, "index": true, "ingest": true, "api": true,
	"benchmarks": true, "store": true, "docs": true,
	"go.mod": true, "go.sum": true, "README.md": true,
}

// TestTopLevelIsTheDesignCard fails on any other tracked entry at the
// repository's top level (hidden ones, such as .ci, are CI's own).
func TestTopLevelIsTheDesignCard(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if !designCardTop[e.Name()] {
			t.Errorf("top-level %q is not on the design card (cmd, matcher, index, ingest, api, benchmarks, store, docs, go.mod, go.sum, README.md): move it under the package it serves", e.Name())
		}
	}
}
