package contract

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseCase is one cell and what Parse should make of it. A case with err
// set expects that problem; a case whose want is not Present and has no err
// expects a null.
type parseCase struct {
	in   string
	h    Hints
	want Value
	err  string
}

// wantNull, wantNum, wantMoney… build the want of a parseCase.
var wantNull = Value{}

func wantNum(x float64) Value               { return Value{Present: true, Num: x} }
func wantMoney(x float64, cur string) Value { return Value{Present: true, Num: x, Currency: cur} }
func wantInt(n int64) Value                 { return Value{Present: true, Int: n} }
func wantBool(b bool) Value                 { return Value{Present: true, Bool: b} }
func wantStr(s string) Value                { return Value{Present: true, Str: s} }
func wantDate(y int, m time.Month, d int) Value {
	return Value{Present: true, Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

func runParse(t *testing.T, f *Field, cases []parseCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := f.Parse(tc.in, tc.h)
			assert.Equal(t, tc.in, got.Raw, "Raw")
			if tc.err != "" {
				require.EqualError(t, err, tc.err, "Parse(%q, %+v) = %+v", tc.in, tc.h, got)
				assert.False(t, got.Present, "a cell with a problem is not Present")
				return
			}
			require.NoError(t, err, "Parse(%q, %+v)", tc.in, tc.h)
			want := tc.want
			want.Raw = tc.in
			assert.Equal(t, want, got, "Parse(%q, %+v)", tc.in, tc.h)
		})
	}
}

func testField(t Type) *Field { return &Field{Name: "f", Type: t} }

func schemaField(t *testing.T, name string) *Field {
	t.Helper()
	f := DefaultSchema().Field(name)
	require.NotNil(t, f, name)
	return f
}

func TestParseNull(t *testing.T) {
	nulls := []string{"", "   ", "\t\n", "\u00a0", "N/A", "n/a", "n.a.", "NA", "na", "-", "--", "—",
		"?", "??", "...", "unknown", "Unknown", "UNKNOWN", "not known", "TBC", "tbd", "TBA",
		"to be confirmed", "none given", "None given", "not applicable", "#N/A", "NaN", "null",
		"not stated", "unspecified", "\ufeffN/A", "n/a "}
	for _, typ := range []Type{String, Int, Number, Money, Bool, Date, Enum, Duration} {
		f := testField(typ)
		if typ == Enum {
			f = schemaField(t, "passport_held_by")
		}
		t.Run(typ.String(), func(t *testing.T) {
			var cases []parseCase
			for _, s := range nulls {
				cases = append(cases, parseCase{in: s, want: wantNull})
			}
			runParse(t, f, cases)
		})
	}
}

func TestParseExcelErrorValues(t *testing.T) {
	runParse(t, testField(Number), []parseCase{
		{in: "#REF!", err: "formula error #REF!"},
		{in: "#div/0!", err: "formula error #DIV/0!"},
		{in: "#VALUE!", err: "formula error #VALUE!"},
		{in: "#N/A", want: wantNull},
	})
}

func TestParseString(t *testing.T) {
	runParse(t, testField(String), []parseCase{
		{in: "Ali Hassan", want: wantStr("Ali Hassan")},
		{in: "  Ali   Hassan ", want: wantStr("Ali Hassan")},
		{in: "Ali\nHassan", want: wantStr("Ali Hassan")},
		{in: "Ali\t \u00a0Hassan", want: wantStr("Ali Hassan")},
		{in: "none", want: wantStr("none")},
		{in: "0", want: wantStr("0")},
		{in: "Nguyễn Văn An", want: wantStr("Nguyễn Văn An")},
	})
}

