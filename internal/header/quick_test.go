package header

import (
	"fmt"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
)

func TestQuick(t *testing.T) {
	v := Default()
	m, err := NewMatcher(contract.DefaultSchema(), v, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"Does company keep the passport?", "OT optional?", "Allowed out of hostel after shift?", "Hrs/wk", "Rest days per month", "Passport expiry date", "Bank name", "Agency fee", "Recruitment Fee (USD)", "Salary (weekly)", "Deductions (%)", "护照保管", "Tarifa de reclutamiento", "OTHoursPerMonth", "Working hours per day", "Daily wage (NPR)"} {
		a := v.analyze(h)
		cs := m.candidates(h)
		fmt.Printf("%-40q %v unit=%s cur=%s\n", h, a.concepts, a.unit, a.currency)
		for i, c := range cs {
			if i > 2 {
				break
			}
			fmt.Printf("     %-35s %.2f %s %s partial=%v inv=%v %s/%s\n", c.field.Name, c.score, c.method, c.conversion, c.partial, c.hints.Invert, c.hints.Yes, c.hints.No)
		}
	}
}
