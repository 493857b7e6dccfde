package engine

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/rules"
)

const testRules = `rules:
  - id: fee-paid
    title: Worker paid a recruitment fee
    indicator: debt_bondage
    severity: high
    expr: contract.recruitment_fee_paid_by_worker > 0
    message: "fee {{contract.recruitment_fee_paid_by_worker}}"
    references: ["ILO Fair Recruitment GP7"]
  - id: passport-held
    title: Passport held
    indicator: retention_of_identity_documents
    severity: critical
    expr: contract.passport_held_by in ["employer", "agent"]
    message: "held by {{contract.passport_held_by}}"
    references: ["ILO indicator 7"]
  - id: ratio
    title: Deductions share
    indicator: withholding_of_wages
    severity: medium
    expr: contract.deductions_total_monthly / contract.base_wage_monthly > 0.25
    message: "ratio"
    references: ["H"]
  - id: age-ratio
    title: Fails when age is 20
    indicator: child_labour
    severity: low
    expr: contract.age / (contract.age - 20) > 100
    message: "x"
    references: ["test"]
`

func compile(t testing.TB) (*rules.Program, *contract.Schema) {
	t.Helper()
	s := contract.DefaultSchema()
	f, errs := rules.Parse("t.yaml", []byte(testRules))
	require.Empty(t, errs)
	set := &rules.Set{Files: []*rules.File{f}, Rules: f.Rules}
	env, err := rules.NewEnv(s)
	require.NoError(t, err)
	p, errs := env.Compile(set, rules.CompileOptions{})
	require.Empty(t, errs, errs.Detail())
	return p, s
}

func mk(t testing.TB, s *contract.Schema, row int, cells map[string]string) *contract.Contract {
	t.Helper()
	c := &contract.Contract{File: "r.csv", Row: row, Values: make([]contract.Value, s.Len())}
	for k, raw := range cells {
		f := s.Field(k)
		v, err := f.Parse(raw, contract.Hints{})
		require.NoError(t, err, k)
		c.Values[f.Index] = v
	}
	return c
}

func TestEvaluateStatus(t *testing.T) {
	p, s := compile(t)
	e := New(p, s, Options{})
	x := e.NewEvaluator()
	tests := []struct {
		name    string
		cells   map[string]string
		status  Status
		risk    contract.Severity
		missing []string
		errs    int
	}{
		{"clear", map[string]string{"recruitment_fee_paid_by_worker": "0", "passport_held_by": "worker", "deductions_total_monthly": "10", "base_wage_monthly": "400", "age": "30"}, Clear, 0, nil, 0},
		{"a rule error is reported and leaves the review incomplete", map[string]string{"recruitment_fee_paid_by_worker": "0", "passport_held_by": "worker", "deductions_total_monthly": "10", "base_wage_monthly": "400", "age": "20"}, Failed, 0, nil, 1},
		{"a rule error beside blanks is still a rule error", map[string]string{"passport_held_by": "worker", "age": "20"}, Failed, 0, []string{"recruitment_fee_paid_by_worker", "base_wage_monthly", "deductions_total_monthly"}, 1},
		{"a flagged contract with a rule error is decided by its findings", map[string]string{"recruitment_fee_paid_by_worker": "900", "passport_held_by": "worker", "deductions_total_monthly": "10", "base_wage_monthly": "400", "age": "20"}, Flagged, contract.High, nil, 1},
		{"flagged twice", map[string]string{"recruitment_fee_paid_by_worker": "900", "passport_held_by": "employer", "deductions_total_monthly": "10", "base_wage_monthly": "400", "age": "40"}, Flagged, contract.Critical, nil, 0},
		{"all blank is insufficient, not clear", nil, Insufficient, 0, []string{"age", "recruitment_fee_paid_by_worker", "base_wage_monthly", "deductions_total_monthly", "passport_held_by"}, 0},
		{"a flag with blanks elsewhere is flagged", map[string]string{"passport_held_by": "agent"}, Flagged, contract.Critical, []string{"age", "recruitment_fee_paid_by_worker", "base_wage_monthly", "deductions_total_monthly"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := x.Evaluate(mk(t, s, 2, tc.cells))
			assert.Equal(t, tc.status, r.Status)
			assert.Equal(t, tc.risk, r.Risk)
			assert.Equal(t, tc.missing, r.Missing)
			assert.Len(t, r.Errors, tc.errs)
		})
	}
}

