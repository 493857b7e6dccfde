package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/laborcheck/laborcheck/internal/contract"
)

const checkableRules = `
variables:
  paid: contract.recruitment_fee_paid_by_worker > 0 || contract.visa_cost_paid_by_worker > 0
  hours: contract.weekly_hours_total
rules:
  - {id: and, title: t, indicator: debt_bondage, severity: high, message: m, references: [r],
     expr: "contract.recruitment_fee_paid_by_worker > 0 && contract.base_wage_monthly > 0"}
  - {id: or, title: t, indicator: debt_bondage, severity: high, message: m, references: [r],
     expr: "contract.recruitment_fee_paid_by_worker > 0 || contract.visa_cost_paid_by_worker > 0"}
  - {id: not, title: t, indicator: deception, severity: high, message: m, references: [r],
     expr: "!contract.has_written_contract"}
  - {id: cond, title: t, indicator: excessive_overtime, severity: high, message: m, references: [r],
     expr: "contract.overtime_voluntary ? contract.weekly_hours_total > 72 : contract.weekly_hours_total > 60 || contract.rest_days_per_week < 1"}
  - {id: has, title: t, indicator: deception, severity: high, message: m, references: [r],
     expr: "has(contract.contract_language) && contract.contract_language == 'English'"}
  - {id: when, title: t, indicator: debt_bondage, severity: high, message: m, references: [r],
     when: "contract.base_wage_monthly > 0", expr: "contract.deposit_amount > 0"}
  - {id: variable, title: t, indicator: debt_bondage, severity: high, message: m, references: [r],
     expr: "variables.paid"}
  - {id: variable-in-comparison, title: t, indicator: excessive_overtime, severity: high, message: m, references: [r],
     expr: "variables.hours > 60"}
  - {id: comprehension, title: t, indicator: deception, severity: high, message: m, references: [r],
     expr: "[contract.contract_language, contract.worker_native_language].exists(l, l == 'x')"}
`

// Checkable follows CEL's logic over the fields a roster provides.
func TestCheckable(t *testing.T) {
	dir := writeFiles(t, map[string]string{"rules.yaml": checkableRules})
	p := compileFiles(t, dir, CompileOptions{}, "rules.yaml")
	s := contract.DefaultSchema()
	avail := func(names ...string) []bool {
		out := make([]bool, s.Len())
		for _, n := range names {
			out[s.Field(n).Index] = true
		}
		return out
	}
	type want struct{ ok, full bool }
	for _, tc := range []struct {
		rule   string
		fields []string
		want   want
		absent []string
	}{
		{"and", []string{"recruitment_fee_paid_by_worker"}, want{false, false}, []string{"base_wage_monthly"}},
		{"and", []string{"recruitment_fee_paid_by_worker", "base_wage_monthly"}, want{true, true}, nil},
		{"or", []string{"visa_cost_paid_by_worker"}, want{true, false}, []string{"recruitment_fee_paid_by_worker"}},
		{"or", nil, want{false, false}, []string{"recruitment_fee_paid_by_worker", "visa_cost_paid_by_worker"}},
		{"not", []string{"has_written_contract"}, want{true, true}, nil},
		{"not", nil, want{false, false}, []string{"has_written_contract"}},
		{"cond", []string{"overtime_voluntary", "weekly_hours_total"}, want{true, false}, []string{"rest_days_per_week"}},
		{"cond", []string{"overtime_voluntary", "rest_days_per_week"}, want{true, false}, []string{"weekly_hours_total"}},
		{"cond", []string{"weekly_hours_total"}, want{false, false}, []string{"rest_days_per_week", "overtime_voluntary"}},
		{"has", []string{"contract_language"}, want{true, true}, nil},
		{"has", nil, want{false, false}, []string{"contract_language"}},
		{"when", []string{"deposit_amount"}, want{false, false}, []string{"base_wage_monthly"}},
		{"variable", []string{"visa_cost_paid_by_worker"}, want{true, false}, []string{"recruitment_fee_paid_by_worker"}},
		{"variable-in-comparison", []string{"weekly_hours_total"}, want{true, true}, nil},
		{"comprehension", []string{"contract_language"}, want{false, false}, []string{"worker_native_language"}},
	} {
		r := rule(t, p, tc.rule)
		ok, full := r.Checkable(avail(tc.fields...))
		assert.Equal(t, tc.want, want{ok, full}, "%s with %v", tc.rule, tc.fields)
		assert.Equal(t, tc.absent, fieldNames(s, r.Absent(avail(tc.fields...))), "%s with %v: absent", tc.rule, tc.fields)
	}
}
