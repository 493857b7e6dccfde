package contract

import (
	"testing"
	"time"
)

// withColumns gives c's sheet a column for each of the named fields only.
func withColumns(s *Schema, c *Contract, names ...string) *Contract {
	cols := NewColumns(s.Len())
	for _, n := range names {
		cols.Has[s.Field(n).Index] = true
	}
	c.Columns = cols
	return c
}

// recruitment_costs_total sums the cost columns the roster has: an absent
// visa column no longer blanks it, a blank cost cell still does, and Raw
// says what was summed.
func TestRecruitmentCostsFromColumnsTheRosterHas(t *testing.T) {
	s := DefaultSchema()
	d := NewDeriver(s, time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC))
	total := s.Field("recruitment_costs_total").Index

	c := withColumns(s, deriveRow(t, s, map[string]string{"recruitment_fee_paid_by_worker": "300", "travel_cost_paid_by_worker": "200"}),
		"recruitment_fee_paid_by_worker", "travel_cost_paid_by_worker")
	d.Derive(c)
	v := c.Values[total]
	if !v.Present || v.Num != 500 || !v.Derived {
		t.Fatalf("total %+v, want 500", v)
	}
	if want := "derived: recruitment_fee_paid_by_worker + travel_cost_paid_by_worker"; v.Raw != want {
		t.Errorf("raw %q, want %q", v.Raw, want)
	}

	c = withColumns(s, deriveRow(t, s, map[string]string{"recruitment_fee_paid_by_worker": "300"}),
		"recruitment_fee_paid_by_worker", "travel_cost_paid_by_worker")
	d.Derive(c)
	if c.Values[total].Present {
		t.Errorf("a blank travel cost cell: total %+v, want unknown", c.Values[total])
	}

	c = withColumns(s, deriveRow(t, s, map[string]string{}), "worker_id")
	d.Derive(c)
	if c.Values[total].Present {
		t.Errorf("no cost column: total %+v, want unknown", c.Values[total])
	}
}

func TestDerivedAvailable(t *testing.T) {
	s := DefaultSchema()
	has := func(names ...string) []bool {
		out := make([]bool, s.Len())
		for _, n := range names {
			out[s.Field(n).Index] = true
		}
		return out
	}
	avail := func(d *Derived, h []bool, name string) bool { return d.Available(h)[s.Field(name).Index] }
	d := NewDerived(s, false)
	for _, tc := range []struct {
		has   []string
		field string
		want  bool
	}{
		{[]string{"date_of_birth"}, "age", true},
		{[]string{"regular_hours_per_week"}, "weekly_hours_total", false},
		{[]string{"regular_hours_per_week", "overtime_hours_per_week"}, "weekly_hours_total", true},
		{[]string{"visa_cost_paid_by_worker"}, "recruitment_costs_total", true},
		{[]string{"visa_cost_paid_by_worker", "base_wage_monthly"}, "recruitment_costs_months_of_wage", true},
		{[]string{"visa_cost_paid_by_worker"}, "recruitment_costs_months_of_wage", false},
		{[]string{"employer_country", "base_wage_monthly"}, "wage_to_minimum_ratio", false},
		{[]string{"minimum_wage_monthly", "base_wage_monthly"}, "wage_to_minimum_ratio", true},
	} {
		if got := avail(d, has(tc.has...), tc.field); got != tc.want {
			t.Errorf("%s from %v: %v, want %v", tc.field, tc.has, got, tc.want)
		}
	}
	// With a minimum-wage table, the country is enough for the minimum wage.
	if !avail(NewDerived(s, true), has("employer_country", "base_wage_monthly"), "wage_to_minimum_ratio") {
		t.Error("minimum-wage table: wage_to_minimum_ratio not available from country and wage")
	}
	// Every derivation names fields of the default schema.
	for _, dv := range Derivations {
		for _, n := range append([]string{dv.Field}, dv.Inputs...) {
			if s.Field(n) == nil {
				t.Errorf("derivation of %s: no field %s", dv.Field, n)
			}
		}
	}
	if got := s.Field("recruitment_costs_total").Label(); got != "recruitment costs total" {
		t.Errorf("label %q", got)
	}
	if got := s.Field("base_wage_monthly").Label(); got != "Basic Salary" {
		t.Errorf("label %q", got)
	}
}
