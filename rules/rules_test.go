package rules_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/rules"
	defaultrules "github.com/laborcheck/laborcheck/rules"
)

// compilePack loads and compiles the built-in pack against the default schema.
func compilePack(t testing.TB) (*rules.Program, *contract.Schema) {
	t.Helper()
	schema := contract.DefaultSchema()
	set, errs := rules.LoadFS(defaultrules.FS, "builtin:")
	if len(errs) > 0 {
		t.Fatalf("LoadFS: %s", errs.Detail())
	}
	env, err := rules.NewEnv(schema)
	if err != nil {
		t.Fatal(err)
	}
	prog, errs := env.Compile(set, rules.CompileOptions{})
	if len(errs) > 0 {
		t.Fatalf("Compile: %s", errs.Detail())
	}
	return prog, schema
}

// TestExamples runs every example every rule carries, one subtest per
// example, as `laborcheck rules test` does.
func TestExamples(t *testing.T) {
	prog, schema := compilePack(t)
	deriver := contract.NewDeriver(schema, rules.TestReviewDate)
	for _, res := range prog.RunTests(deriver.Derive) {
		t.Run(res.Rule.ID+"/"+res.Test.Name, func(t *testing.T) {
			if res.Setup != nil {
				t.Fatalf("%s: broken example: %v", res.Where(), res.Setup)
			}
			if !res.OK() {
				t.Errorf("%s: got %s, want %s (err %v)\n  values: %s", res.Where(), res.Got, res.Test.Expect, res.Err, strings.Join(res.Values, ", "))
			}
		})
	}
}

// TestEveryRuleHasExamples requires an example that flags and one that
// passes for every rule, and one with insufficient data for every rule
// that reads a field.
func TestEveryRuleHasExamples(t *testing.T) {
	prog, _ := compilePack(t)
	for _, r := range prog.Rules {
		var got []rules.Expect
		for _, tc := range r.Tests {
			got = append(got, tc.Expect)
		}
		for _, want := range []rules.Expect{rules.ExpectFlag, rules.ExpectPass, rules.ExpectInsufficient} {
			if !slices.Contains(got, want) {
				t.Errorf("%s: rule %s has no example that expects %s", r.Source(), r.ID, want)
			}
		}
	}
}

// TestCatalogue checks the pack against domain.md §3: every catalogue id is
// a rule with its indicator and base severity, and the pack is grouped by
// theme.
func TestCatalogue(t *testing.T) {
	prog, _ := compilePack(t)
	want := map[string][2]string{
		"fee-paid":                {"debt_bondage", "high"},
		"related-costs":           {"debt_bondage", "high"},
		"fee-vs-wage":             {"debt_bondage", "critical"},
		"debt-repaid-from-wages":  {"debt_bondage", "critical"},
		"deposit":                 {"debt_bondage", "high"},
		"passport-held":           {"retention_of_identity_documents", "critical"},
		"work-permit-held":        {"retention_of_identity_documents", "critical"},
		"no-written-contract":     {"deception", "high"},
		"contract-language":       {"deception", "high"},
		"signed-after-arrival":    {"deception", "high"},
		"paid-less-than-promised": {"deception", "high"},
		"below-minimum-wage":      {"abusive_working_and_living_conditions", "high"},
		"pay-interval":            {"withholding_of_wages", "high"},
		"wages-withheld":          {"withholding_of_wages", "critical"},
		"paid-to-other":           {"withholding_of_wages", "high"},
		"deductions-share":        {"withholding_of_wages", "high"},
		"hours-60":                {"excessive_overtime", "high"},
		"regular-48":              {"excessive_overtime", "medium"},
		"rest-day":                {"excessive_overtime", "high"},
		"overtime-compulsory":     {"excessive_overtime", "high"},
		"notice-period":           {"restriction_of_movement", "medium"},
		"exit-penalty":            {"restriction_of_movement", "critical"},
		"change-employer":         {"restriction_of_movement", "high"},
		"housing-movement":        {"restriction_of_movement", "high"},
		"migrant-dependency":      {"abuse_of_vulnerability", "medium"},
		"under-minimum-age":       {"child_labour", "critical"},
		"young-hazardous":         {"child_labour", "critical"},
		"young-night-overtime":    {"child_labour", "high"},
		"xinjiang":                {"sourcing_risk", "critical"},
	}
	byID := map[string]*rules.Compiled{}
	for _, r := range prog.Rules {
		byID[r.ID] = r
	}
	for id, w := range want {
		r := byID[id]
		if r == nil {
			t.Errorf("catalogue rule %s is missing from the pack", id)
			continue
		}
		if r.Indicator != w[0] || r.Severity.String() != w[1] {
			t.Errorf("%s: indicator %s severity %s, want %s %s", id, r.Indicator, r.Severity, w[0], w[1])
		}
		for _, ref := range r.References {
			if strings.Contains(strings.ToLower(ref), "forced labour found") {
				t.Errorf("%s: reference reads as a verdict: %q", id, ref)
			}
		}
	}
	if len(prog.Rules) < 25 {
		t.Errorf("the pack has %d rules, want at least 25", len(prog.Rules))
	}
	files := map[string]bool{}
	for _, f := range prog.Set.Files {
		files[strings.TrimPrefix(f.Path, "builtin:")] = true
	}
	for _, theme := range []string{"recruitment-and-debt", "documents", "contract-and-deception", "wages", "working-time", "freedom-to-leave", "child-labour", "sourcing"} {
		if !files[theme+".yaml"] {
			t.Errorf("no rule file %s.yaml", theme)
		}
	}
}

