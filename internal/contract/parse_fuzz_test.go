package contract

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// seeds are cells of every kind, for every fuzz target.
var seeds = []string{
	"", " ", "N/A", "-", "?", "#REF!", "#N/A", "unknown", "none", "nil", "0", "1", "x", "✓", "✗",
	"Yes", "no", "Y/N", "yes/no", "Yes, 22:00", "22:00", "10pm", "22:00-06:00", "2200 hrs",
	"$1,200", "USD 1,200", "1.200,00 EUR", "1 200,50", "NPR 150,000", "RM 500", "€1.200", "(200)",
	"-200", "1,50,000", "Rs. 5,000/-", "$ -", "KD 120.500", "1e5", "4.5E-2", "1'200.50", "1.200",
	"500-600", "10%", "~500", "USD 100 EUR", "paid by employer",
	"2024-01-15", "15/01/2024", "01/15/2024", "03/04/2024", "15.01.2024", "15 Jan 2024",
	"Jan 15, 2024", "15-Jan-24", "January 2024", "2024-01-15T08:00:00Z", "45306", "45306.5",
	"60", "20240115", "2024", "1/15/24 0:00",
	"30", "30 days", "1 month", "2 weeks", "Monthly", "Bi-weekly", "every 2 months",
	"1 month and 15 days", "end of contract", "Bi-monthly", "1-2 months", "30 working days",
	"17 yrs", "60 hrs/week", "25%", "Sunday", "Company safe (HR office)", "employer/agent",
	"not with worker", "Sub-agent, Kathmandu", "HR dept. (safe custody)", "Not held by employer",
	"Supervisor's locker", "Company-provided hostel", "Rented privately", "Only verbal", "Not given",
	"Obligatory", "not compulsory", "Gate pass needed", "No need", "Gate closes 10pm", "sí", "是", "沒有",
	"Twice monthly", "Every 10 days", "On completion of contract", "After harvest", "Every other Sunday",
	"Two days a month", "Saturday and Sunday", "One day per fortnight", "Half month's wage",
	"Two weeks' pay", "5% of salary until end of contract", "NPR 1.2 lakh", "2.5 lakhs", "1 crore",
	"USD 300 (returnable)", "USD 300 (refunded)", "Nil - borne by employer", "RM 1.5k", "Rp 2 juta",
	"15 mil", "1.5万", "10h x 6d", "12 hours/day, 7 days", "Overseas worker", "Non-migrant",
	"English + Nepali", "Eng & Nep", "25%", "0.25", "\xff\xfe", "١٥/٠١/٢٠٢٤", "\u00a0\u202f", "9999999999999999999999",
	"0.000000000000000000000001", "-0", "(-)", "$(", "()", ")(", "--1", ".", ",5", "5,",
}

