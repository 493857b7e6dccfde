package contract

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func deriveRow(t *testing.T, s *Schema, cells map[string]string) *Contract {
	t.Helper()
	c := &Contract{File: "t.csv", Row: 2, Values: make([]Value, s.Len())}
	for k, raw := range cells {
		f := s.Field(k)
		if f == nil {
			t.Fatalf("no field %s", k)
		}
		v, err := f.Parse(raw, Hints{DateOrder: DayFirst})
		if err != nil {
			t.Fatalf("%s %q: %v", k, raw, err)
		}
		c.Values[f.Index] = v
	}
	return c
}

func TestDerive(t *testing.T) {
	s := DefaultSchema()
	asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	d := NewDeriver(s, asOf)
	tests := []struct {
		name  string
		cells map[string]string
		field string
		want  any // nil: stays blank
	}{
		{"age at hire", map[string]string{"date_of_birth": "2010-03-01", "start_date": "2024-02-28"}, "age_at_hire", int64(13)},
		{"age at hire on birthday", map[string]string{"date_of_birth": "2010-03-01", "start_date": "2024-03-01"}, "age_at_hire", int64(14)},
		{"age at the review date, not at hire", map[string]string{"date_of_birth": "2007-07-01", "start_date": "2024-03-01"}, "age", int64(17)},
		{"age at review date", map[string]string{"date_of_birth": "2007-07-01"}, "age", int64(17)},
		{"age cell wins", map[string]string{"date_of_birth": "2007-07-01", "age": "30"}, "age", int64(30)},
		{"birth after start", map[string]string{"date_of_birth": "2030-01-01"}, "age", nil},
		{"total hours", map[string]string{"regular_hours_per_week": "48", "overtime_hours_per_week": "20"}, "weekly_hours_total", 68.0},
		{"total needs overtime", map[string]string{"regular_hours_per_week": "48"}, "weekly_hours_total", nil},
		{"migrant", map[string]string{"nationality": "Nepali", "employer_country": "MY"}, "is_migrant", true},
		{"local", map[string]string{"nationality": "Malaysian", "employer_country": "Malaysia"}, "is_migrant", false},
		{"Burma is Myanmar", map[string]string{"nationality": "Burmese", "employer_country": "Myanmar"}, "is_migrant", false},

		{"language names", map[string]string{"contract_language": "English", "worker_native_language": "Nepali"}, "contract_in_worker_language", false},
		{"language code", map[string]string{"contract_language": "NE", "worker_native_language": "Nepali"}, "contract_in_worker_language", true},
		{"bilingual", map[string]string{"contract_language": "Bahasa Malaysia and English", "worker_native_language": "English"}, "contract_in_worker_language", true},
		{"Malay and Indonesian", map[string]string{"contract_language": "Bahasa", "worker_native_language": "Indonesian"}, "contract_in_worker_language", true},
		{"unknown languages by name", map[string]string{"contract_language": "Karen", "worker_native_language": "karen"}, "contract_in_worker_language", true},

		{"fee months", map[string]string{"recruitment_fee_paid_by_worker": "USD 1,200", "base_wage_monthly": "USD 400"}, "recruitment_fee_months_of_wage", 3.0},
		{"fee in row currency", map[string]string{"recruitment_fee_paid_by_worker": "1200", "base_wage_monthly": "USD 400", "currency": "USD"}, "recruitment_fee_months_of_wage", 3.0},
		{"fee in another currency", map[string]string{"recruitment_fee_paid_by_worker": "NPR 150,000", "base_wage_monthly": "MYR 1,500"}, "recruitment_fee_months_of_wage", 150000 * (4.717 / 133.4) / 1500},
		{"fee in a currency without a rate", map[string]string{"recruitment_fee_paid_by_worker": "150,000", "currency": "XYZ", "base_wage_monthly": "MYR 1,500"}, "recruitment_fee_months_of_wage", nil},
		{"zero fee in any currency", map[string]string{"recruitment_fee_paid_by_worker": "0", "base_wage_monthly": "MYR 1,500"}, "recruitment_fee_months_of_wage", 0.0},
		{"no wage", map[string]string{"recruitment_fee_paid_by_worker": "100", "base_wage_monthly": "0"}, "recruitment_fee_months_of_wage", nil},
		{"costs total", map[string]string{"recruitment_fee_paid_by_worker": "USD 500", "visa_cost_paid_by_worker": "USD 100", "travel_cost_paid_by_worker": "0",
			"medical_cost_paid_by_worker": "USD 50", "other_recruitment_cost_paid_by_worker": "none"}, "recruitment_costs_total", 650.0},
		{"costs total needs every cost", map[string]string{"recruitment_fee_paid_by_worker": "USD 500", "visa_cost_paid_by_worker": "USD 100"}, "recruitment_costs_total", nil},
		{"costs in two currencies", map[string]string{"recruitment_fee_paid_by_worker": "NPR 50,000", "visa_cost_paid_by_worker": "USD 100", "travel_cost_paid_by_worker": "0",
			"medical_cost_paid_by_worker": "0", "other_recruitment_cost_paid_by_worker": "0"}, "recruitment_costs_total", 50000 + 100*(133.4/1)},
		{"costs months", map[string]string{"recruitment_fee_paid_by_worker": "300", "visa_cost_paid_by_worker": "100", "travel_cost_paid_by_worker": "0",
			"medical_cost_paid_by_worker": "0", "other_recruitment_cost_paid_by_worker": "0", "base_wage_monthly": "800"}, "recruitment_costs_months_of_wage", 0.5},
		{"deductions share", map[string]string{"deductions_total_monthly": "(300)", "base_wage_monthly": "1200"}, "deductions_share_of_wage", 0.25},
		{"wage to promised", map[string]string{"promised_monthly_wage": "RM 2,000", "base_wage_monthly": "RM 1,500"}, "wage_to_promised_ratio", 0.75},
		{"wage to minimum", map[string]string{"minimum_wage_monthly": "1500", "base_wage_monthly": "1200"}, "wage_to_minimum_ratio", 0.8},
		{"minimum in another currency", map[string]string{"minimum_wage_monthly": "MYR 1500", "base_wage_monthly": "USD 300"}, "wage_to_minimum_ratio", 300 * (4.717 / 1) / 1500},
		{"part-time minimum pro-rated", map[string]string{"minimum_wage_monthly": "1500", "base_wage_monthly": "750", "regular_hours_per_week": "20"}, "wage_to_minimum_ratio", 1.0},
		{"statutory deductions not counted", map[string]string{"deductions_total_monthly": "500", "deduction_income_tax": "150", "deduction_social_security": "100", "base_wage_monthly": "1000"}, "deductions_share_of_wage", 0.25},
		{"French in France", map[string]string{"nationality": "French", "employer_country": "France"}, "is_migrant", false},
		{"language of the nationality", map[string]string{"contract_language": "Bengali", "worker_native_language": "Bangladeshi"}, "contract_in_worker_language", true},
		{"minimum age of China", map[string]string{"employer_country": "China"}, "minimum_age_general", int64(16)},
		{"international minimum age", map[string]string{"employer_country": "Atlantis"}, "minimum_age_general", int64(15)},
		{"age column against date of birth", map[string]string{"age": "19", "date_of_birth": "2010-01-01"}, "date_of_birth_age_gap", int64(4)},
		{"Aksu in Antalya", map[string]string{"worksite_region": "Aksu, Antalya"}, "xinjiang_place", ""},
		{"Aksu in China", map[string]string{"worksite_region": "Aksu", "employer_country": "China"}, "xinjiang_place", "Aksu"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := deriveRow(t, s, tc.cells)
			d.Derive(c)
			f := s.Field(tc.field)
			got := c.Value(f.Index)
			if tc.want == nil {
				if got.Present {
					t.Fatalf("%s = %v, want blank", tc.field, got.Native(f.Type))
				}
				return
			}
			if !got.Present {
				t.Fatalf("%s blank, want %v", tc.field, tc.want)
			}
			if n, ok := tc.want.(float64); ok {
				if diff := got.Num - n; diff > 1e-9 || diff < -1e-9 {
					t.Errorf("%s = %v, want %v", tc.field, got.Num, n)
				}
			} else if got.Native(f.Type) != tc.want {
				t.Errorf("%s = %v, want %v", tc.field, got.Native(f.Type), tc.want)
			}
			if _, given := tc.cells[tc.field]; !given && (!got.Derived || !strings.HasPrefix(got.Raw, "derived")) {
				t.Errorf("%s: Derived %v Raw %q, want a derived value saying how", tc.field, got.Derived, got.Raw)
			}
		})
	}
}