// TestMessagesAreIndicators keeps findings worded as risk indicators, never
// as a verdict.
func TestMessagesAreIndicators(t *testing.T) {
	prog, _ := compilePack(t)
	for _, r := range prog.Rules {
		m := strings.ToLower(r.Message)
		if !strings.Contains(m, "risk indicator") && !strings.Contains(m, "presumed") {
			t.Errorf("%s: message does not word the finding as a risk indicator: %q", r.ID, r.Message)
		}
		for _, verdict := range []string{"forced labour found", "is forced labour", "forced labor found", "guilty", "violation confirmed"} {
			if strings.Contains(m, verdict) {
				t.Errorf("%s: message reads as a verdict (%q): %q", r.ID, verdict, r.Message)
			}
		}
	}
}

// TestEscalation checks graded severities: the examples only say flag, so
// the grades are checked here.
func TestEscalation(t *testing.T) {
	prog, schema := compilePack(t)
	deriver := contract.NewDeriver(schema, rules.TestReviewDate)
	ev := prog.NewEvaluator(rules.TestReviewDate)
	rule := func(id string) *rules.Compiled {
		for _, r := range prog.Rules {
			if r.ID == id {
				return r
			}
		}
		t.Fatalf("no rule %s", id)
		return nil
	}
	tests := []struct {
		rule  string
		cells map[string]string
		want  contract.Severity
	}{
		{"hours-60", map[string]string{"weekly_hours_total": "66"}, contract.High},
		{"hours-60", map[string]string{"weekly_hours_total": "72"}, contract.High},
		{"hours-60", map[string]string{"regular_hours_per_week": "60", "overtime_hours_per_week": "18"}, contract.Critical},
		{"deductions-share", map[string]string{"deductions_total_monthly": "500", "base_wage_monthly": "1500"}, contract.High},
		{"deductions-share", map[string]string{"deductions_total_monthly": "800", "base_wage_monthly": "1500"}, contract.Critical},
		{"notice-period", map[string]string{"notice_period_days_worker": "2 months"}, contract.Medium},
		{"notice-period", map[string]string{"notice_period_days_worker": "90"}, contract.Medium},
		{"notice-period", map[string]string{"notice_period_days_worker": "6 months"}, contract.High},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s %v", tc.rule, tc.cells), func(t *testing.T) {
			c := row(t, schema, tc.cells)
			deriver.Derive(c)
			o := ev.Eval(rule(tc.rule), c)
			if o.Status != rules.Flag || o.Severity != tc.want {
				t.Errorf("got %s %s, want flag %s (err %v)", o.Status, o.Severity, tc.want, o.Err)
			}
		})
	}
}

func row(t testing.TB, s *contract.Schema, cells map[string]string) *contract.Contract {
	t.Helper()
	c := &contract.Contract{File: "t.csv", Row: 2, Values: make([]contract.Value, s.Len())}
	for k, raw := range cells {
		f := s.Field(k)
		if f == nil {
			t.Fatalf("no field %s", k)
		}
		v, err := f.Parse(raw, contract.Hints{DateOrder: contract.DayFirst})
		if err != nil {
			t.Fatalf("%s %q: %v", k, raw, err)
		}
		c.Values[f.Index] = v
	}
	return c
}

// TestXinjiangLongCell: the Xinjiang screen decides on a production region
// of any length a cell can hold, within its cost limit: it flags a region
// that names Xinjiang (at the start or the end of the text) and passes one
// that does not, both regions filled with the longest text as well.
func TestXinjiangLongCell(t *testing.T) {
	prog, schema := compilePack(t)
	ev := prog.NewEvaluator(rules.TestReviewDate)
	var xj *rules.Compiled
	for _, r := range prog.Rules {
		if r.ID == "xinjiang" {
			xj = r
		}
	}
	if xj == nil {
		t.Fatal("no rule xinjiang")
	}
	for _, n := range []int{11_000, rules.MaxCellText} {
		pad := func(k int) string { return strings.Repeat("b", k) }
		tests := []struct {
			name  string
			cells map[string]string
			want  rules.Status
		}{
			{"names Xinjiang first", map[string]string{"production_region": "Xinjiang " + pad(n-9)}, rules.Flag},
			{"names Xinjiang last", map[string]string{"production_region": pad(n-9) + " Xinjiang"}, rules.Flag},
			{"another region", map[string]string{"production_region": pad(n)}, rules.Pass},
			{"both regions long", map[string]string{"production_region": pad(n), "worksite_region": pad(n-6) + " Hotan"}, rules.Flag},
			{"both regions long, elsewhere", map[string]string{"production_region": pad(n), "worksite_region": pad(n)}, rules.Pass},
		}
		for _, tc := range tests {
			t.Run(fmt.Sprintf("%d/%s", n, tc.name), func(t *testing.T) {
				tc.cells["country_of_origin"] = "China"
				c := row(t, schema, tc.cells)
				contract.NewDeriver(schema, rules.TestReviewDate).Derive(c)
				o := ev.Eval(xj, c)
				if o.Status != tc.want {
					t.Errorf("got %s, want %s (err %v)", o.Status, tc.want, o.Err)
				}
			})
		}
	}
}