func TestParseBool(t *testing.T) {
	yes, no := wantBool(true), wantBool(false)
	runParse(t, testField(Bool), []parseCase{
		{in: "Yes", want: yes}, {in: "yes", want: yes}, {in: "YES", want: yes}, {in: " Yes ", want: yes},
		{in: "No", want: no}, {in: "no", want: no}, {in: "NO.", want: no},
		{in: "Y", want: yes}, {in: "y", want: yes}, {in: "N", want: no}, {in: "n", want: no},
		{in: "True", want: yes}, {in: "TRUE", want: yes}, {in: "False", want: no}, {in: "FALSE", want: no},
		{in: "T", want: yes}, {in: "F", want: no},
		{in: "1", want: yes}, {in: "0", want: no}, {in: "1.0", want: yes}, {in: "0.00", want: no},
		{in: "x", want: yes}, {in: "X", want: yes},
		{in: "✓", want: yes}, {in: "✔", want: yes}, {in: "☑", want: yes}, {in: "✅", want: yes},
		{in: "√", want: yes}, {in: "✗", want: no}, {in: "✘", want: no}, {in: "❌", want: no},
		{in: "Si", want: yes}, {in: "oui", want: yes}, {in: "Ya", want: yes}, {in: "Tidak", want: no},
		// A clock time says a curfew or night shift exists.
		{in: "22:00", want: yes}, {in: "22:00:00", want: yes}, {in: "9:30", want: yes},
		{in: "10pm", want: yes}, {in: "10 PM", want: yes}, {in: "10:30 p.m.", want: yes},
		{in: "22h00", want: yes}, {in: "2200 hrs", want: yes}, {in: "2200hrs", want: yes},
		{in: "22.00 hrs", want: yes}, {in: "After 22:00", want: yes}, {in: "by 10pm", want: yes},
		{in: "22:00-06:00", want: yes}, {in: "10pm to 5am", want: yes}, {in: "22:00 – 06:00", want: yes},
		{in: "Midnight", want: yes}, {in: "24:00", want: yes},
		// A yes or no with a comment set off by punctuation.
		{in: "Yes, 22:00", want: yes}, {in: "No (none)", want: no}, {in: "Yes - with permission", want: yes},
		{in: "yes yes", want: yes},
		// Problems.
		{in: "yes/no", err: `ambiguous: "yes/no"`},
		{in: "Y/N", err: `ambiguous: "Y/N"`},
		{in: "Yes or No", err: `ambiguous: "Yes or No"`},
		{in: "Yes?", err: `ambiguous: "Yes?"`},
		{in: "No, not sure", err: `ambiguous: "No, not sure"`},
		{in: "no idea", err: `ambiguous: "no idea"`},
		{in: "maybe", err: "not yes or no"},
		{in: "none", err: "not yes or no"},
		{in: "2", err: "not yes or no"},
		{in: "22.00", err: "not yes or no"},
		{in: "2200", err: "not yes or no"},
		{in: "25:00", err: "not yes or no"},
		{in: "13pm", err: "not yes or no"},
		{in: "No curfew", want: no}, {in: "no night shift", want: no}, {in: "Nope", want: no},
		{in: "y please help", err: "not yes or no"},
		{in: "no answer", want: wantNull},
		{in: "sometimes", err: "not yes or no"},
		{in: "#", err: "not yes or no"},
	})
}