const minWageCSV = `country,region,effective_from,monthly_amount,currency,source
Malaysia,,2022-05-01,1500,MYR,Example gazette 2022
MY,,2025-02-01,1700,MYR,Example gazette 2025
Indonesia,West Java,2025-01-01,"2,200,000",IDR,Example decree
Indonesia,,2025-01-01,"1,000,000",IDR,Example national floor
`

func TestMinimumWages(t *testing.T) {
	tab, err := ReadMinimumWages(strings.NewReader(minWageCSV))
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != 4 {
		t.Fatalf("Len %d, want 4", tab.Len())
	}
	tests := []struct {
		country, region string
		on              string
		want            float64 // 0: none in force
	}{
		{"Malaysia", "", "2024-06-30", 1500},
		{"malaysian", "Selangor", "2025-06-30", 1700},
		{"MYS", "", "2022-01-01", 0},
		{"ID", "West Java", "2025-03-01", 2200000},
		{"Indonesia", "Bali", "2025-03-01", 1000000},
		{"Viet Nam", "", "2025-03-01", 0},
	}
	for _, tc := range tests {
		on, _ := time.Parse(time.DateOnly, tc.on)
		r, ok := tab.Lookup(tc.country, tc.region, on)
		if got := map[bool]float64{true: r.Monthly, false: 0}[ok]; got != tc.want {
			t.Errorf("Lookup(%q, %q, %s) = %v, want %v", tc.country, tc.region, tc.on, got, tc.want)
		}
	}

	s := DefaultSchema()
	d := NewDeriver(s, time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)).WithMinimumWages(tab)
	c := deriveRow(t, s, map[string]string{"employer_country": "Malaysia", "base_wage_monthly": "RM 1,500"})
	d.Derive(c)
	mw := c.Value(s.Field("minimum_wage_monthly").Index)
	if !mw.Present || mw.Num != 1700 || mw.Currency != "MYR" || !mw.Derived || !strings.Contains(mw.Raw, "Example gazette 2025") {
		t.Errorf("minimum_wage_monthly %+v", mw)
	}
	if r := c.Value(s.Field("wage_to_minimum_ratio").Index); !r.Present || r.Num >= 1 {
		t.Errorf("wage_to_minimum_ratio %+v", r)
	}
	c = deriveRow(t, s, map[string]string{"employer_country": "Malaysia", "minimum_wage_monthly": "RM 1,000"})
	d.Derive(c)
	if mw := c.Value(s.Field("minimum_wage_monthly").Index); mw.Num != 1000 || mw.Derived {
		t.Errorf("the roster's own minimum wage must win: %+v", mw)
	}

	for name, src := range map[string]string{
		"no country":    "region,year,monthly_amount\nX,2024,100\n",
		"no amount":     "country,year\nMY,2024\n",
		"no date":       "country,monthly_amount\nMY,100\n",
		"bad amount":    "country,year,monthly_amount\nMY,2024,lots\n",
		"bad year":      "country,year,monthly_amount\nMY,24,100\n",
		"empty":         "",
		"country blank": "country,year,monthly_amount\n,2024,100\n",
	} {
		if _, err := ReadMinimumWages(strings.NewReader(src)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if tab, err := ReadMinimumWages(strings.NewReader("country;year;monthly_amount;currency\nNP;2024;17300;NPR\n")); err != nil || tab.Len() != 1 {
		t.Errorf("semicolons and a year: %v", err)
	}
}

// FuzzReadMinimumWages feeds arbitrary files to the minimum-wage reader: no
// panics, and every rate read is positive.
func FuzzReadMinimumWages(f *testing.F) {
	f.Add([]byte(minWageCSV), "MY", "")
	f.Add([]byte("country;year;monthly_amount\nNP;2024;17300\n"), "Nepal", "Bagmati")
	f.Add([]byte("country,effective_from,amount,currency\nID,01/02/2025,\"1.000.000\",IDR\n"), "id", "x")
	f.Fuzz(func(t *testing.T, data []byte, country, region string) {
		tab, err := ReadMinimumWages(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		if r, ok := tab.Lookup(country, region, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)); ok && r.Monthly <= 0 {
			t.Errorf("rate %v", r.Monthly)
		}
	})
}

// The allocation-free language keys agree with folding and splitting.
func TestAppendLanguageKeys(t *testing.T) {
	for _, s := range []string{"", "English", "English/Nepali", "EN + NE", "Bahasa Malaysia and English", "bahasa indonesia",
		"Nepali only", "Klingon", "English, Tagalog, Bangla, Hindi, Urdu, Khmer, Thai, Lao, Burmese, Malay, Chinese, Arabic, Amharic, Swahili, Spanish, French, Uzbek",
		"Nguyễn", "中文", "  ", "bilingual (English & Nepali) translation", strings.Repeat("English ", 20)} {
		if got, want := appendLanguageKeys(nil, s), appendLanguageKeysSlow(nil, s); !slices.Equal(got, want) {
			t.Errorf("appendLanguageKeys(%q) = %q, want %q", s, got, want)
		}
	}
}

// Relative values are resolved from the row before the other derivations,
// and keep their cell's text as evidence with how they were resolved.
func TestDeriveRelative(t *testing.T) {
	s := DefaultSchema()
	d := NewDeriver(s, time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC))
	type cell struct {
		raw string
		h   Hints
	}
	tests := []struct {
		name    string
		cells   map[string]cell
		field   string
		want    any    // nil: stays blank
		cur     string // money: the currency resolved
		rawHas  string // Raw must contain this
		derived string // a field derived from the resolved value, and its value
		dwant   float64
	}{
		{name: "half month's wage", cells: map[string]cell{"deposit_amount": {raw: "Half month's wage"}, "base_wage_monthly": {raw: "MYR 1,500"}},
			field: "deposit_amount", want: 750.0, cur: "MYR", rawHas: "Half month's wage (= 750 MYR: 0.5 × base_wage_monthly)"},
		{name: "two weeks' pay", cells: map[string]cell{"early_termination_penalty": {raw: "Two weeks' pay"}, "base_wage_monthly": {raw: "5200"}},
			field: "early_termination_penalty", want: 2400.0, rawHas: "Two weeks' pay (= 2400: "},
		{name: "one month's salary counts as a fee of one month", cells: map[string]cell{"recruitment_fee_paid_by_worker": {raw: "One month's salary"}, "base_wage_monthly": {raw: "NPR 30,000"}},
			field: "recruitment_fee_paid_by_worker", want: 30000.0, cur: "NPR", derived: "recruitment_fee_months_of_wage", dwant: 1},
		{name: "percent of salary", cells: map[string]cell{"deductions_total_monthly": {raw: "5% of salary until end of contract"}, "base_wage_monthly": {raw: "USD 400"}},
			field: "deductions_total_monthly", want: 20.0, cur: "USD", derived: "deductions_share_of_wage", dwant: 0.05},
		{name: "share column", cells: map[string]cell{"deductions_total_monthly": {raw: "30%", h: Hints{Share: true}}, "base_wage_monthly": {raw: "1000"}},
			field: "deductions_total_monthly", want: 300.0, derived: "deductions_share_of_wage", dwant: 0.3},
		{name: "wage blank", cells: map[string]cell{"deposit_amount": {raw: "Half month's wage"}}, field: "deposit_amount", want: nil},
		{name: "wage unreadable", cells: map[string]cell{"deposit_amount": {raw: "1 month"}, "base_wage_monthly": {raw: "N/A"}}, field: "deposit_amount", want: nil},

		{name: "hours per day and rest days", cells: map[string]cell{"regular_hours_per_week": {raw: "8", h: Hints{Basis: BasisWorkdays}},
			"overtime_hours_per_week": {raw: "3 hrs/day", h: Hints{Basis: BasisWorkdays}}, "rest_days_per_week": {raw: "Every other Sunday"}},
			field: "regular_hours_per_week", want: 52.0, rawHas: "8 (= 52 a week: 8 a day × 6.5 working days, 7 − rest_days_per_week)",
			derived: "weekly_hours_total", dwant: 52 + 19.5},
		{name: "hours per day, rest days blank", cells: map[string]cell{"weekly_hours_total": {raw: "11", h: Hints{Basis: BasisWorkdays}}},
			field: "weekly_hours_total", want: 66.0, rawHas: "one rest day in seven assumed"},
		{name: "hours per day, no rest day", cells: map[string]cell{"weekly_hours_total": {raw: "10", h: Hints{Basis: BasisWorkdays}}, "rest_days_per_week": {raw: "None"}},
			field: "weekly_hours_total", want: 70.0},

		{name: "pay at the end of the contract", cells: map[string]cell{"wage_payment_interval_days": {raw: "On completion of contract"},
			"start_date": {raw: "2024-01-01"}, "contract_end_date": {raw: "2025-12-31"}},
			field: "wage_payment_interval_days", want: int64(730), rawHas: "start_date to contract_end_date"},
		{name: "pay after harvest, no dates", cells: map[string]cell{"wage_payment_interval_days": {raw: "After harvest"}},
			field: "wage_payment_interval_days", want: int64(92), rawHas: "at least a season"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &Contract{Values: make([]Value, s.Len())}
			for k, cl := range tc.cells {
				f := s.Field(k)
				h := cl.h
				h.DateOrder = DayFirst
				if err := f.ParseInto(&c.Values[f.Index], cl.raw, h); err != nil {
					t.Fatalf("%s %q: %v", k, cl.raw, err)
				}
			}
			d.Derive(c)
			f := s.Field(tc.field)
			got := c.Value(f.Index)
			if tc.want == nil {
				if got.Present {
					t.Fatalf("%s = %v, want blank", tc.field, got.Display(f.Type))
				}
				if got.Raw != tc.cells[tc.field].raw {
					t.Errorf("Raw %q changed", got.Raw)
				}
				return
			}
			if !got.Present {
				t.Fatalf("%s blank, want %v", tc.field, tc.want)
			}
			switch w := tc.want.(type) {
			case float64:
				if got.Num < w-1e-9 || got.Num > w+1e-9 {
					t.Errorf("%s = %v, want %v", tc.field, got.Num, w)
				}
			case int64:
				if got.Int != w {
					t.Errorf("%s = %v, want %v", tc.field, got.Int, w)
				}
			}
			if got.Currency != tc.cur {
				t.Errorf("currency %q, want %q", got.Currency, tc.cur)
			}
			if !strings.HasPrefix(got.Raw, tc.cells[tc.field].raw) || !strings.Contains(got.Raw, tc.rawHas) {
				t.Errorf("Raw %q, want the cell's text and %q", got.Raw, tc.rawHas)
			}
			if got.Derived {
				t.Errorf("a value read from its cell is not Derived")
			}
			if tc.derived != "" {
				df := s.Field(tc.derived)
				dv := c.Value(df.Index)
				if !dv.Present || dv.Num < tc.dwant-1e-9 || dv.Num > tc.dwant+1e-9 {
					t.Errorf("%s = %+v, want %v", tc.derived, dv, tc.dwant)
				}
			}
		})
	}
}

