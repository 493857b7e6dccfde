// Package arch_test checks that laborcheck's packages keep to the pipeline's
// layers: contract → source → rules → engine → report, joined by scan, with
// the command line on top. A new import that crosses a layer fails here, in
// review, rather than surfacing later as a tangle.
package arch_test

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/laborcheck/laborcheck/"

// allowed lists, for each package, the project packages it may import.
var allowed = map[string][]string{
	"cmd/laborcheck": {"internal/cli"},
	"internal/cli":   {"internal/annotate", "internal/contract", "internal/crossrow", "internal/engine", "internal/header", "internal/partial", "internal/refdata", "internal/report", "internal/rules", "internal/scan", "internal/source", "internal/template", "internal/vocab", "rules"},
	"internal/scan":  {"internal/contract", "internal/crossrow", "internal/engine", "internal/header", "internal/partial", "internal/refdata", "internal/report", "internal/rules", "internal/source"},
	// The partial-result format knows nothing of what its blocks hold.
	"internal/partial":  {},
	"internal/report":   {"internal/contract"},
	"internal/engine":   {"internal/contract", "internal/refdata", "internal/rules"},
	"internal/crossrow": {"internal/contract", "internal/refdata"},
	"internal/rules":    {"internal/contract", "internal/xlsx"},
	"internal/source":   {"internal/contract", "internal/header", "internal/xlsx"},
	"internal/header":   {"internal/contract", "internal/vocab"},
	"internal/xlsx":     {},
	// The supplier template and the annotated copies of rosters, on top of
	// the report and the rules.
	"internal/template": {"internal/contract", "internal/crossrow", "internal/rules"},
	// Annotated copies of .xls and .ods rosters are made from the cells
	// the source readers read.
	"internal/annotate": {"internal/contract", "internal/report", "internal/source"},
	// Benchmark tooling: a roster generator that knows nothing of laborcheck.
	"internal/rostergen":               {},
	"internal/rostergen/cmd/rostergen": {"internal/rostergen"},
	"internal/contract":                {"internal/refdata", "internal/vocab"},
	"internal/refdata":                 {},
	"internal/vocab":                   {},
	"rules":                            {},
}

// forbidden lists outside modules a package must not import.
var forbidden = map[string][]string{
	"internal/contract": {"github.com/xuri/excelize", "github.com/google/cel-go"},
	"internal/report":   {"github.com/google/cel-go"},
	"internal/source":   {"github.com/google/cel-go"},
	"internal/xlsx":     {"github.com/google/cel-go"},
}

func TestLayers(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH")
	}
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		pkg, ok := strings.CutPrefix(fields[0], module)
		if !ok || strings.HasPrefix(pkg, "internal/arch") {
			continue
		}
		okList, known := allowed[pkg]
		if !known {
			t.Errorf("package %s has no entry in the layer table: add it to allowed in internal/arch/layers_test.go", pkg)
			continue
		}
		seen++
		for _, imp := range fields[1:] {
			if dep, internal := strings.CutPrefix(imp, module); internal {
				if !contains(okList, dep) {
					t.Errorf("%s imports %s, which its layer does not allow", pkg, dep)
				}
				continue
			}
			for _, bad := range forbidden[pkg] {
				if strings.HasPrefix(imp, bad) {
					t.Errorf("%s imports %s: %s must not depend on it", pkg, imp, pkg)
				}
			}
		}
	}
	if seen < len(allowed)-1 {
		t.Errorf("checked %d packages, expected about %d", seen, len(allowed))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