func TestEvaluateEvidence(t *testing.T) {
	p, s := compile(t)
	x := New(p, s, Options{}).NewEvaluator()
	r := x.Evaluate(mk(t, s, 7, map[string]string{"recruitment_fee_paid_by_worker": "1200", "worker_id": "W-7"}))
	require.Len(t, r.Findings, 1)
	f := r.Findings[0]
	assert.Equal(t, "fee-paid", f.Rule.ID)
	assert.Equal(t, "fee 1,200", f.Message)
	assert.Equal(t, []Evidence{{Field: "recruitment_fee_paid_by_worker", Value: 1200.0, Raw: "1200"}}, f.Evidence)
	assert.Equal(t, "W-7", r.ContractID, "worker_id stands in for a missing contract_id")
}

// Results come back in input order whatever the number of workers.
func TestRunDeterministic(t *testing.T) {
	p, s := compile(t)
	var contracts []*contract.Contract
	for i := range 5000 {
		cells := map[string]string{"recruitment_fee_paid_by_worker": fmt.Sprint(i % 7)}
		if i%3 == 0 {
			cells["passport_held_by"] = "employer"
		}
		contracts = append(contracts, mk(t, s, i+2, cells))
	}
	run := func(workers int) []Result {
		var out []Result
		e := New(p, s, Options{Workers: workers})
		err := e.Run(context.Background(), func(emit func(*contract.Contract) error) error {
			for _, c := range contracts {
				if err := emit(c); err != nil {
					return err
				}
			}
			return nil
		}, func(r Result) error {
			out = append(out, r)
			return nil
		})
		require.NoError(t, err)
		return out
	}
	one := run(1)
	require.Len(t, one, len(contracts))
	for i, r := range one {
		require.Equal(t, i+2, r.Row)
	}
	for _, w := range []int{2, 4, 8} {
		assert.Equal(t, one, run(w), "workers=%d", w)
	}
}

func TestRunStopsOnError(t *testing.T) {
	p, s := compile(t)
	e := New(p, s, Options{Workers: 4})
	boom := errors.New("boom")
	n := 0
	err := e.Run(context.Background(), func(emit func(*contract.Contract) error) error {
		for i := 0; ; i++ {
			if err := emit(mk(t, s, i, nil)); err != nil {
				return err
			}
		}
	}, func(Result) error {
		n++
		if n == 1000 {
			return boom
		}
		return nil
	})
	assert.ErrorIs(t, err, boom)
}

func TestRunCancelled(t *testing.T) {
	p, s := compile(t)
	e := New(p, s, Options{Workers: 2})
	ctx, cancel := context.WithCancel(context.Background())
	err := e.Run(ctx, func(emit func(*contract.Contract) error) error {
		for i := 0; ; i++ {
			if i == 3000 {
				cancel()
			}
			if err := emit(mk(t, s, i, nil)); err != nil {
				return err
			}
		}
	}, func(Result) error { return nil })
	assert.ErrorIs(t, err, context.Canceled)
}

func BenchmarkEvaluate(b *testing.B) {
	p, s := compile(b)
	x := New(p, s, Options{}).NewEvaluator()
	c := mk(b, s, 2, map[string]string{"recruitment_fee_paid_by_worker": "0", "passport_held_by": "worker", "deductions_total_monthly": "10", "base_wage_monthly": "400", "age": "30"})
	b.ReportAllocs()
	for b.Loop() {
		x.Evaluate(c)
	}
}

// TestInOfficerWords: a derived value's account of itself names fields as
// the roster does, its headers where it has the columns, and leaves the
// roster's quoted text alone.
func TestInOfficerWords(t *testing.T) {
	schema := contract.DefaultSchema()
	e := &Engine{schema: schema}
	cols := contract.NewColumns(len(schema.Fields()))
	wage := schema.Field("base_wage_monthly")
	cols.Has[wage.Index], cols.Header[wage.Index] = true, "Basic salary"
	costs := schema.Field("recruitment_costs_total")
	for _, tc := range []struct{ in, want string }{
		{"derived: recruitment_costs_total / base_wage_monthly", "derived: " + costs.Label() + " / Basic salary"},
		{`derived: "base_wage_monthly is here" names no place`, `derived: "base_wage_monthly is here" names no place`},
		{`derived: "a \"quoted\" base_wage_monthly" then base_wage_monthly`, `derived: "a \"quoted\" base_wage_monthly" then Basic salary`},
		{"derived: age 22 against not_a_field", "derived: age 22 against not_a_field"},
	} {
		assert.Equal(t, tc.want, e.inOfficerWords(tc.in, cols), tc.in)
	}
	// Without columns, every field goes by its label.
	assert.Equal(t, "derived: "+wage.Label(), e.inOfficerWords("derived: base_wage_monthly", nil))
}
