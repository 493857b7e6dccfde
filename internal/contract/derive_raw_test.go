package contract

import (
	"fmt"
	"testing"
	"time"
)

// TestDeriveAgeRaws checks the Raw of age_at_hire and date_of_birth_age_gap
// word for word, as fmt would write them.
func TestDeriveAgeRaws(t *testing.T) {
	s := DefaultSchema()
	asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	d := NewDeriver(s, asOf)
	for _, tc := range []struct {
		cells       map[string]string
		field, want string
	}{
		{map[string]string{"date_of_birth": "2010-03-01", "start_date": "2024-02-28"}, "age_at_hire",
			"derived from date_of_birth at start_date 2024-02-28"},
		{map[string]string{"age": "19", "date_of_birth": "2010-01-01"}, "date_of_birth_age_gap",
			fmt.Sprintf("derived: age %d against date_of_birth %s at %s", 19, "2010-01-01", "the review date 2025-06-30")},
		{map[string]string{"age": "14", "date_of_birth": "2010-01-01", "start_date": "2024-05-01"}, "date_of_birth_age_gap",
			fmt.Sprintf("derived: age %d against date_of_birth %s at %s", 14, "2010-01-01", "start_date 2024-05-01")},
		{map[string]string{"age": "30", "date_of_birth": "2010-01-01", "start_date": "2024-05-01"}, "date_of_birth_age_gap",
			fmt.Sprintf("derived: age %d against date_of_birth %s at %s", 30, "2010-01-01", "the review date 2025-06-30")},
		{map[string]string{"age": "-3", "date_of_birth": "2010-01-01"}, "date_of_birth_age_gap",
			fmt.Sprintf("derived: age %d against date_of_birth %s at %s", -3, "2010-01-01", "the review date 2025-06-30")},
	} {
		c := deriveRow(t, s, tc.cells)
		d.Derive(c)
		if got := c.Value(s.Field(tc.field).Index).Raw; got != tc.want {
			t.Errorf("%v: %s Raw = %q, want %q", tc.cells, tc.field, got, tc.want)
		}
	}
}
