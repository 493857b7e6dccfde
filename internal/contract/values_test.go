package contract

import (
	"strings"
	"testing"
	"time"

	"github.com/laborcheck/laborcheck/internal/vocab"
)

// The built-in vocabulary parses, names its source and date, and fits the
// default schema: every field it names exists, every wording of an enum
// names one of the field's values, every section suits the field's type.
func TestValuesYAML(t *testing.T) {
	vv, err := parseValueVocab("values.yaml", vocab.Values, true)
	if err != nil {
		t.Fatal(err)
	}
	if vv.source == "" || len(vv.source) < 20 {
		t.Errorf("source %q: say where the wordings come from", vv.source)
	}
	if _, err := time.Parse(time.DateOnly, vv.asOf); err != nil {
		t.Errorf("as_of %q: want a date: %v", vv.asOf, err)
	}
	if !strings.HasPrefix(string(vocab.Values), "# ") || !strings.Contains(string(vocab.Values[:400]), "\nsource:") ||
		!strings.Contains(string(vocab.Values[:400]), "\nas_of:") {
		t.Errorf("values.yaml must open with its source and as_of")
	}
	if vv.workdays != 6 || vv.deferredDays != 92 {
		t.Errorf("assume: workdays %v, deferred %v", vv.workdays, vv.deferredDays)
	}
	s := DefaultSchema()
	for name := range vv.fields {
		if s.Field(name) == nil {
			t.Errorf("values.yaml names field %q, which the default schema lacks", name)
		}
	}
	for _, f := range s.Fields() {
		c := *f
		c.vv, c.baseSet = nil, false
		if err := vv.attach(&c, "values.yaml", true); err != nil {
			t.Error(err)
		}
		for w, v := range c.Synonyms {
			if !slicesContains(f.Values, v) {
				t.Errorf("%s: %q maps to %q, not one of %v", f.Name, w, v, f.Values)
			}
		}
	}
	// Wordings are folded as cells are, and no wording is a null word of
	// every field unless a field reads it on purpose.
	for _, m := range []map[string]bool{vv.null, vv.negation, vv.doubt, vv.zero, vv.cancel, vv.wage} {
		for w := range m {
			if NormalizeWord(w) != w {
				t.Errorf("%q is not folded", w)
			}
		}
	}
	for w := range vv.answers {
		if vv.null[w] {
			t.Errorf("%q is both a null word and a yes/no", w)
		}
	}
	for code, names := range map[string][]string{"en": {"english", "eng"}, "ne": {"nepali", "nep"}, "ms": {"bahasa", "indonesian"}} {
		for _, n := range names {
			if vv.languages[n] != code {
				t.Errorf("language %q = %q, want %q", n, vv.languages[n], code)
			}
		}
	}
	// The wordings moved out of Go keep their old readings.
	for w, want := range map[string]bool{"yes": true, "y": true, "x": true, "1": true, "no": false, "n": false, "0": false, "tidak": false} {
		if got, ok := vv.answers[w]; !ok || got != want {
			t.Errorf("answer %q = %v, %v", w, got, ok)
		}
	}
	for w, want := range map[string]int{"monthly": 30, "bi weekly": 14, "semi monthly": 15, "weekly": 7, "daily": 1, "quarterly": 90, "half yearly": 180, "annually": 365} {
		if vv.intervals[w] != want {
			t.Errorf("interval %q = %d, want %d", w, vv.intervals[w], want)
		}
	}
}

// namedReader is a reader with a file name, as *os.File is.
type namedReader struct {
	*strings.Reader
	name string
}

func (r namedReader) Name() string { return r.name }