// checkParse holds for every cell: Parse never panics, keeps Raw, reports
// a problem only for values that are not Present, and a Present value is
// sane for its type.
func checkParse(t *testing.T, f *Field, raw string, h Hints) {
	t.Helper()
	v, err := f.Parse(raw, h)
	if v.Raw != raw {
		t.Fatalf("Parse(%q).Raw = %q", raw, v.Raw)
	}
	if err != nil {
		if v.Present {
			t.Fatalf("Parse(%q) = Present with error %v", raw, err)
		}
		if msg := err.Error(); msg == "" || !utf8.ValidString(msg) && utf8.ValidString(raw) {
			t.Fatalf("Parse(%q): bad error text %q", raw, msg)
		}
		return
	}
	if !v.Present {
		rel := v
		if v.Basis != BasisNone {
			rel.Num, rel.Basis = 0, BasisNone // the relative factor
		}
		if rel != (Value{Raw: raw}) {
			t.Fatalf("Parse(%q) = not Present but set: %+v", raw, v)
		}
		if v.Basis != BasisNone && (math.IsNaN(v.Num) || math.IsInf(v.Num, 0)) {
			t.Fatalf("Parse(%q) = a relative value %v of basis %d", raw, v.Num, v.Basis)
		}
		return
	}
	if v.Basis != BasisNone && (v.Basis != BasisContract || v.Num <= 0 || v.Int <= 0) {
		t.Fatalf("Parse(%q) = Present with a relative value: %+v", raw, v)
	}
	if v.Basis == BasisContract {
		return // the length of a contract, known to the row only
	}
	if h.Invert || h.Scale != 0 || h.Share || h.Yes != "" || h.No != "" || h.Basis != BasisNone {
		return // the canonical form below would be read with the column's conversion again
	}
	switch f.Type {
	case Number, Money:
		if math.IsNaN(v.Num) || math.IsInf(v.Num, 0) {
			t.Fatalf("Parse(%q) = %v", raw, v.Num)
		}
	case Date:
		if y := v.Time.Year(); y < minYear || y > maxYear || v.Time != v.Time.Truncate(24*time.Hour) || v.Time.Location() != time.UTC {
			t.Fatalf("Parse(%q) = %v", raw, v.Time)
		}
	case Duration:
		if v.Int < 0 {
			t.Fatalf("Parse(%q) = %d days", raw, v.Int)
		}
	case Enum:
		found := false
		for _, x := range f.Values {
			found = found || x == v.Str
		}
		if !found {
			t.Fatalf("Parse(%q) = %q, not one of %v", raw, v.Str, f.Values)
		}
	}
	// The value reads back from the canonical text of it.
	canon, ch := "", Hints{Numeric: true, Currency: v.Currency}
	switch f.Type {
	case Number, Money:
		canon = strconv.FormatFloat(v.Num, 'g', -1, 64)
	case Int, Duration:
		canon = strconv.FormatInt(v.Int, 10)
	case Bool:
		canon = strconv.FormatBool(v.Bool)
	case Date:
		canon = v.Time.Format(time.DateOnly)
	case Enum, String:
		canon = v.Str
	}
	back, err := f.Parse(canon, ch)
	back.Raw = raw
	if err != nil || back != v {
		t.Fatalf("Parse(%q) = %+v, but its canonical form %q reads as %+v, %v", raw, v, canon, back, err)
	}
}

func addSeeds(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
}

func hintsVariants() []Hints {
	return []Hints{
		{},
		{Currency: "USD", DateOrder: DayFirst},
		{Currency: "EUR", DateOrder: MonthFirst, Date1904: true},
		{Currency: "NPR", Numeric: true},
		{Currency: "KWD"},
		{Invert: true},
		{Scale: 4.33, Currency: "MYR"},
		{Share: true},
		{Basis: BasisWorkdays},
		{Basis: BasisMonthlyWage, Numeric: true},
	}
}

func fuzzType(f *testing.F, typ Type) {
	addSeeds(f)
	field := &Field{Name: "f", Type: typ}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, h := range hintsVariants() {
			checkParse(t, field, raw, h)
		}
	})
}

func FuzzParseMoney(f *testing.F)    { fuzzType(f, Money) }
func FuzzParseDate(f *testing.F)     { fuzzType(f, Date) }
func FuzzParseBool(f *testing.F)     { fuzzType(f, Bool) }
func FuzzParseDuration(f *testing.F) { fuzzType(f, Duration) }

var fuzzDeriver = NewDeriver(DefaultSchema(), time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC))

// FuzzFieldParse runs every field of the default schema, and so every type
// with its words and synonyms, over the same cell.
func FuzzFieldParse(f *testing.F) {
	addSeeds(f)
	s := DefaultSchema()
	f.Fuzz(func(t *testing.T, raw string) {
		for _, field := range s.Fields() {
			checkParse(t, field, raw, Hints{Currency: "MYR", DateOrder: DayFirst})
		}
		for _, h := range hintsVariants() {
			checkParse(t, &Field{Name: "n", Type: Number}, raw, h)
			checkParse(t, &Field{Name: "i", Type: Int}, raw, h)
		}
		// Columns that convert: yes/no read as an enum value, inverted
		// questions, per-day hours, shares of the wage.
		for _, name := range []string{"passport_held_by", "work_permit_held_by"} {
			checkParse(t, s.Field(name), raw, Hints{Yes: "employer", No: "worker"})
			checkParse(t, s.Field(name), raw, Hints{Yes: "employer"})
		}
		for _, name := range []string{"overtime_voluntary", "free_to_leave_housing", "employer_provided_housing", "is_migrant"} {
			checkParse(t, s.Field(name), raw, Hints{Invert: true})
		}
		for _, name := range []string{"weekly_hours_total", "overtime_hours_per_week", "rest_days_per_week", "age"} {
			checkParse(t, s.Field(name), raw, Hints{Basis: BasisWorkdays})
			checkParse(t, s.Field(name), raw, Hints{Scale: 12.0 / 52})
		}
		for _, name := range []string{"deductions_total_monthly", "deductions_share_of_wage"} {
			checkParse(t, s.Field(name), raw, Hints{Share: true})
		}
		// Resolving relative values from the row never panics and gives
		// values that are sane.
		c := &Contract{Values: make([]Value, s.Len())}
		for _, f := range s.Fields() {
			_ = f.ParseInto(&c.Values[f.Index], raw, Hints{Currency: "MYR", DateOrder: DayFirst})
		}
		fuzzDeriver.Derive(c)
		for i, v := range c.Values {
			if v.Present && (math.IsNaN(v.Num) || math.IsInf(v.Num, 0)) {
				t.Fatalf("Derive on %q: field %s = %v", raw, s.Fields()[i].Name, v.Num)
			}
		}
		// Detecting a column's order must not panic either.
		DetectDateOrder([]string{raw, raw})
		_ = CurrencyCode(raw)
	})
}

