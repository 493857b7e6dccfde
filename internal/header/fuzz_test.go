package header

import (
	"strings"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// FuzzMatchSheet feeds arbitrary header and cell text to the matcher: it
// must not panic, and each field must go to one column at most.
func FuzzMatchSheet(f *testing.F) {
	for _, s := range []string{"Passport kept by\x00HR\x00Self", "OT hrs/wk\x0010", "护照保管\x00公司", "Does company keep the passport?\x00Yes", "a/c\x00/\x00%", strings.Repeat("fee ", 100)} {
		f.Add(s)
	}
	m, err := NewMatcher(contract.DefaultSchema(), Default(), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts := strings.Split(s, "\x00")
		cols := []Column{{Header: parts[0], Values: parts[1:]}, {Header: parts[0]}, {Header: strings.ToUpper(parts[0]), Values: parts[1:]}}
		seen := map[*contract.Field]bool{}
		for _, mt := range m.MatchSheet(cols) {
			if mt.Field == nil {
				continue
			}
			if seen[mt.Field] {
				t.Fatalf("%s taken by two columns of %q", mt.Field.Name, parts[0])
			}
			seen[mt.Field] = true
		}
		m.HeaderFields(parts)
	})
}

// FuzzParseVocabulary reads arbitrary bytes as a vocabulary extension: an
// error or a vocabulary, never a panic.
func FuzzParseVocabulary(f *testing.F) {
	f.Add("words:\n  fee: [levy]\nfields:\n  recruitment_fee_paid_by_worker:\n    match: [levy]\n")
	f.Add("fields: {age: {match: [años]}}")
	f.Add("units: {per_day: [x]}")
	f.Add("conversions: {week: {per_day: 1/0}}")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Default().Extend(strings.NewReader(s), "fuzz.yaml")
		if err == nil && v == nil {
			t.Fatal("no vocabulary and no error")
		}
	})
}