func TestParseMoney(t *testing.T) {
	usd := Hints{Currency: "USD"}
	eur := Hints{Currency: "EUR"}
	npr := Hints{Currency: "NPR"}
	runParse(t, testField(Money), []parseCase{
		{in: "$1,200", want: wantMoney(1200, "USD")},
		{in: "USD 1,200", want: wantMoney(1200, "USD")},
		{in: "usd 1,200", want: wantMoney(1200, "USD")},
		{in: "USD1200", want: wantMoney(1200, "USD")},
		{in: "1200 USD", want: wantMoney(1200, "USD")},
		{in: "1,200.00 USD", want: wantMoney(1200, "USD")},
		{in: "US$1,200", want: wantMoney(1200, "USD")},
		{in: "$100 USD", want: wantMoney(100, "USD")},
		{in: "1.200,00 EUR", want: wantMoney(1200, "EUR")},
		{in: "€1.200", want: wantMoney(1200, "EUR")},
		{in: "1.200 €", want: wantMoney(1200, "EUR")},
		{in: "1.200,-", want: wantMoney(1200, "")},
		{in: "1 200,50", want: wantMoney(1200.5, "")},
		{in: "1\u00a0200,50", h: eur, want: wantMoney(1200.5, "EUR")},
		{in: "1'200.50", want: wantMoney(1200.5, "")},
		{in: "NPR 150,000", want: wantMoney(150000, "NPR")},
		{in: "RM 500", want: wantMoney(500, "MYR")},
		{in: "MYR 1,500.00", want: wantMoney(1500, "MYR")},
		{in: "Tk. 12,000", want: wantMoney(12000, "BDT")},
		{in: "Rp 4.500.000", want: wantMoney(4500000, "IDR")},
		{in: "Rp 500.000", want: wantMoney(500000, "IDR")},
		{in: "₱15,000", want: wantMoney(15000, "PHP")},
		{in: "£200", want: wantMoney(200, "GBP")},
		{in: "S$ 500", want: wantMoney(500, "SGD")},
		{in: "KD 120.500", want: wantMoney(120.5, "KWD")},
		{in: "120.500", h: Hints{Currency: "OMR"}, want: wantMoney(120.5, "OMR")},
		// Shared signs take the column's currency when they can stand for it.
		{in: "Rs. 1,50,000/-", h: npr, want: wantMoney(150000, "NPR")},
		{in: "Rs 5000", h: Hints{Currency: "INR"}, want: wantMoney(5000, "INR")},
		{in: "Rs 5000", want: wantMoney(5000, "")},
		{in: "Rs 5000", h: usd, want: wantMoney(5000, "")},
		{in: "₨ 5000", h: npr, want: wantMoney(5000, "NPR")},
		{in: "¥3,000", h: Hints{Currency: "CNY"}, want: wantMoney(3000, "CNY")},
		{in: "¥3,000", want: wantMoney(3000, "")},
		{in: "$500", h: Hints{Currency: "SGD"}, want: wantMoney(500, "SGD")},
		{in: "$500", h: Hints{Currency: "MYR"}, want: wantMoney(500, "USD")},
		{in: "$100 SGD", want: wantMoney(100, "SGD")},
		// The cell's currency wins over the header's.
		{in: "500 MYR", h: usd, want: wantMoney(500, "MYR")},
		{in: "500", h: usd, want: wantMoney(500, "USD")},
		{in: "500", h: Hints{Currency: "usd"}, want: wantMoney(500, "USD")},
		// Negatives.
		{in: "(200)", want: wantMoney(-200, "")},
		{in: "($200.50)", want: wantMoney(-200.5, "USD")},
		{in: "$(200)", want: wantMoney(-200, "USD")},
		{in: "-200", want: wantMoney(-200, "")},
		{in: "−200", want: wantMoney(-200, "")},
		{in: "-$200", want: wantMoney(-200, "USD")},
		{in: "$-200", want: wantMoney(-200, "USD")},
		{in: "200-", want: wantMoney(-200, "")},
		{in: "-0", want: wantMoney(0, "")},
		{in: "200 -", err: "not an amount of money"},
		{in: "$1,200 -", err: "not an amount of money"},
		// Separators by position.
		{in: "1,200", want: wantMoney(1200, "")},
		{in: "1,5", want: wantMoney(1.5, "")},
		{in: "1,50", want: wantMoney(1.5, "")},
		{in: "1.5", want: wantMoney(1.5, "")},
		{in: "12.50", want: wantMoney(12.5, "")},
		{in: "0,500", want: wantMoney(0.5, "")},
		{in: "1200,500", want: wantMoney(1200.5, "")},
		{in: "1,200.50", want: wantMoney(1200.5, "")},
		{in: "1.234.567", want: wantMoney(1234567, "")},
		{in: "1,234,567.89", want: wantMoney(1234567.89, "")},
		{in: "1,50,000", want: wantMoney(150000, "")},
		{in: ".50", want: wantMoney(0.5, "")},
		{in: "5000/-", want: wantMoney(5000, "")},
		{in: "1,200/=", want: wantMoney(1200, "")},
		{in: "1200.", want: wantMoney(1200, "")},
		{in: "1.200", h: eur, want: wantMoney(1200, "EUR")},
		{in: "1.200", h: Hints{Currency: "KWD"}, want: wantMoney(1.2, "KWD")},
		{in: "123.456", h: Hints{Numeric: true}, want: wantMoney(123.456, "")},
		{in: "4.5E-2", h: Hints{Numeric: true, Currency: "USD"}, want: wantMoney(0.045, "USD")},
		// Zero.
		{in: "0", want: wantMoney(0, "")},
		{in: "0.00", h: usd, want: wantMoney(0, "USD")},
		{in: "none", h: usd, want: wantMoney(0, "USD")},
		{in: "None", want: wantMoney(0, "")},
		{in: "nil", want: wantMoney(0, "")},
		{in: "NIL", want: wantMoney(0, "")},
		{in: "free", want: wantMoney(0, "")},
		{in: "Free of charge", want: wantMoney(0, "")},
		{in: "FOC", want: wantMoney(0, "")},
		{in: "no fee", want: wantMoney(0, "")},
		{in: "Paid by employer", want: wantMoney(0, "")},
		{in: "employer paid", want: wantMoney(0, "")},
		{in: "$ -", want: wantMoney(0, "USD")},
		{in: "USD  -  ", want: wantMoney(0, "USD")},
		// Problems.
		{in: "1.200", err: `ambiguous number "1.200": 1200 or 1.2?`},
		{in: "$1.250", err: `ambiguous number "1.250": 1250 or 1.25?`},
		{in: "10%", err: "a percentage, not an amount of money"},
		{in: "500-600", err: "a range, not a single number"},
		{in: "USD 500 - 600", err: "a range, not a single number"},
		{in: "approx. $500", err: "an estimate or a limit, not an exact number"},
		{in: "~500", err: "an estimate or a limit, not an exact number"},
		{in: "500+", err: "an estimate or a limit, not an exact number"},
		{in: "USD 100 EUR", err: "two currencies: USD and EUR"},
		{in: "$100 €", err: "two currencies: USD and EUR"},
		{in: "abc", err: "not an amount of money"},
		{in: "$", err: "not an amount of money"},
		{in: "paid by worker", err: "not an amount of money"},
		{in: "500 per month", err: "not an amount of money"},
		{in: "1,2,3", err: "not an amount of money"},
		{in: "1 20", err: "not an amount of money"},
		{in: "(200", err: "not an amount of money"},
		{in: "-(200)", err: "not an amount of money"},
		{in: "--200", err: "not an amount of money"},
		{in: "1200,", err: "not an amount of money"},
		{in: "500 try", err: "not an amount of money"},
	})
}

