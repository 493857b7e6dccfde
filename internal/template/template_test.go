package template

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/header"
	"github.com/laborcheck/laborcheck/internal/rules"
	defaultrules "github.com/laborcheck/laborcheck/rules"
)

func builtinProgram(t *testing.T, s *contract.Schema) *rules.Program {
	t.Helper()
	set, errs := rules.Load([]string{rules.BuiltinPath}, rules.LoadOptions{Builtin: defaultrules.FS})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	env, err := rules.NewEnv(s)
	if err != nil {
		t.Fatal(err)
	}
	prog, cerrs := env.Compile(set, rules.CompileOptions{})
	if len(cerrs) > 0 {
		t.Fatal(cerrs)
	}
	return prog
}

// TestHeadersReadBack checks, language by language, that laborcheck's own
// header matcher reads every header of the template as its field, with the
// example values under it, and that every dropdown entry reads as the
// value it stands for.
func TestHeadersReadBack(t *testing.T) {
	s := contract.DefaultSchema()
	prog := builtinProgram(t, s)
	m, err := header.NewMatcher(s, header.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range Languages() {
		t.Run(code, func(t *testing.T) {
			cols, err := Columns(Options{Schema: s, Program: prog, Lang: code})
			if err != nil {
				t.Fatal(err)
			}
			var hc []header.Column
			var english []string
			for _, c := range cols {
				if _, ok := lookupLanguage(code).Headers[c.Field.Name]; !ok {
					english = append(english, c.Field.Name)
				}
				hc = append(hc, header.Column{Header: c.Header, Values: []string{c.Example, c.Example}})
			}
			if len(english) > 0 {
				// No wording in the language that the vocabulary reads
				// back yet: the column takes its English header.
				t.Logf("%s: English headers for %s", code, strings.Join(english, ", "))
			}
			for i, mt := range m.MatchSheet(hc) {
				if mt.Field != cols[i].Field {
					got := "unmapped"
					if mt.Field != nil {
						got = mt.Field.Name
					}
					t.Errorf("%q reads as %s (%s), want %s", cols[i].Header, got, mt.Reason, cols[i].Field.Name)
				}
				if mt.Conversion != "" {
					t.Errorf("%q reads with a conversion: %s", cols[i].Header, mt.Conversion)
				}
			}
			for _, c := range cols {
				want := []string{"true", "false"}
				if c.Field.Type == contract.Enum {
					want = c.Field.Values
				} else if c.Field.Type != contract.Bool {
					continue
				}
				for i, choice := range c.Choices {
					v, err := c.Field.Parse(choice, contract.Hints{})
					if err != nil {
						t.Errorf("%s: dropdown entry %q: %v", c.Field.Name, choice, err)
						continue
					}
					got := v.Display(c.Field.Type)
					if c.Field.Type == contract.Bool {
						got = map[bool]string{true: "true", false: "false"}[v.Bool]
					}
					if want[i] == "unknown" && !v.Present {
						continue
					}
					if !v.Present || got != want[i] {
						t.Errorf("%s: dropdown entry %q reads as %q (present %v), want %q", c.Field.Name, choice, got, v.Present, want[i])
					}
				}
			}
		})
	}
}

// TestColumns checks which fields the built-in rules make the template ask
// for: derived fields through their inputs, identity and cross-row fields
// whatever the rules read, and no field twice.
func TestColumns(t *testing.T) {
	s := contract.DefaultSchema()
	cols, err := Columns(Options{Schema: s, Program: builtinProgram(t, s)})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cols {
		names = append(names, c.Field.Name)
		if c.Help == "" || c.Header == "" {
			t.Errorf("%s: no header or help", c.Field.Name)
		}
	}
	for _, want := range []string{"contract_id", "worker_name", "supplier_name", "date_of_birth", "regular_hours_per_week",
		"overtime_hours_per_week", "nationality", "employer_country", "passport_number", "bank_account", "currency", "passport_held_by", "minimum_wage_monthly"} {
		if !slices.Contains(names, want) {
			t.Errorf("no column for %s", want)
		}
	}
	for _, not := range []string{"age", "weekly_hours_total", "is_migrant", "contract_in_worker_language", "recruitment_costs_total", "deductions_share_of_wage"} {
		if slices.Contains(names, not) {
			t.Errorf("a column for %s, which is derived", not)
		}
	}
	if n := len(slices.Compact(slices.Clone(names))); n != len(names) {
		t.Errorf("a field twice: %v", names)
	}
	for _, c := range cols {
		if c.Field.Name == "passport_held_by" && !slices.ContainsFunc(c.NeededBy, func(s string) bool { return bytes.Contains([]byte(s), []byte("(passport-held)")) }) {
			t.Errorf("passport_held_by is not said to be needed by passport-held: %v", c.NeededBy)
		}
	}
}

func TestUnknownLanguage(t *testing.T) {
	_, err := Columns(Options{Schema: contract.DefaultSchema(), Lang: "xx"})
	var ue *ErrUnknownLanguage
	if !errors.As(err, &ue) || ue.Code != "xx" {
		t.Fatalf("got %v, want an unknown language error", err)
	}
	for _, code := range []string{"ZH-TW", "zh_Hant", "EN", "in"} {
		if LanguageName(code) == "" {
			t.Errorf("%s is not a known language", code)
		}
	}
}

// TestWorkbook checks the workbook's layout: the help row above the header,
// both protected, data cells unlocked with their formats, and validation
// on every column.
func TestWorkbook(t *testing.T) {
	s := contract.DefaultSchema()
	opts := Options{Schema: s, Program: builtinProgram(t, s), Lang: "es", Contact: "Ana Ruiz <ana@example.com>"}
	var buf bytes.Buffer
	if err := Write(&buf, opts); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l := lookupLanguage("es")
	if got := f.GetSheetList(); !slices.Equal(got, []string{l.Sheet, l.Instructions}) {
		t.Fatalf("sheets %v", got)
	}
	cols, _ := Columns(opts)
	rows, err := f.GetRows(l.Sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < headerRow || len(rows[headerRow-1]) != len(cols) {
		t.Fatalf("header row: %v", rows)
	}
	for i, c := range cols {
		if rows[headerRow-1][i] != c.Header || rows[helpRow-1][i] != c.Help {
			t.Errorf("column %d: header %q help %q", i+1, rows[headerRow-1][i], rows[helpRow-1][i])
		}
	}
	dvs, err := f.GetDataValidations(l.Sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(dvs) != len(cols) {
		t.Errorf("%d data validations for %d columns", len(dvs), len(cols))
	}
	lockedAt := func(cell string) bool {
		id, err := f.GetCellStyle(l.Sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		// A cell without protection settings is locked.
		return st.Protection == nil || st.Protection.Locked
	}
	if id, _ := f.GetCellStyle(l.Sheet, "A1"); true {
		st, _ := f.GetStyle(id)
		if st == nil || st.Font == nil || !st.Font.Bold {
			t.Error("the title lost its style")
		}
	}
	if !lockedAt("A1") || !lockedAt("C1") || !lockedAt("A3") || !lockedAt("B2") {
		t.Error("the header or help row is not locked")
	}
	if lockedAt("A4") || lockedAt("C100") {
		t.Error("data cells are locked")
	}
	ins, err := f.GetRows(l.Instructions)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range ins {
		for _, c := range r {
			if bytes.Contains([]byte(c), []byte("ana@example.com")) {
				found = true
			}
		}
	}
	if !found {
		t.Error("the instructions do not name who asked")
	}
}

// TestWordingComplete checks that every language words every sentence and
// says what every column of the built-in template holds in its own words.
func TestWordingComplete(t *testing.T) {
	s := contract.DefaultSchema()
	cols, err := Columns(Options{Schema: s, Program: builtinProgram(t, s)})
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range Languages() {
		l := lookupLanguage(code)
		if l.Name == "" || l.Sheet == "" || l.Instructions == "" || l.Yes == "" || l.No == "" {
			t.Errorf("%s: name, sheet names or yes/no missing", code)
		}
		if code == "en" {
			continue
		}
		for key := range builtin.Text {
			if l.Text[key] == "" && key != "stop" { // the full stop is English's unless a language has its own
				t.Errorf("%s: no text %s", code, key)
			}
		}
		for key := range l.Text {
			if builtin.Text[key] == "" {
				t.Errorf("%s: text %s is not an English one", code, key)
			} else if strings.Count(l.Text[key], "%s") != strings.Count(builtin.Text[key], "%s") {
				t.Errorf("%s: text %s takes %d values, the English %d", code, key, strings.Count(l.Text[key], "%s"), strings.Count(builtin.Text[key], "%s"))
			}
		}
		for _, c := range cols {
			if l.About[c.Field.Name] == "" {
				t.Errorf("%s: no about for %s", code, c.Field.Name)
			}
		}
	}
}

// TestEveryFieldWorded checks that every field a template can ask for
// (any field custom rules might read, not only the built-in rules' ones)
// has an English header that reads back as the field, and says what it
// holds.
func TestEveryFieldWorded(t *testing.T) {
	s := contract.DefaultSchema()
	m, err := header.NewMatcher(s, header.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	en := lookupLanguage("en")
	var cols []Column
	var hc []header.Column
	for _, f := range s.Fields() {
		if derivedFrom(s, f.Name) != nil {
			continue
		}
		if en.Headers[f.Name] == "" || builtin.Fields[f.Name].About == "" {
			t.Errorf("%s: no English header or about", f.Name)
			continue
		}
		c := en.column(f, nil)
		cols = append(cols, c)
		hc = append(hc, header.Column{Header: c.Header, Values: []string{c.Example, c.Example}})
	}
	for i, mt := range m.MatchSheet(hc) {
		if mt.Field != cols[i].Field {
			t.Errorf("%q reads as %v (%s), want %s", cols[i].Header, mt.Field, mt.Reason, cols[i].Field.Name)
		}
	}
}
