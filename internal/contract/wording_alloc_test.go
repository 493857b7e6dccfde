package contract

import "testing"

// Cells read with the vocabulary's wordings allocate nothing, like plain
// cells: rosters have hundreds of thousands of rows.
func TestWordingAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts")
	}
	s := DefaultSchema()
	for _, c := range [][2]string{
		{"employer_provided_housing", "Company-provided hostel"},
		{"has_written_contract", "Not given"},
		{"overtime_voluntary", "Not compulsory"},
		{"passport_held_by", "Sub-agent, Kathmandu"},
		{"passport_held_by", "HR dept. (safe custody)"},
		{"rest_days_per_week", "Every other Sunday"},
		{"wage_payment_interval_days", "Twice monthly"},
		{"wage_payment_interval_days", "Paid twice a month"},
		{"wage_payment_interval_days", "On completion of contract"},
		{"deposit_amount", "Half month's wage"},
		{"deposit_amount", "NPR 1.2 lakh"},
		{"deposit_amount", "USD 300 (returnable)"},
		{"deposit_amount", "Nil - borne by employer"},
		{"weekly_hours_total", "10h x 6d"},
		{"is_migrant", "Foreign national"},
		{"night_work", "Yes"},
		{"housing_curfew", "22:00"},
		{"weekly_hours_total", "8 horas x 6 días"},
		{"weekly_hours_total", "8小时 x 6天"},
		{"work_permit_held_by", "Kept by employer, not with worker"},
		{"deposit_amount", "Um mês de salário"},
		{"deposit_amount", "Gaji setengah bulan"},
		{"wages_withheld_amount", "First month's salary"},
		{"rest_days_per_week", "Sábado"},
	} {
		f := s.Field(c[0])
		var v Value
		if n := testing.AllocsPerRun(100, func() { _ = f.ParseInto(&v, c[1], Hints{}) }); n != 0 {
			t.Errorf("%s %q: %v allocations", c[0], c[1], n)
		}
	}
}