func TestParseNumber(t *testing.T) {
	hours := testField(Number)
	runParse(t, hours, []parseCase{
		{in: "60", want: wantNum(60)},
		{in: "60.5", want: wantNum(60.5)},
		{in: "7,5", want: wantNum(7.5)},
		{in: "1,200", want: wantNum(1200)},
		{in: "-5", want: wantNum(-5)},
		{in: "+5", want: wantNum(5)},
		{in: "0.125", want: wantNum(0.125)},
		{in: "4.5E1", want: wantNum(45)},
		{in: "25%", want: wantNum(25)},
		{in: "25 %", want: wantNum(25)},
		{in: "60 hrs", want: wantNum(60)},
		{in: "60 hours per week", want: wantNum(60)},
		{in: "60 hrs/week", want: wantNum(60)},
		{in: "60h/wk", want: wantNum(60)},
		{in: "123.456", h: Hints{Numeric: true}, want: wantNum(123.456)},
		{in: "1.200", err: `ambiguous number "1.200": 1200 or 1.2?`},
		{in: "60-72", err: "a range, not a single number"},
		{in: "60 - 72", err: "a range, not a single number"},
		{in: "60 to 72", err: "a range, not a single number"},
		{in: "60–72 hrs", err: "a range, not a single number"},
		{in: "~60", err: "an estimate or a limit, not an exact number"},
		{in: "up to 60", err: "an estimate or a limit, not an exact number"},
		{in: "max 60", err: "an estimate or a limit, not an exact number"},
		{in: "60+", err: "an estimate or a limit, not an exact number"},
		{in: "60 or more", err: "an estimate or a limit, not an exact number"},
		{in: "10 hrs/day", err: "hours per day, not per week"},
		{in: "60 per month", err: "not a number"},
		{in: "sixty", err: "not a number"},
		{in: "60/72", err: "not a number"},
		{in: "x", err: "not a number"},
	})
	runParse(t, schemaField(t, "rest_days_per_week"), []parseCase{
		{in: "Sunday", want: wantNum(1)},
		{in: "SUNDAY", want: wantNum(1)},
		{in: "none", want: wantNum(0)},
		{in: "No rest day", want: wantNum(0)},
		{in: "1", want: wantNum(1)},
		{in: "1 day", want: wantNum(1)},
		{in: "1 day per week", want: wantNum(1)},
		{in: "0", want: wantNum(0)},
	})
	runParse(t, schemaField(t, "overtime_hours_per_week"), []parseCase{
		{in: "none", want: wantNum(0)},
		{in: "Nil", want: wantNum(0)},
		{in: "No OT", want: wantNum(0)},
		{in: "12", want: wantNum(12)},
	})
}

func TestParseInt(t *testing.T) {
	runParse(t, schemaField(t, "age"), []parseCase{
		{in: "17", want: wantInt(17)},
		{in: "17.0", want: wantInt(17)},
		{in: "17 yrs", want: wantInt(17)},
		{in: "17 years old", want: wantInt(17)},
		{in: "17y", want: wantInt(17)},
		{in: "17 y.o.", want: wantInt(17)},
		{in: "17", h: Hints{Numeric: true}, want: wantInt(17)},
		{in: "17.5", err: "not a whole number"},
		{in: "seventeen", err: "not a whole number"},
		{in: "17%", err: "a percentage, not a whole number"},
		{in: "17-18", err: "a range, not a single number"},
		{in: "about 17", err: "an estimate or a limit, not an exact number"},
		{in: "1e30", err: "not a whole number"},
		{in: "none", err: "not a whole number"},
	})
}