func TestWithValueVocab(t *testing.T) {
	s := DefaultSchema()
	ext := `# Wordings of one client's rosters.
source: client rosters, 2026 audit
fields:
  passport_held_by:
    employer: [godown, site office safe]
    supervisor: office
    unknown: [lost, missing passport]
  has_written_contract:
    yes: kontrak
  rest_days_per_week:
    numbers: {1: jumaat}
assume:
  workdays_per_week: 5.5
yes: [haan ji]
`
	n, err := s.WithValueVocab(namedReader{strings.NewReader(ext), "client.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field, in string
		want      any
	}{
		{"passport_held_by", "Godown", "employer"},
		{"passport_held_by", "Kept in godown", "employer"},
		{"passport_held_by", "Office", "supervisor"}, // the extension wins
		{"passport_held_by", "HR", "employer"},       // the built-in wordings stay
		{"passport_held_by", "Lost", "unknown"},
		{"work_permit_held_by", "Godown", nil}, // only the field named
		{"has_written_contract", "Kontrak", true},
		{"has_written_contract", "Verbal", false},
		{"rest_days_per_week", "Jumaat", 1.0},
		{"night_work", "Haan ji", true},
	} {
		v, err := n.Field(tc.field).Parse(tc.in, Hints{})
		switch {
		case tc.want == "unknown":
			if err != nil || v.Present || v.Str != "" {
				t.Errorf("%s %q = %+v, %v; want unknown", tc.field, tc.in, v, err)
			}
		case tc.want == nil:
			if err == nil {
				t.Errorf("%s %q = %+v, want a data issue", tc.field, tc.in, v)
			}
		case err != nil || v.Native(n.Field(tc.field).Type) != tc.want:
			t.Errorf("%s %q = %+v, %v; want %v", tc.field, tc.in, v, err, tc.want)
		}
	}
	// The original schema is untouched.
	if v, _ := s.Field("passport_held_by").Parse("Office", Hints{}); v.Str != "employer" {
		t.Errorf("the schema extended changed: Office = %q", v.Str)
	}
	if _, err := s.Field("passport_held_by").Parse("Godown", Hints{}); err == nil {
		t.Errorf("the schema extended changed: Godown read")
	}
	// The extension's assumptions reach the Deriver.
	d := NewDeriver(n, time.Time{})
	c := &Contract{Values: make([]Value, n.Len())}
	f := n.Field("weekly_hours_total")
	_ = f.ParseInto(&c.Values[f.Index], "10", Hints{Basis: BasisWorkdays})
	d.Derive(c)
	if v := c.Values[f.Index]; !v.Present || v.Num != 55 {
		t.Errorf("weekly_hours_total = %+v, want 55 with 5.5 working days", v)
	}
	// Header matching still works on the copy.
	if m := n.Match("Passport Kept By"); m.Field == nil || m.Field.Name != "passport_held_by" {
		t.Errorf("Match on the extended schema: %+v", m)
	}

	for _, tc := range []struct{ file, err string }{
		{"fields:\n  pasport_held_by:\n    employer: godown\n", `x.yaml:2: no field "pasport_held_by" in the schema (did you mean "passport_held_by"?)`},
		{"fields:\n  passport_held_by:\n    boss: godown\n", `x.yaml:3: field passport_held_by: "boss" is not one of its values`},
		{"fields:\n  age:\n    yes: [adult]\n", `x.yaml:3: field age: yes and no are for bool fields`},
		{"fields:\n  has_written_contract:\n    yes: [signed]\n    no: [signed]\n", `x.yaml:4: fields.has_written_contract.no: "signed" is given both ways`},
		{"fields:\n  rest_days_per_week:\n    numbers: {lots: [sunday]}\n", `x.yaml:3: fields.rest_days_per_week.numbers: "lots" is not a number`},
		{"fields:\n  rest_days_per_week:\n    per_week: months\n", `x.yaml:3: fields.rest_days_per_week.per_week: want days or hours`},
		{"nul: [dunno]\n", `x.yaml:1: unknown key "nul" (did you mean "null"?)`},
		{"mentions: {around: [x]}\n", `x.yaml:1: mentions: unknown key "around" (want after or before)`},
		{"assume:\n  workdays_per_week: 9\n", `x.yaml:2: assume.workdays_per_week: 9 is not between 0 and 7`},
		{"money:\n  multipliers: {lakh: lots}\n", `x.yaml:2: money.multipliers: "lots" is not a number`},
		{"money:\n  multipliers_by_currency: {mil: {XX: 1000}}\n", `x.yaml:2: money.multipliers_by_currency: "XX" is not an ISO 4217 code`},
		{"yes: [\"...\"]\n", `x.yaml:1: yes: "..." has no letters or digits`},
		{"fields: [a, b]\n", `x.yaml:1: fields: want a mapping`},
		{"yes: [a\n", `x.yaml: yaml:`},
	} {
		_, err := s.WithValueVocab(namedReader{strings.NewReader(tc.file), "x.yaml"})
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("WithValueVocab(%q) = %v, want an error containing %q", tc.file, err, tc.err)
		}
	}
	if _, err := s.WithValueVocab(strings.NewReader("fields:\n  nope: {}\n")); err == nil || !strings.HasPrefix(err.Error(), "vocabulary:2:") {
		t.Errorf("an unnamed reader: %v", err)
	}
}

// A schema file's own synonyms and words still count, over the vocabulary's.
func TestSchemaWordsWinOverVocab(t *testing.T) {
	s, err := ParseSchema(strings.NewReader(`fields:
  - {name: passport_held_by, type: enum, values: [worker, employer, agent, recruiter, supervisor, unknown], synonyms: {office: supervisor}}
  - {name: rest_days_per_week, type: number, words: {sunday: 2}}
`))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s.Field("passport_held_by").Parse("Office", Hints{}); err != nil || v.Str != "supervisor" {
		t.Errorf("Office = %+v, %v", v, err)
	}
	if v, err := s.Field("passport_held_by").Parse("Agency (Dhaka)", Hints{}); err != nil || v.Str != "agent" {
		t.Errorf("Agency (Dhaka) = %+v, %v", v, err)
	}
	if v, err := s.Field("rest_days_per_week").Parse("Sunday", Hints{}); err != nil || v.Num != 2 {
		t.Errorf("Sunday = %+v, %v", v, err)
	}
}

// TestValueVocabNumberPhrases: a duration phrase that is a plain number is
// refused where it is written, since a number in a duration cell is read
// as that many days.
func TestValueVocabNumberPhrases(t *testing.T) {
	for _, file := range []string{
		"intervals: {ambiguous: {'0': ask}}\n",
		"intervals: {14: ['7']}\n",
	} {
		_, err := DefaultSchema().WithValueVocab(namedReader{strings.NewReader(file), "v.yaml"})
		if err == nil || !strings.Contains(err.Error(), "v.yaml:1:") || !strings.Contains(err.Error(), "is a number") {
			t.Errorf("%q: got %v, want a v.yaml:1: error saying the phrase is a number", file, err)
		}
	}
}
