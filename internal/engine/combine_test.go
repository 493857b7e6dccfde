package engine

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/rules"
	defaultrules "github.com/laborcheck/laborcheck/rules"
)

// packEngine compiles the built-in pack with the built-in combinations.
func packEngine(t testing.TB) (*Engine, *contract.Schema) {
	t.Helper()
	s := contract.DefaultSchema()
	set, errs := rules.LoadFS(defaultrules.FS, "builtin:")
	if len(errs) > 0 {
		t.Fatal(errs.Detail())
	}
	env, err := rules.NewEnv(s)
	if err != nil {
		t.Fatal(err)
	}
	prog, errs := env.Compile(set, rules.CompileOptions{})
	if len(errs) > 0 {
		t.Fatal(errs.Detail())
	}
	combos, err := ParseCombinations(defaultrules.CombinationsPath, defaultrules.Combinations)
	if err != nil {
		t.Fatal(err)
	}
	// Every id the built-in combinations name is a built-in rule.
	ids := map[string]bool{}
	for _, r := range prog.Rules {
		ids[r.ID] = true
	}
	for _, c := range combos {
		for _, g := range c.All {
			for _, id := range g {
				if !ids[id] {
					t.Errorf("combination %s names %s, which is not a built-in rule", c.ID, id)
				}
			}
		}
	}
	return New(prog, s, Options{Workers: 1, ReviewDate: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Combinations: combos}), s
}

func TestCombinations(t *testing.T) {
	e, s := packEngine(t)
	x := e.NewEvaluator()
	tests := []struct {
		name      string
		cells     map[string]string
		want      string   // combination id, "" for none
		indicator string   // of the combination finding
		parts     []string // rule ids in its evidence
	}{
		{"fee and passport", map[string]string{"recruitment_fee_paid_by_worker": "USD 900", "passport_held_by": "Company safe"},
			"combined-bondage", "debt_bondage", []string{"fee-paid", "passport-held"}},
		{"debt repayment and exit penalty", map[string]string{"deduction_recruitment_repayment": "200", "early_termination_penalty": "1000"},
			"combined-bondage", "debt_bondage", []string{"debt-repaid-from-wages", "exit-penalty"}},
		// Two high findings about conditions, no sign of coercion: no escalation.
		{"hours and no contract", map[string]string{"weekly_hours_total": "66", "has_written_contract": "No"}, "", "", nil},
		{"hours and wages withheld", map[string]string{"weekly_hours_total": "66", "wages_withheld_amount": "500"},
			"combined-indicators", "withholding_of_wages", []string{"hours-60", "wages-withheld"}},
		{"two high findings of one indicator", map[string]string{"weekly_hours_total": "66", "rest_days_per_week": "0"}, "", "", nil},
		{"high and medium", map[string]string{"weekly_hours_total": "66", "notice_period_days_worker": "60"}, "", "", nil},
		{"fee alone", map[string]string{"recruitment_fee_paid_by_worker": "500"}, "", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := x.Evaluate(mk(t, s, 2, tc.cells))
			var combos []Finding
			for _, f := range r.Findings {
				if f.Rule.Index < 0 {
					combos = append(combos, f)
				}
			}
			if tc.want == "" {
				if len(combos) != 0 {
					t.Fatalf("got combination %s: %s", combos[0].Rule.ID, combos[0].Message)
				}
				return
			}
			if len(combos) != 1 {
				var ids []string
				for _, f := range combos {
					ids = append(ids, f.Rule.ID)
				}
				t.Fatalf("got combinations %v, want only %s", ids, tc.want)
			}
			f := combos[0]
			if f.Rule.ID != tc.want || f.Severity != contract.Critical || f.Indicator != tc.indicator {
				t.Errorf("got %s %s %s, want %s critical %s", f.Rule.ID, f.Severity, f.Indicator, tc.want, tc.indicator)
			}
			var parts []string
			for _, ev := range f.Evidence {
				parts = append(parts, ev.Field)
				if ev.Raw == "" || ev.Value == nil {
					t.Errorf("part %s has no message or severity", ev.Field)
				}
			}
			slices.Sort(parts)
			slices.Sort(tc.parts)
			if !slices.Equal(parts, tc.parts) {
				t.Errorf("parts %v, want %v", parts, tc.parts)
			}
			for _, p := range tc.parts {
				if !strings.Contains(f.Message, p) {
					t.Errorf("message %q does not name part %s", f.Message, p)
				}
			}
			if r.Risk != contract.Critical || r.Status != Flagged {
				t.Errorf("contract risk %s status %s, want critical flagged", r.Risk, r.Status)
			}
		})
	}
}