func TestParseDuration(t *testing.T) {
	runParse(t, testField(Duration), []parseCase{
		{in: "30", want: wantInt(30)},
		{in: "30.0", want: wantInt(30)},
		{in: "30 days", want: wantInt(30)},
		{in: "30 Days", want: wantInt(30)},
		{in: "30d", want: wantInt(30)},
		{in: "1 day", want: wantInt(1)},
		{in: "1 month", want: wantInt(30)},
		{in: "2 months", want: wantInt(60)},
		{in: "3 months", want: wantInt(90)},
		{in: "1.5 months", want: wantInt(45)},
		{in: "2 weeks", want: wantInt(14)},
		{in: "1 week", want: wantInt(7)},
		{in: "4 wks", want: wantInt(28)},
		{in: "1 year", want: wantInt(365)},
		{in: "one month", want: wantInt(30)},
		{in: "One Month", want: wantInt(30)},
		{in: "a month", want: wantInt(30)},
		{in: "half a month", want: wantInt(15)},
		{in: "1 mo", want: wantInt(30)},
		{in: "2 mths", want: wantInt(60)},
		{in: "1 month and 15 days", want: wantInt(45)},
		{in: "1 month's notice", want: wantInt(30)},
		{in: "30 days notice", want: wantInt(30)},
		{in: "30 calendar days", want: wantInt(30)},
		{in: "month", want: wantInt(30)},
		{in: "Monthly", want: wantInt(30)},
		{in: "MONTHLY", want: wantInt(30)},
		{in: "Bi-weekly", want: wantInt(14)},
		{in: "Biweekly", want: wantInt(14)},
		{in: "Fortnightly", want: wantInt(14)},
		{in: "Semi-monthly", want: wantInt(15)},
		{in: "Twice a month", want: wantInt(15)},
		{in: "Weekly", want: wantInt(7)},
		{in: "Daily", want: wantInt(1)},
		{in: "Quarterly", want: wantInt(90)},
		{in: "Half-yearly", want: wantInt(180)},
		{in: "Annually", want: wantInt(365)},
		{in: "Yearly", want: wantInt(365)},
		{in: "every 2 months", want: wantInt(60)},
		{in: "Every two weeks", want: wantInt(14)},
		{in: "once a month", want: wantInt(30)},
		{in: "every other week", want: wantInt(14)},
		{in: "end of month", want: wantInt(30)},
		{in: "30", h: Hints{Numeric: true}, want: wantInt(30)},
		{in: "Monthly (end of month)", want: wantInt(30)},
		{in: "1 month (30 days)", want: wantInt(30)},
		{in: "30 days (calendar)", want: wantInt(30)},
		{in: "(2 weeks)", want: wantInt(14)},
		{in: "1 month (2 weeks)", err: "two lengths of time: 30 and 14 days"},
		{in: "Monthly (balance at end of contract)", err: "no fixed interval"},
		{in: "Upon completion of contract", err: "no fixed interval"},
		{in: "end of contract", err: "no fixed interval"},
		{in: "At the end of the contract", err: "no fixed interval"},
		{in: "on return home", err: "no fixed interval"},
		{in: "Bi-monthly", err: `ambiguous: "Bi-monthly" (twice a month or every two months?)`},
		{in: "biannually", err: `ambiguous: "biannually" (twice a year or every two years?)`},
		{in: "30 working days", err: "working days, not calendar days"},
		{in: "1-2 months", err: "a range, not a single number"},
		{in: "30 to 60 days", err: "a range, not a single number"},
		{in: "0.5 week", err: "not a whole number of days"},
		{in: "-30", err: "not a length of time"},
		{in: "soon", err: "not a length of time"},
		{in: "30 minutes", err: "not a length of time"},
		{in: "none", err: "not a length of time"},
	})
	runParse(t, schemaField(t, "notice_period_days_worker"), []parseCase{
		{in: "none", want: wantInt(0)},
		{in: "Immediate", want: wantInt(0)},
		{in: "no notice", want: wantInt(0)},
		{in: "1 month", want: wantInt(30)},
	})
}

func TestParseNegativeZero(t *testing.T) {
	for _, typ := range []Type{Money, Number} {
		v, err := testField(typ).Parse("-0", Hints{})
		require.NoError(t, err)
		assert.False(t, math.Signbit(v.Num), "Parse(\"-0\") as %v = %v", typ, v.Num)
	}
}

