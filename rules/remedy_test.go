package rules_test

import (
	"strings"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/crossrow"
	"github.com/laborcheck/laborcheck/internal/engine"
	"github.com/laborcheck/laborcheck/internal/rules"
	defaultrules "github.com/laborcheck/laborcheck/rules"
)

// TestPackLintsClean lints the built-in pack as `laborcheck rules lint`
// does: no error and no warning, a remedy for every rule included.
func TestPackLintsClean(t *testing.T) {
	_, errs := rules.Lint([]string{rules.BuiltinPath}, contract.DefaultSchema(), rules.LoadOptions{Builtin: defaultrules.FS})
	if len(errs) > 0 {
		t.Fatalf("rules lint: %s", errs.Detail())
	}
}

// TestEveryCheckHasARemedy: every rule, combination and cross-row check
// says what should be done about its findings, and cites a standard.
func TestEveryCheckHasARemedy(t *testing.T) {
	prog, _ := compilePack(t)
	for _, r := range prog.Rules {
		if strings.TrimSpace(r.Remedy) == "" {
			t.Errorf("rule %s has no remedy", r.ID)
		}
	}
	combos, err := engine.ParseCombinations(defaultrules.CombinationsPath, defaultrules.Combinations)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range combos {
		if c.Remedy == "" || c.Rule().Remedy != c.Remedy {
			t.Errorf("combination %s has no remedy", c.ID)
		}
	}
	for _, c := range crossrow.Checks {
		if strings.TrimSpace(c.Remedy) == "" {
			t.Errorf("cross-row check %s has no remedy", c.ID)
		}
		if len(c.References) == 0 {
			t.Errorf("cross-row check %s cites no standard", c.ID)
		}
	}
}
