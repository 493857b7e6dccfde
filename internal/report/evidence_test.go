package report

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// evidenceTextReference is evidenceText as written over evidenceFields;
// evidenceText must give the same text for every evidence.
func evidenceTextReference(ev map[string]Evidence, row int) string {
	if len(ev) == 0 {
		return ""
	}
	var b strings.Builder
	for i, e := range evidenceFields(ev) {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Name())
		if c := e.Cell(row); c != "" {
			b.WriteString(" (" + c + ")")
		}
		b.WriteByte('=')
		switch {
		case e.Derived && e.Shown != "":
			b.WriteString(e.Shown)
			if how, ok := strings.CutPrefix(e.Raw, "derived: "); ok {
				b.WriteString(" (derived: " + how + ")")
			} else {
				b.WriteString(" (derived)")
			}
		case e.Raw == "":
			b.WriteString(e.Shown)
			if e.Derived {
				b.WriteString(" (derived)")
			}
		default:
			b.WriteString(e.Raw)
			if e.Derived {
				b.WriteString(" (derived)")
			}
			if e.Currency != "" && !strings.Contains(strings.ToUpper(e.Raw), e.Currency) {
				b.WriteString(" (" + e.Shown + ")")
			}
		}
		if e.Conversion != "" {
			b.WriteString(" (" + e.Conversion + ")")
		}
	}
	return b.String()
}

func TestEvidenceTextMatchesReference(t *testing.T) {
	fields := []string{"recruitment_fee_paid_by_worker", "passport_held_by", "overtime_share", "hours_per_week",
		"wage", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	values := []any{nil, "", "employer", 1200.0, 0.919, 25250.5, -3.0, 7, int64(1234567), true, false, float32(2.5), []int{1}}
	raws := []string{"", "$1,200", "usd 1200", "1200 USD", "twd 25,250", "HR", "derived: 55 / 60", "derived:", "Ümit eur 5", "€5", "\xff"}
	currencies := []string{"", "", "USD", "TWD", "EUR"}
	columns := []string{"", "", "E", "AN", "11", "0", "x1"}
	headers := []string{"", "", "Fee paid (USD)", "Passport"}
	conversions := []string{"", "", "inverted: Passport returned?", "hours per month to week"}
	pick := func(rng *rand.Rand, l []string) string { return l[rng.IntN(len(l))] }
	rng := rand.New(rand.NewPCG(3, 4))
	for range 50_000 {
		ev := map[string]Evidence{}
		for range rng.IntN(12) {
			ev[fields[rng.IntN(len(fields))]] = Evidence{
				Value: values[rng.IntN(len(values))], Raw: pick(rng, raws), Derived: rng.IntN(3) == 0,
				Column: pick(rng, columns), Header: pick(rng, headers), Conversion: pick(rng, conversions),
				Currency: pick(rng, currencies),
			}
		}
		row := rng.IntN(5) - 1
		if got, want := evidenceText(ev, row), evidenceTextReference(ev, row); got != want {
			t.Fatalf("evidenceText(%#v, %d)\n got %q\nwant %q", ev, row, got, want)
		}
	}
}

func BenchmarkEvidenceText(b *testing.B) {
	ev := map[string]Evidence{
		"recruitment_fee_paid_by_worker": {Value: 1200.0, Raw: "$1,200", Column: "E", Header: "Fee paid", Currency: "USD"},
		"passport_held_by":               {Value: "employer", Raw: "HR", Column: "F"},
	}
	for _, fn := range []struct {
		name string
		f    func(map[string]Evidence, int) string
	}{{"fn=new", evidenceText}, {"fn=ref", evidenceTextReference}} {
		b.Run(fn.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				fn.f(ev, 7)
			}
		})
	}
}