func TestParseDate(t *testing.T) {
	day, month := Hints{DateOrder: DayFirst}, Hints{DateOrder: MonthFirst}
	runParse(t, testField(Date), []parseCase{
		{in: "2024-01-15", want: wantDate(2024, 1, 15)},
		{in: "2024/01/15", want: wantDate(2024, 1, 15)},
		{in: "2024.1.5", want: wantDate(2024, 1, 5)},
		{in: "2024-01-15T08:00:00", want: wantDate(2024, 1, 15)},
		{in: "2024-01-15T08:00:00Z", want: wantDate(2024, 1, 15)},
		{in: "2024-01-15T23:30:00+07:00", want: wantDate(2024, 1, 15)},
		{in: "2024-01-15 00:00:00", want: wantDate(2024, 1, 15)},
		{in: "2024-01-15 00:00:00.000", want: wantDate(2024, 1, 15)},
		{in: "15.01.2024", want: wantDate(2024, 1, 15)},
		{in: "03.04.2024", want: wantDate(2024, 4, 3)},
		{in: "03.04.2024", h: month, want: wantDate(2024, 4, 3)},
		{in: "15/01/2024", want: wantDate(2024, 1, 15)},
		{in: "01/15/2024", want: wantDate(2024, 1, 15)},
		{in: "01/15/2024", h: day, want: wantDate(2024, 1, 15)},
		{in: "03/04/2024", h: day, want: wantDate(2024, 4, 3)},
		{in: "03/04/2024", h: month, want: wantDate(2024, 3, 4)},
		{in: "04/04/2024", want: wantDate(2024, 4, 4)},
		{in: "3/4/24", h: day, want: wantDate(2024, 4, 3)},
		{in: "01-15-24", want: wantDate(2024, 1, 15)},
		{in: "1/15/24 0:00", want: wantDate(2024, 1, 15)},
		{in: "15/01/2024 08:00 PM", want: wantDate(2024, 1, 15)},
		{in: "15 Jan 2024", want: wantDate(2024, 1, 15)},
		{in: "15 January 2024", want: wantDate(2024, 1, 15)},
		{in: "15-Jan-24", want: wantDate(2024, 1, 15)},
		{in: "15-JAN-2024", want: wantDate(2024, 1, 15)},
		{in: "Jan 15, 2024", want: wantDate(2024, 1, 15)},
		{in: "January 15 2024", want: wantDate(2024, 1, 15)},
		{in: "Sept 5, 2024", want: wantDate(2024, 9, 5)},
		{in: "15th of January 2024", want: wantDate(2024, 1, 15)},
		{in: "Monday, 15 January 2024", want: wantDate(2024, 1, 15)},
		{in: "2024-Jan-15", want: wantDate(2024, 1, 15)},
		{in: "1 Mar 99", want: wantDate(1999, 3, 1)},
		{in: "1 Mar 29", want: wantDate(2029, 3, 1)},
		{in: "1 Mar 30", want: wantDate(1930, 3, 1)},
		{in: "01/03/00", h: day, want: wantDate(2000, 3, 1)},
		{in: "29/02/2024", want: wantDate(2024, 2, 29)},
		// Excel serials.
		{in: "45306", want: wantDate(2024, 1, 15)},
		{in: "45306.75", want: wantDate(2024, 1, 15)},
		{in: "43844", h: Hints{Date1904: true}, want: wantDate(2024, 1, 15)},
		{in: "45306", h: Hints{Numeric: true}, want: wantDate(2024, 1, 15)},
		{in: "1", want: wantDate(1900, 1, 1)},
		{in: "59", want: wantDate(1900, 2, 28)},
		{in: "61", want: wantDate(1900, 3, 1)},
		{in: "0", h: Hints{Date1904: true}, want: wantDate(1904, 1, 1)},
		{in: "20240115", want: wantDate(2024, 1, 15)},
		// Problems.
		{in: "03/04/2024", err: "ambiguous date: day-first or month-first?"},
		{in: "3-4-24", err: "ambiguous date: day-first or month-first?"},
		{in: "60", err: "excel serial 60 is 29 february 1900, a day that never was"},
		{in: "0", err: "not a date"},
		{in: "0.5", err: "not a date"},
		{in: "-5", err: "not a date"},
		{in: "100000", err: "implausible date: year 2173"},
		{in: "2024", err: "a year only, not a date"},
		{in: "January 2024", err: "month and year only, no day"},
		{in: "Jan-24", err: "incomplete date"},
		{in: "15/01", err: "incomplete date"},
		{in: "1850-01-01", err: "implausible date: year 1850"},
		{in: "2150-01-01", err: "implausible date: year 2150"},
		{in: "30/02/2024", err: "no such date"},
		{in: "29/02/2023", err: "no such date"},
		{in: "15/13/2024", err: "no such date"},
		{in: "00/01/2024", h: day, err: "no such date"},
		{in: "2024-13-01", err: "no such date"},
		{in: "20241315", err: "no such date"},
		{in: "15 Foo 2024", err: "not a date"},
		{in: "08:00", err: "not a date"},
		{in: "2024-01-15 lunch", err: "not a date"},
		{in: "2024-01-15T08:00 later", err: "not a date"},
		{in: "1/2/3/4", err: "not a date"},
		{in: "15 Jan 202", err: "not a date"},
		{in: "yesterday", err: "not a date"},
		{in: "١٥/٠١/٢٠٢٤", err: "not a date"},
	})
}