func TestCombinationsIgnoreUnknownRules(t *testing.T) {
	prog, s := compile(t) // fee-paid and passport-held, but no exit-penalty
	combos, err := ParseCombinations("c.yaml", []byte(`combinations:
  - id: both
    title: Both
    severity: critical
    all: [[fee-paid, no-such-rule], [passport-held, exit-penalty]]
    message: "{{parts}}"
    references: [H]
    remedy: x
  - id: never
    title: Never
    severity: critical
    all: [[fee-paid], [no-such-rule]]
    message: "x"
    references: [H]
    remedy: x
`))
	if err != nil {
		t.Fatal(err)
	}
	e := New(prog, s, Options{Workers: 1, Combinations: combos})
	r := e.NewEvaluator().Evaluate(mk(t, s, 2, map[string]string{"recruitment_fee_paid_by_worker": "1", "passport_held_by": "employer"}))
	var ids []string
	for _, f := range r.Findings {
		ids = append(ids, f.Rule.ID)
	}
	if !slices.Equal(ids, []string{"fee-paid", "passport-held", "both"}) {
		t.Fatalf("findings %v", ids)
	}
	if got := r.Findings[2].Message; got != "fee-paid (high) + passport-held (critical)" {
		t.Errorf("message %q", got)
	}
}

