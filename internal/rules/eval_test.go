package rules

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/contract"
)

const demoRules = `rules:
  - id: fee-paid
    title: Worker paid a recruitment fee
    indicator: debt_bondage
    severity: high
    expr: contract.recruitment_fee_paid_by_worker > 0
    message: "Worker paid a recruitment fee of {{contract.recruitment_fee_paid_by_worker}}"
    references: ["ILO General Principles for Fair Recruitment, Principle 7"]
  - id: fee-or-passport
    title: Fee or passport
    indicator: debt_bondage
    severity: medium
    expr: contract.recruitment_fee_paid_by_worker > 0 || contract.passport_held_by in ["employer", "agent"]
    message: "x"
    references: ["r"]
  - id: hours
    title: Hours
    indicator: excessive_overtime
    severity: high
    when: has(contract.weekly_hours_total)
    expr: contract.weekly_hours_total > 60
    escalate:
      - {when: contract.weekly_hours_total > 72, severity: critical}
    message: "{{contract.weekly_hours_total}} hours, {{contract.weekly_hours_total - 60.0}} over"
    references: ["RBA A3"]
`

func compileDemo(t testing.TB) (*Program, *contract.Schema) {
	t.Helper()
	s := contract.DefaultSchema()
	f, errs := Parse("demo.yaml", []byte(demoRules))
	require.Empty(t, errs)
	set, errs := NewSet([]*File{f})
	require.Empty(t, errs)
	env, err := NewEnv(s)
	require.NoError(t, err)
	p, errs := env.Compile(set, CompileOptions{})
	require.Empty(t, errs, errs.Detail())
	return p, s
}

func row(t testing.TB, s *contract.Schema, cells map[string]string) *contract.Contract {
	t.Helper()
	c := &contract.Contract{File: "t.csv", Row: 2, Values: make([]contract.Value, s.Len())}
	for k, raw := range cells {
		f := s.Field(k)
		require.NotNil(t, f, k)
		v, err := f.Parse(raw, contract.Hints{})
		require.NoError(t, err)
		c.Values[f.Index] = v
	}
	return c
}

func TestEvalThreeValued(t *testing.T) {
	p, s := compileDemo(t)
	ev := p.NewEvaluator(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	fee, either, hours := p.Rules[0], p.Rules[1], p.Rules[2]

	tests := []struct {
		name  string
		rule  *Compiled
		cells map[string]string
		want  Status
		sev   contract.Severity
		miss  []string
	}{
		{"fee paid", fee, map[string]string{"recruitment_fee_paid_by_worker": "500"}, Flag, contract.High, nil},
		{"no fee", fee, map[string]string{"recruitment_fee_paid_by_worker": "0"}, Pass, 0, nil},
		{"fee blank", fee, map[string]string{}, Insufficient, 0, []string{"recruitment_fee_paid_by_worker"}},
		{"blank fee, passport held", either, map[string]string{"passport_held_by": "employer"}, Flag, contract.Medium, nil},
		{"blank fee, passport with worker", either, map[string]string{"passport_held_by": "worker"}, Insufficient, 0, []string{"recruitment_fee_paid_by_worker"}},
		{"both blank", either, map[string]string{}, Insufficient, 0, []string{"recruitment_fee_paid_by_worker", "passport_held_by"}},
		{"hours when false", hours, map[string]string{}, Pass, 0, nil},
		{"hours 65", hours, map[string]string{"weekly_hours_total": "65"}, Flag, contract.High, nil},
		{"hours 80 escalates", hours, map[string]string{"weekly_hours_total": "80"}, Flag, contract.Critical, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := ev.Eval(tc.rule, row(t, s, tc.cells))
			assert.Equal(t, tc.want, o.Status, "status (err %v)", o.Err)
			assert.Equal(t, tc.sev, o.Severity)
			var miss []string
			for _, i := range o.Missing {
				miss = append(miss, s.Fields()[i].Name)
			}
			assert.Equal(t, tc.miss, miss)
		})
	}
	assert.Equal(t, "Worker paid a recruitment fee of 500", ev.Message(fee, row(t, s, map[string]string{"recruitment_fee_paid_by_worker": "500"})))
	assert.Equal(t, "80 hours, 20 over", ev.Message(hours, row(t, s, map[string]string{"weekly_hours_total": "80"})))
}

func BenchmarkEval(b *testing.B) {
	p, s := compileDemo(b)
	ev := p.NewEvaluator(time.Time{})
	c := row(b, s, map[string]string{"passport_held_by": "worker", "recruitment_fee_paid_by_worker": "0", "weekly_hours_total": "50"})
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range p.Rules {
			ev.Eval(r, c)
		}
	}
}
