package rules

import (
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// Combinations and cross-row checks come before every file: files
// override, disable (by id or indicator) and name them like rules, and
// they never join the compiled rules.
func TestLayeringChecks(t *testing.T) {
	checks := func() []*Rule {
		return []*Rule{
			{ID: "combined-bondage", Indicator: "debt_bondage", Severity: contract.Critical, File: "builtin:escalation/combinations.yaml", Line: 3, Kind: KindCombination},
			{ID: "fee-share", Indicator: "debt_bondage", Severity: contract.Critical, File: "built-in cross-row check", Kind: KindCrossRow},
			{ID: "entity-list", Indicator: "sourcing_risk", Severity: contract.Critical, File: "built-in cross-row check", Kind: KindCrossRow},
		}
	}
	for _, tc := range []struct {
		name, src string
		enabled   []string // ids in Set.Checks, in order
		disabled  []string
		severity  map[string]contract.Severity
		errs      int
	}{
		{name: "untouched", src: "rules: []\n", enabled: []string{"combined-bondage", "fee-share", "entity-list"}},
		{name: "override", src: "overrides:\n  - {id: combined-bondage, severity: high}\n  - {id: fee-share, severity: medium, reason: r}\n",
			enabled: []string{"combined-bondage", "fee-share", "entity-list"}, severity: map[string]contract.Severity{"combined-bondage": contract.High, "fee-share": contract.Medium}},
		{name: "disable by id", src: "disable:\n  ids: [fee-share]\n", enabled: []string{"combined-bondage", "entity-list"}, disabled: []string{"fee-share"}},
		{name: "disable by indicator", src: "disable:\n  indicators: [sourcing_risk]\n", enabled: []string{"combined-bondage", "fee-share"}, disabled: []string{"entity-list"}},
		{name: "unknown id", src: "overrides:\n  - {id: combined-bondge, severity: high}\n", enabled: []string{"combined-bondage", "fee-share", "entity-list"}, errs: 1},
		{name: "rule takes a check's id", src: "rules:\n  - {id: fee-share, title: t, indicator: debt_bondage, severity: high, expr: 'true', message: m, references: [r], remedy: x}\n",
			enabled: []string{"combined-bondage", "fee-share", "entity-list"}, errs: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, errs := Parse("local.yaml", []byte(tc.src))
			if len(errs) > 0 {
				t.Fatalf("Parse: %s", errs.Detail())
			}
			set, errs := layer([]*File{f}, checks())
			if len(errs) != tc.errs {
				t.Fatalf("got %d errors (%s), want %d", len(errs), errs.Detail(), tc.errs)
			}
			var ids []string
			for _, r := range set.Checks {
				ids = append(ids, r.ID)
			}
			if !equal(ids, tc.enabled) {
				t.Errorf("checks %v, want %v", ids, tc.enabled)
			}
			ids = nil
			for _, r := range set.Disabled {
				ids = append(ids, r.ID)
				if set.Check(r.ID) != r || r.DisabledBy != "local.yaml:2" {
					t.Errorf("disabled %s: Check %p, by %q", r.ID, set.Check(r.ID), r.DisabledBy)
				}
			}
			if !equal(ids, tc.disabled) {
				t.Errorf("disabled %v, want %v", ids, tc.disabled)
			}
			for id, sev := range tc.severity {
				if r := set.Check(id); r == nil || r.Severity != sev || len(r.Changes) != 1 {
					t.Errorf("%s: %+v, want severity %s and one change", id, r, sev)
				}
			}
			if len(set.Rules) != 0 {
				t.Errorf("checks joined the rules: %v", set.Rules)
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