func TestParseCombinationsErrors(t *testing.T) {
	for name, src := range map[string]string{
		"unknown key":        "combinations:\n  - {id: a, title: t, severity: high, message: m, references: [r], remedy: x, all: [[x]], colour: red}\n",
		"no condition":       "combinations:\n  - {id: a, title: t, severity: high, message: m, references: [r], remedy: x}\n",
		"both conditions":    "combinations:\n  - {id: a, title: t, severity: high, message: m, references: [r], remedy: x, all: [[x]], min_indicators: 2}\n",
		"bad severity":       "combinations:\n  - {id: a, title: t, severity: severe, message: m, references: [r], remedy: x, all: [[x]]}\n",
		"bad indicator":      "combinations:\n  - {id: a, title: t, severity: high, indicator: slavery, message: m, references: [r], remedy: x, all: [[x]]}\n",
		"no references":      "combinations:\n  - {id: a, title: t, severity: high, message: m, remedy: x, all: [[x]]}\n",
		"no remedy":          "combinations:\n  - {id: a, title: t, severity: high, message: m, references: [r], all: [[x]]}\n",
		"duplicate id":       "combinations:\n  - {id: a, title: t, severity: high, message: m, references: [r], remedy: x, all: [[x]]}\n  - {id: a, title: t, severity: high, message: m, references: [r], remedy: x, all: [[y]]}\n",
		"min_indicators one": "combinations:\n  - {id: a, title: t, severity: high, message: m, references: [r], remedy: x, min_indicators: 1}\n",
	} {
		if _, err := ParseCombinations("c.yaml", []byte(src)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	combos, err := ParseCombinations("c.yaml", []byte("# note\ncombinations:\n  - id: a\n    title: t\n    severity: high\n    message: m\n    references: [r]\n    remedy: x\n    min_indicators: 2\n"))
	if err != nil || len(combos) != 1 || combos[0].Line != 3 || combos[0].Rule().Source() != "c.yaml:3" {
		t.Errorf("got %+v, %v", combos, err)
	}
}

// Every built-in combination names an indicator for the rule list; a
// combination whose findings take their gravest part's indicator says so.
func TestBuiltinCombinationsHaveIndicators(t *testing.T) {
	combos, err := ParseCombinations(defaultrules.CombinationsPath, defaultrules.Combinations)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"combined-bondage": "debt_bondage", "combined-indicators": "abuse_of_vulnerability"}
	for _, c := range combos {
		if c.Rule().Indicator == "" || !contract.IsIndicator(c.Rule().Indicator) {
			t.Errorf("%s: indicator %q", c.ID, c.Rule().Indicator)
		}
		if w, ok := want[c.ID]; ok && c.Indicator != w {
			t.Errorf("%s: indicator %q, want %q", c.ID, c.Indicator, w)
		}
	}
	if _, err := ParseCombinations("x.yaml", []byte("combinations:\n  - {id: a, title: t, message: m, references: [r], remedy: x, severity: high, min_indicators: 2, finding_indicator: gravest_part}\n")); err == nil {
		t.Error("finding_indicator without an indicator: no error")
	}
}

// A waiver on a part carries into the combinations built on it: they are
// built from the findings no waiver covers. The waived finding itself is
// still reported.
func TestCombinationsSkipWaivedParts(t *testing.T) {
	prog, s := compile(t)
	combos, err := ParseCombinations("c.yaml", []byte(`combinations:
  - id: both
    title: Both
    severity: critical
    all: [[fee-paid], [passport-held]]
    message: "{{parts}}"
    references: [H]
    remedy: x
`))
	if err != nil {
		t.Fatal(err)
	}
	waived := func(ruleID string, r *Result) bool { return ruleID == "fee-paid" && r.ContractID == "C-1" }
	e := New(prog, s, Options{Workers: 1, Combinations: combos, Waived: waived})
	for _, tc := range []struct {
		id   string
		want []string
	}{
		{"C-1", []string{"fee-paid", "passport-held"}},
		{"C-2", []string{"fee-paid", "passport-held", "both"}},
	} {
		r := e.NewEvaluator().Evaluate(mk(t, s, 2, map[string]string{"contract_id": tc.id, "recruitment_fee_paid_by_worker": "1", "passport_held_by": "employer"}))
		var ids []string
		for _, f := range r.Findings {
			ids = append(ids, f.Rule.ID)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("%s: findings %v, want %v", tc.id, ids, tc.want)
		}
	}
}

// WithPolicy leaves out the combinations rule files disabled and takes the
// severity an override gave.
func TestCombinationsWithPolicy(t *testing.T) {
	combos, err := ParseCombinations("c.yaml", []byte(`combinations:
  - {id: a, title: t, severity: critical, message: m, references: [r], remedy: x, all: [[fee-paid], [passport-held]]}
  - {id: b, title: t, severity: critical, message: m, references: [r], remedy: x, all: [[fee-paid], [exit-penalty]]}
`))
	if err != nil {
		t.Fatal(err)
	}
	var checks []*rules.Rule
	for i := range combos {
		checks = append(checks, combos[i].Rule())
	}
	f, errs := rules.Parse("local.yaml", []byte("overrides:\n  - {id: a, severity: high}\ndisable:\n  ids: [b]\n"))
	if len(errs) > 0 {
		t.Fatal(errs.Detail())
	}
	set, errs := rules.NewSetWithChecks([]*rules.File{f}, checks)
	if len(errs) > 0 {
		t.Fatal(errs.Detail())
	}
	got := WithPolicy(combos, set)
	if len(got) != 1 || got[0].ID != "a" || got[0].Severity != contract.High || len(got[0].Rule().Changes) != 1 {
		t.Fatalf("got %+v", got)
	}
	if combos[0].Severity != contract.Critical {
		t.Error("WithPolicy changed its input")
	}
}

// fillCombination gives what strings.NewReplacer gives, on messages built
// from pieces of the two placeholders and text around them.
func TestFillCombination(t *testing.T) {
	pieces := []string{"{{parts}}", "{{indicators}}", "{", "}", "{{", "}}", "parts", "{{part", "indicators}}", " and ", "é", ""}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 20000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		msg := b.String()
		parts, inds := "a (high) + b (critical)", "debt bondage, {{parts}}"
		if i%3 == 0 {
			parts, inds = "", ""
		}
		want := strings.NewReplacer("{{parts}}", parts, "{{indicators}}", inds).Replace(msg)
		if got := fillCombination(msg, parts, inds); got != want {
			t.Fatalf("%q: got %q, want %q", msg, got, want)
		}
	}
}
