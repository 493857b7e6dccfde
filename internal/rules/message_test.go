package rules

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/laborcheck/laborcheck/internal/contract"
	defaultrules "github.com/laborcheck/laborcheck/rules"
)

// Messages show values as the roster has them: yes/no cells in their own
// words, never true or false; a blank cell as "not recorded", never
// "(blank)"; a wording beside the value it was read as; money with its
// currency on both sides of a comparison, the currency column standing in
// for a cell that names none.
func TestMessageValues(t *testing.T) {
	dir := writeFiles(t, map[string]string{"m.yaml": `
rules:
  - id: housing
    title: t
    indicator: restriction_of_movement
    severity: high
    expr: contract.employer_provided_housing
    message: "free to leave: {{contract.free_to_leave_housing}}, curfew: {{contract.housing_curfew}}, derived: {{contract.weekly_hours_total > 60.0}}"
    references: [r]
    remedy: x
  - id: custody
    title: t
    indicator: retention_of_identity_documents
    severity: high
    expr: contract.passport_held_by == "employer"
    message: "held by the {{contract.passport_held_by}}"
    references: [r]
    remedy: x
  - id: wage
    title: t
    indicator: abusive_working_and_living_conditions
    severity: high
    expr: contract.base_wage_monthly < contract.minimum_wage_monthly
    message: "paid {{contract.base_wage_monthly}}, minimum {{contract.minimum_wage_monthly}}"
    references: [r]
    remedy: x
`})
	p := compileFiles(t, dir, CompileOptions{}, "m.yaml")
	s := p.env.schema
	ev := p.NewEvaluator(TestReviewDate)
	for _, tc := range []struct {
		rule  string
		cells map[string]string
		want  string
	}{
		{"housing", map[string]string{"employer_provided_housing": "Y", "free_to_leave_housing": "No", "housing_curfew": "22:00", "weekly_hours_total": "66"},
			"free to leave: No, curfew: 22:00, derived: yes"},
		{"housing", map[string]string{"employer_provided_housing": "Y", "free_to_leave_housing": "no", "weekly_hours_total": "50"},
			"free to leave: no, curfew: not recorded, derived: no"},
		{"custody", map[string]string{"passport_held_by": "Company safe"}, `held by the employer ("Company safe")`},
		{"custody", map[string]string{"passport_held_by": "employer"}, "held by the employer"},
		{"wage", map[string]string{"base_wage_monthly": "1200", "minimum_wage_monthly": "MYR 1,500"}, "paid 1,200, minimum MYR 1,500"},
		{"wage", map[string]string{"base_wage_monthly": "1200", "minimum_wage_monthly": "1500.5", "currency": "myr"}, "paid MYR 1,200, minimum MYR 1,500.50"},
	} {
		c := row(t, s, tc.cells)
		assert.Equal(t, tc.want, ev.Message(rule(t, p, tc.rule), c), "%v", tc.cells)
	}
}

func TestMoneyText(t *testing.T) {
	for _, tc := range []struct {
		n    float64
		cur  string
		want string
	}{
		{150000, "NPR", "NPR 150,000"}, {1200.5, "USD", "USD 1,200.50"}, {999, "", "999"}, {-2500, "THB", "THB -2,500"}, {0.25, "EUR", "EUR 0.25"},
	} {
		assert.Equal(t, tc.want, moneyText(tc.n, tc.cur))
	}
}

// builtinPack compiles the built-in rule pack for the default schema, with
// the derivation and an evaluator at TestReviewDate.
func builtinPack(t *testing.T) (*Program, func(*contract.Contract), *Evaluator) {
	t.Helper()
	set, errs := Load([]string{BuiltinPath}, LoadOptions{Builtin: defaultrules.FS})
	if len(errs) > 0 {
		t.Fatal(errs.Detail())
	}
	schema := contract.DefaultSchema()
	env, err := NewEnv(schema)
	if err != nil {
		t.Fatal(err)
	}
	p, errs := env.Compile(set, CompileOptions{})
	if len(errs) > 0 {
		t.Fatal(errs.Detail())
	}
	return p, contract.NewDeriver(schema, TestReviewDate).Derive, p.NewEvaluator(TestReviewDate)
}

// TestPackMessages renders the message of every built-in rule on each of
// its examples that flags: no message shows a raw true or false, or
// "(blank)".
func TestPackMessages(t *testing.T) {
	p, derive, ev := builtinPack(t)
	raw := regexp.MustCompile(`\b(true|false)\b|\(blank\)`)
	n := 0
	for _, r := range p.Rules {
		for _, tc := range r.Tests {
			if tc.Expect != ExpectFlag {
				continue
			}
			c, err := p.exampleContract(r, tc)
			if err != nil {
				t.Fatal(err)
			}
			derive(c)
			if o := ev.Eval(r, c); o.Status != Flag {
				continue
			}
			n++
			if msg := ev.Message(r, c); raw.MatchString(msg) {
				t.Errorf("%s, example %q: %s", r.ID, tc.Name, msg)
			}
		}
	}
	if n == 0 {
		t.Fatal("no example flagged")
	}
}

// TestLightWorkAge checks that under-minimum-age tells a child too young
// for any work from one old enough only for light work, by the country's
// light-work age (the minimum-age table's light column).
func TestLightWorkAge(t *testing.T) {
	p, derive, ev := builtinPack(t)
	var rule *Compiled
	for _, r := range p.Rules {
		if r.ID == "under-minimum-age" {
			rule = r
		}
	}
	if rule == nil {
		t.Fatal("no rule under-minimum-age")
	}
	const (
		tooYoung  = "below which not even light work is allowed"
		lightOnly = "only light work may be allowed"
	)
	for _, tc := range []struct {
		age, country string
		want         string // "" when neither is said
		min          string
	}{
		{"12", "Malaysia", "and under 13, " + tooYoung, "minimum working age of 15"}, // light work from 13
		{"14", "Malaysia", lightOnly, "minimum working age of 15"},
		{"11", "Bangladesh", "and under 12, " + tooYoung, "minimum working age of 14"}, // light work from 12
		{"12", "Bangladesh", lightOnly, "minimum working age of 14"},
		{"15", "China", "", "minimum working age of 16"},                     // no light work below 16
		{"12", "", "and under 13, " + tooYoung, "minimum working age of 15"}, // C138: 15, light work 13
		{"13", "", lightOnly, "minimum working age of 15"},
	} {
		in, keys := map[string]string{"age": tc.age}, []string{"age"}
		if tc.country != "" {
			in["employer_country"], keys = tc.country, append(keys, "employer_country")
		}
		c, err := p.exampleContract(rule, Test{Name: tc.age + " " + tc.country, Contract: in, Expect: ExpectFlag, keys: keys})
		if err != nil {
			t.Fatal(err)
		}
		derive(c)
		if o := ev.Eval(rule, c); o.Status != Flag {
			t.Errorf("aged %s in %q: %v, want a flag", tc.age, tc.country, o.Status)
			continue
		}
		msg := ev.Message(rule, c)
		if !strings.Contains(msg, tc.min) {
			t.Errorf("aged %s in %q: %q does not say %q", tc.age, tc.country, msg, tc.min)
		}
		if tc.want == "" {
			if strings.Contains(msg, tooYoung) || strings.Contains(msg, lightOnly) {
				t.Errorf("aged %s in %q: %q speaks of light work, which the law does not allow below the minimum", tc.age, tc.country, msg)
			}
		} else if !strings.Contains(msg, tc.want) {
			t.Errorf("aged %s in %q: %q does not say %q", tc.age, tc.country, msg, tc.want)
		}
	}
}
