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

// TestDeriveCache checks that remembered derivations are the ones computed
// afresh, row after row, for rows that share some texts and not others.
func TestDeriveCache(t *testing.T) {
	s := DefaultSchema()
	asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	cached := NewDeriver(s, asOf)
	fresh := *cached
	fresh.cache = nil
	countries := []string{"Nepal", "Malaysia", "China", "Atlantis", "Thailand", "NP"}
	products := []string{"", "gloves", "cotton", "tomatoes", "fish", "polysilicon"}
	names := []string{"", "Hoshine Silicon Industry", "Top Glove", "Acme Ltd", "Dalian Ocean Fishing"}
	langs := []string{"English", "Nepali", "English/Nepali", "Bahasa", "Klingon"}
	for i := range 600 {
		cells := map[string]string{
			"nationality":            countries[i%len(countries)],
			"employer_country":       countries[(i/3)%len(countries)],
			"contract_language":      langs[i%len(langs)],
			"worker_native_language": langs[(i/5)%len(langs)],
		}
		if i%4 != 0 {
			cells["country_of_origin"] = countries[(i/2)%len(countries)]
		}
		if p := products[i%len(products)]; p != "" {
			cells["product"] = p
		}
		if n := names[i%len(names)]; n != "" {
			cells["supplier_name"] = n
		}
		if n := names[(i/7)%len(names)]; n != "" {
			cells["employer_name"] = n
		}
		if i%3 == 0 {
			cells["worksite_region"] = []string{"Selangor", "Xinjiang", "Kashgar"}[(i/3)%3]
		}
		a, b := deriveRow(t, s, cells), deriveRow(t, s, cells)
		cached.Derive(a)
		fresh.Derive(b)
		for j := range a.Values {
			if a.Values[j] != b.Values[j] {
				t.Fatalf("row %d %v: %s = %+v with the cache, %+v without", i, cells, s.Fields()[j].Name, a.Values[j], b.Values[j])
			}
		}
	}
}