func TestDeriveLanguages(t *testing.T) {
	for _, tc := range []struct {
		contract, native string
		want             bool
	}{
		{"English + Nepali", "Nepali", true},
		{"Nepali/English", "nepali", true},
		{"Eng & Nep", "Nepalese", true},
		{"English only", "Nepali", false},
		{"Bahasa Malaysia, English", "Indonesian", true},
		{"Inglés y español", "Spanish", true},
		{"English and Khmer", "Cambodian", true},
		{"Burmese (Myanmar) and Thai", "Myanmar", true},
		{"中文", "Chinese", true},
		{"English", "English", true},
		{"Arabic & English", "Urdu", false},
		{"Tagalog", "Filipino", true},
		{"Sinhala/Tamil", "Sinhalese", true},
		{"Farsi", "Dari", true},
		{"Amharic/Tigrinya", "Tigrigna", true},
		{"Bengali", "Bangla", true},
		{"Vietnamese", "Tiếng Việt", true},
		{"Karen", "Kayin", true},
	} {
		got, ok := defaultValues.languageCovered(tc.contract, tc.native)
		if !ok || got != tc.want {
			t.Errorf("languageCovered(%q, %q) = %v, %v; want %v", tc.contract, tc.native, got, ok, tc.want)
		}
	}
}

// Pay at the end of the contract reads as late pay at once, and becomes the
// contract's own length when the row gives its dates; deriving twice
// explains it once.
func TestDeferredPay(t *testing.T) {
	s := DefaultSchema()
	f := s.Field("wage_payment_interval_days")
	v, err := f.Parse("End of contract", Hints{})
	if err != nil || !v.Present || v.Int != 92 || v.Basis != BasisContract {
		t.Fatalf("End of contract = %+v, %v; want 92 days until the contract's length is known", v, err)
	}
	d := NewDeriver(s, time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC))
	c := deriveRow(t, s, map[string]string{"wage_payment_interval_days": "After harvest", "start_date": "2025-03-01", "contract_end_date": "2025-08-31"})
	d.Derive(c)
	d.Derive(c)
	got := c.Value(f.Index)
	if !got.Present || got.Int != 183 || got.Raw != "After harvest (= 183 days: paid at the end of the contract: start_date to contract_end_date)" {
		t.Errorf("After harvest = %d, Raw %q", got.Int, got.Raw)
	}
}