func TestParseExcelSerial(t *testing.T) {
	at := func(y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, time.UTC)
	}
	tests := []struct {
		serial   float64
		date1904 bool
		want     time.Time
		ok       bool
	}{
		{1, false, at(1900, 1, 1, 0, 0), true},
		{2, false, at(1900, 1, 2, 0, 0), true},
		{59, false, at(1900, 2, 28, 0, 0), true},
		{59.5, false, at(1900, 2, 28, 12, 0), true},
		{60, false, time.Time{}, false},
		{60.5, false, time.Time{}, false},
		{61, false, at(1900, 3, 1, 0, 0), true},
		{62, false, at(1900, 3, 2, 0, 0), true},
		{45306, false, at(2024, 1, 15, 0, 0), true},
		{45306.5, false, at(2024, 1, 15, 12, 0), true},
		{45306.25, false, at(2024, 1, 15, 6, 0), true},
		{2958465, false, at(9999, 12, 31, 0, 0), true},
		{2958466, false, time.Time{}, false},
		{0, false, time.Time{}, false},
		{0.5, false, time.Time{}, false},
		{-1, false, time.Time{}, false},
		{0, true, at(1904, 1, 1, 0, 0), true},
		{1.25, true, at(1904, 1, 2, 6, 0), true},
		{60, true, at(1904, 3, 1, 0, 0), true},
		{43844, true, at(2024, 1, 15, 0, 0), true},
	}
	for _, tc := range tests {
		got, ok := ParseExcelSerial(tc.serial, tc.date1904)
		assert.Equal(t, tc.ok, ok, "ParseExcelSerial(%v, %v) ok", tc.serial, tc.date1904)
		assert.Equal(t, tc.want, got, "ParseExcelSerial(%v, %v)", tc.serial, tc.date1904)
	}
	t.Run("second rounding", func(t *testing.T) {
		got, ok := ParseExcelSerial(45306.99999, false)
		require.True(t, ok)
		assert.Equal(t, time.Date(2024, 1, 15, 23, 59, 59, 0, time.UTC), got)
	})
}

func TestDetectDateOrder(t *testing.T) {
	tests := []struct {
		name      string
		samples   []string
		order     DateOrder
		ambiguous bool
	}{
		{"day over 12", []string{"03/04/2024", "15/01/2024", ""}, DayFirst, false},
		{"month first", []string{"03/04/2024", "01/15/2024"}, MonthFirst, false},
		{"two-digit years", []string{"1-2-24", "12-31-24"}, MonthFirst, false},
		{"conflict", []string{"15/01/2024", "01/15/2024"}, DateOrderUnknown, true},
		{"only ambiguous", []string{"03/04/2024", "05/06/2024"}, DateOrderUnknown, true},
		{"same day and month", []string{"04/04/2024"}, DateOrderUnknown, false},
		{"no slash dates", []string{"2024-01-15", "15.01.2024", "45306", "15 Jan 2024"}, DateOrderUnknown, false},
		{"dotted is no evidence", []string{"03/04/2024", "15.01.2024"}, DateOrderUnknown, true},
		{"garbage", []string{"N/A", "soon", "13/13/2024"}, DateOrderUnknown, false},
		{"none", nil, DateOrderUnknown, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			order, amb := DetectDateOrder(tc.samples)
			assert.Equal(t, tc.order, order, "order")
			assert.Equal(t, tc.ambiguous, amb, "ambiguous")
		})
	}
}

func TestParseEnum(t *testing.T) {
	passport := schemaField(t, "passport_held_by")
	const all = "not one of worker, employer, agent, recruiter, supervisor"
	runParse(t, passport, []parseCase{
		{in: "worker", want: wantStr("worker")},
		{in: "Worker", want: wantStr("worker")},
		{in: " EMPLOYER ", want: wantStr("employer")},
		{in: "HR", want: wantStr("employer")},
		{in: "Company safe", want: wantStr("employer")},
		{in: "Company Safe (HR office)", want: wantStr("employer")},
		{in: "kept in the company safe", want: wantStr("employer")},
		{in: "Self", want: wantStr("worker")},
		{in: "With worker", want: wantStr("worker")},
		{in: "with the workers", want: wantStr("worker")},
		{in: "Agency", want: wantStr("agent")},
		{in: "held by agents", want: wantStr("agent")},
		{in: "Recruitment agency", want: wantStr("recruiter")},
		{in: "Team Leader", want: wantStr("supervisor")},
		// Unknown is not a value anybody can read from a cell: it is a wantNull.
		{in: "unknown", want: wantNull},
		{in: "Not known", want: wantNull},
		{in: "N/A", want: wantNull},
		{in: "not with worker", err: all},
		{in: "employer/agent", err: "ambiguous: could be employer or agent"},
		{in: "police", err: all},
		{in: "42", err: all},
	})
	runParse(t, schemaField(t, "wage_paid_to"), []parseCase{
		{in: "Worker's bank account", want: wantStr("worker")},
		{in: "Bank account", want: wantStr("worker")},
		{in: "Labour contractor", want: wantStr("agent")},
		{in: "someone", err: "not one of worker, family, agent, supervisor, other"},
	})
	snake := &Field{Name: "f", Type: Enum, Values: []string{"third_party", "self"}}
	runParse(t, snake, []parseCase{
		{in: "Third party", want: wantStr("third_party")},
		{in: "third-party", want: wantStr("third_party")},
		{in: "paid to a third party", want: wantStr("third_party")},
	})
}

func TestCurrencyCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"USD", "USD"}, {"usd", "USD"}, {" Usd ", "USD"}, {"$", "USD"}, {"US$", "USD"},
		{"€", "EUR"}, {"EUR", "EUR"}, {"euro", "EUR"}, {"£", "GBP"}, {"RM", "MYR"}, {"rm", "MYR"},
		{"NPR", "NPR"}, {"npr", "NPR"}, {"Rp", "IDR"}, {"Tk", "BDT"}, {"Tk.", "BDT"}, {"₹", "INR"},
		{"RMB", "CNY"}, {"元", "CNY"}, {"S$", "SGD"}, {"HK$", "HKD"}, {"SR", "SAR"}, {"QR", "QAR"},
		{"AED", "AED"}, {"Dhs", "AED"}, {"₱", "PHP"}, {"php", "PHP"}, {"MMK", "MMK"}, {"Ks", "MMK"},
		{"TRY", "TRY"}, {"KWD", "KWD"},
		// Header units with more words.
		{"USD per month", "USD"}, {"in USD", "USD"}, {"USD/month", "USD"}, {"MYR, monthly", "MYR"},
		{"local currency", ""},
		// Shared signs with no usual currency, and conflicts.
		{"Rs", ""}, {"Rs.", ""}, {"₨", ""}, {"¥", ""}, {"kr", ""}, {"USD or EUR", ""},
		// Not currencies.
		{"", ""}, {"yrs", ""}, {"worker", ""}, {"y/n", ""}, {"days", ""}, {"%", ""}, {"all", ""},
		{"ALL", ""}, {"try", ""}, {"cop", ""}, {"COP", "COP"}, {"hrs", ""}, {"no.", ""}, {"top", ""},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, CurrencyCode(tc.in), "CurrencyCode(%q)", tc.in)
	}
}

func TestParseDecimalMatchesStrconv(t *testing.T) {
	// The fast path must round exactly like strconv.ParseFloat.
	for _, s := range []string{"0.1", "0.2", "0.3", "1.005", "123456789012.345", "999999999999999",
		"0.000000000000000000001", "3.14159265358979", "9007199254740993", "1.7976931348623157"} {
		got, err := parseDecimal(s, dotDecimal)
		require.NoError(t, err, s)
		want, _ := parseFloatStrict(s)
		assert.Equal(t, want, got, s)
	}
}

func TestFoldMatchesNormalizeWord(t *testing.T) {
	for _, s := range []string{"", "Yes", "N/A", "License #", "##", "a#", "  Company safe (HR office) ",
		"Nguyễn", "İstanbul", "ǅ", "\xff\xfe", "x\u0301", "Ⅻ", "a\u00a0b"} {
		assert.Equal(t, normalizeRef(s), string(fold(nil, s)), "fold(%q)", s)
		assert.Equal(t, normalizeRef(s), NormalizeHeader(s), "NormalizeHeader(%q)", s)
	}
}

func TestParseUnsupportedType(t *testing.T) {
	f := &Field{Name: "f", Type: Type(99)}
	v, err := f.Parse("x", Hints{})
	require.Error(t, err)
	assert.Equal(t, Value{Raw: "x"}, v)
}

func BenchmarkParse(b *testing.B) {
	s := DefaultSchema()
	cells := []struct {
		field string
		raw   string
		h     Hints
	}{
		{"worker_name", "Ali Hassan", Hints{}},
		{"age", "17", Hints{}},
		{"recruitment_fee_paid_by_worker", "USD 1,200.00", Hints{}},
		{"base_wage_monthly", "1500", Hints{Currency: "MYR"}},
		{"deposit_amount", "none", Hints{}},
		{"passport_held_by", "Company safe", Hints{}},
		{"has_written_contract", "Yes", Hints{}},
		{"housing_curfew", "22:00", Hints{}},
		{"start_date", "15/01/2024", Hints{DateOrder: DayFirst}},
		{"start_date", "2024-01-15", Hints{}},
		{"date_of_birth", "45306", Hints{Numeric: true}},
		{"weekly_hours_total", "60", Hints{}},
		{"wage_payment_interval_days", "Monthly", Hints{}},
		{"notice_period_days_worker", "1 month", Hints{}},
		{"contract_id", "N/A", Hints{}},
	}
	fields := make([]*Field, len(cells))
	for i, c := range cells {
		fields[i] = s.Field(c.field)
		if fields[i] == nil {
			b.Fatalf("no field %q", c.field)
		}
	}
	b.Run("row", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for j, c := range cells {
				if _, err := fields[j].Parse(c.raw, c.h); err != nil {
					b.Fatalf("Parse(%q): %v", c.raw, err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(cells)), "ns/cell")
	})
	for j, c := range cells {
		b.Run(fields[j].Type.String()+"/"+c.raw, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = fields[j].Parse(c.raw, c.h)
			}
		})
	}
}