// FuzzFold checks that the allocation-free fold, which NormalizeHeader and
// NormalizeWord use, agrees with folding as they define it (normalizeRef),
// so that words and synonyms folded by the schema are found.
func FuzzFold(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(fold(nil, s)), normalizeRef(s); got != want {
			t.Fatalf("fold(%q) = %q, want %q", s, got, want)
		}
		if got, want := NormalizeWord(s), normalizeRef(s); got != want {
			t.Fatalf("NormalizeWord(%q) = %q, want %q", s, got, want)
		}
	})
}

// normalizeRef is NormalizeHeader as its documentation defines it: lower
// case, every run of characters other than letters and digits a single
// space, "#" as the word "no".
func normalizeRef(h string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(h) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case r == '#':
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString("no")
			space = true
		default:
			space = true
		}
	}
	return b.String()
}

// FuzzParseDecimal checks the fast decimal path against strconv.
func FuzzParseDecimal(f *testing.F) {
	f.Add(uint64(12345), uint8(2))
	f.Add(uint64(999999999999999), uint8(22))
	f.Fuzz(func(t *testing.T, m uint64, k uint8) {
		digits := []byte(uitoa(m))
		k %= 30
		for len(digits) <= int(k) {
			digits = append([]byte{'0'}, digits...)
		}
		s := string(digits[:len(digits)-int(k)])
		if k > 0 {
			s += "." + string(digits[len(digits)-int(k):])
		}
		got, err := parseDecimal(s, dotDecimal)
		if err != nil {
			t.Fatalf("parseDecimal(%q): %v", s, err)
		}
		want, ok := parseFloatStrict(s)
		if !ok || got != want {
			t.Fatalf("parseDecimal(%q) = %v, strconv %v", s, got, want)
		}
	})
}

func uitoa(m uint64) string {
	if m == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for m > 0 {
		i--
		b[i] = byte('0' + m%10)
		m /= 10
	}
	return string(b[i:])
}

// FuzzWithValueVocab feeds arbitrary extension files to the vocabulary
// reader: no panics, errors name the file, and a file that is accepted
// gives a schema whose fields still read every seed cell.
func FuzzWithValueVocab(f *testing.F) {
	f.Add("fields:\n  passport_held_by:\n    employer: [godown]\n")
	f.Add("yes: [haan ji]\nno: nahi\nassume: {workdays_per_week: 5}\n")
	f.Add("fields:\n  rest_days_per_week:\n    numbers: {1/2: [half sunday]}\n    per_week: days\n")
	f.Add("money: {multipliers: {lakh: 100000}, multipliers_by_currency: {mil: {MXN: 1000}}}\n")
	f.Add("fields: &a\n  x: *a\n")
	f.Add("intervals: {7: [hebdomadaire], ambiguous: {bi: twice?}}\n")
	s := DefaultSchema()
	f.Fuzz(func(t *testing.T, file string) {
		n, err := s.WithValueVocab(namedReader{strings.NewReader(file), "v.yaml"})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "v.yaml") && !strings.HasPrefix(err.Error(), "read v.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for _, raw := range seeds[:40] {
			for _, fd := range n.Fields() {
				checkParse(t, fd, raw, Hints{Currency: "MYR", DateOrder: DayFirst})
			}
		}
	})
}
