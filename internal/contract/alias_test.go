package contract

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDefaultSchemaAliasesMatch checks that every header spelling in
// schema.yaml, and every canonical name, leads back to its field.
func TestDefaultSchemaAliasesMatch(t *testing.T) {
	s := DefaultSchema()
	for _, f := range s.Fields() {
		for _, h := range append([]string{f.Name}, f.Aliases...) {
			t.Run(f.Name+"/"+h, func(t *testing.T) {
				m := s.Match(h)
				require.NotNil(t, m.Field, "Match(%q) found no field", h)
				if m.Field != f {
					// An alias may equal another field's canonical name, which wins.
					assert.Equal(t, NormalizeHeader(m.Field.Name), NormalizeHeader(h),
						"Match(%q) = %s, want %s", h, m.Field.Name, f.Name)
				}
			})
		}
	}
}

func TestMatchTrickyHeaders(t *testing.T) {
	s := DefaultSchema()
	tests := []struct {
		header   string
		field    string
		currency string
	}{
		{"Recruitment Fee (USD)", "recruitment_fee_paid_by_worker", "USD"},
		{"Recruitment Fee [usd]", "recruitment_fee_paid_by_worker", "USD"},
		{"Basic Salary (RM)", "base_wage_monthly", "MYR"},
		{"Basic Salary (NPR per month)", "base_wage_monthly", "NPR"},
		{"Deposit (€)", "deposit_amount", "EUR"},
		{"Salary (Rs)", "base_wage_monthly", ""},
		{"Passport\nKept By", "passport_held_by", ""},
		{"PASSPORT KEPT-BY", "passport_held_by", ""},
		{"  passport   kept by  ", "passport_held_by", ""},
		{"License #", "recruitment_agency_license_no", ""},
		{"Licence #", "recruitment_agency_license_no", ""},
		{"Age (yrs)", "age", ""},
		{"Age", "age", ""},
		{"Contract (Y/N)", "has_written_contract", ""},
		{"Visa Cost (worker)", "visa_cost_paid_by_worker", ""},
		{"D.O.B.", "date_of_birth", ""},
		{"Notice Period (days)", "notice_period_days_worker", ""},
		{"Fee (USD)", "", "USD"},
		{"Remarks", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.header, func(t *testing.T) {
			m := s.Match(tc.header)
			got := ""
			if m.Field != nil {
				got = m.Field.Name
			}
			assert.Equal(t, tc.field, got, "Match(%q).Field", tc.header)
			assert.Equal(t, tc.currency, m.Currency, "Match(%q).Currency", tc.header)
		})
	}
}
