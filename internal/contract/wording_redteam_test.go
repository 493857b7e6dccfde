package contract

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestWordingRedTeam reads testdata/wordings_redteam.tsv: cell wordings as
// rosters write them, compiled independently of values.yaml, with the value
// each must give. Every wrong reading fails the test; a false flag (a
// wording read as the risky value when it is not: "with worker" as employer,
// "voluntary" as compulsory, a zero fee as an amount) is counted apart.
//
// Columns: field, cell, expected, context. Expected is an enum value, yes or
// no, a number, an amount with currency ("300 USD"; an amount without one
// compares the number only), "-" for unknown (not present, no data issue) or
// "!" for a data issue. Context is "field=cell; field=cell" of the same row,
// parsed and then resolved with NewDeriver; "derive" alone runs the Deriver
// on a row holding only the cell; "hint:basis=workdays|wage|contract",
// "hint:currency=XXX", "hint:invert" and "hint:numeric" set the cell's Hints.
// contract_language rows check the derived contract_in_worker_language.
func TestWordingRedTeam(t *testing.T) {
	cases := readRedTeam(t, "testdata/wordings_redteam.tsv")
	s := DefaultSchema()
	asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	d := NewDeriver(s, asOf)

	scores := map[string]*score{}
	var failures, flags []string
	for _, tc := range cases {
		k := redTeamKind(tc.field)
		sc := scores[k]
		if sc == nil {
			sc = &score{}
			scores[k] = sc
		}
		sc.n++
		got, gotV, gotErr, target := runRedTeamCase(t, s, d, tc)
		if redTeamMatch(target, tc.want, gotV, gotErr) {
			sc.ok++
			continue
		}
		line := fmt.Sprintf("%s:%d %s %q = %s, want %s", "wordings_redteam.tsv", tc.line, tc.field, tc.cell, got, tc.want)
		if tc.ctx != "" {
			line += " [" + tc.ctx + "]"
		}
		failures = append(failures, line)
		if redTeamFalseFlag(target, tc.want, gotV, gotErr) {
			sc.flags++
			flags = append(flags, line)
		}
	}

	logScores(t, scores)
	for _, f := range flags {
		t.Errorf("FALSE FLAG %s", f)
	}
	for _, f := range failures {
		t.Errorf("wrong %s", f)
	}
}

type redTeamCase struct {
	line                   int
	field, cell, want, ctx string
}

func readRedTeam(t *testing.T, path string) []redTeamCase {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []redTeamCase
	sc := bufio.NewScanner(fh)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 3 {
			t.Fatalf("%s:%d: want field, cell, expected[, context]", path, n)
		}
		tc := redTeamCase{line: n, field: cols[0], cell: cols[1], want: strings.TrimSpace(cols[2])}
		if len(cols) > 3 {
			tc.ctx = strings.TrimSpace(cols[3])
		}
		out = append(out, tc)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 250 {
		t.Errorf("%s: %d cases, want at least 250", path, len(out))
	}
	return out
}

func redTeamKind(field string) string {
	switch field {
	case "passport_held_by", "work_permit_held_by":
		return "custody"
	case "employer_provided_housing":
		return "housing"
	case "wage_payment_interval_days":
		return "pay_period"
	case "rest_days_per_week":
		return "rest_days"
	case "weekly_hours_total", "regular_hours_per_week", "overtime_hours_per_week":
		return "hours"
	case "is_migrant":
		return "migrant"
	case "contract_language":
		return "language"
	}
	if f := DefaultSchema().Field(field); f != nil {
		switch f.Type {
		case Bool:
			return "yes_no"
		case Money:
			return "money"
		}
	}
	return "other"
}

// runRedTeamCase parses the case's cell (and its row, with the Deriver, when
// the case has context) and returns what was read, shown for the report, the
// value and error of the field checked, and that field.
func runRedTeamCase(t *testing.T, s *Schema, d *Deriver, tc redTeamCase) (shown string, v Value, err error, target *Field) {
	t.Helper()
	f := s.Field(tc.field)
	if f == nil {
		t.Fatalf("line %d: no field %s", tc.line, tc.field)
	}
	var h Hints
	cells := map[string]string{}
	derive := tc.field == "contract_language"
	for _, part := range strings.Split(tc.ctx, ";") {
		part = strings.TrimSpace(part)
		switch {
		case part == "":
		case part == "derive":
			derive = true
		case part == "hint:invert":
			h.Invert = true
		case part == "hint:numeric":
			h.Numeric = true
		case strings.HasPrefix(part, "hint:currency="):
			h.Currency = strings.TrimPrefix(part, "hint:currency=")
		case strings.HasPrefix(part, "hint:basis="):
			switch strings.TrimPrefix(part, "hint:basis=") {
			case "workdays":
				h.Basis = BasisWorkdays
			case "wage":
				h.Basis = BasisMonthlyWage
			case "contract":
				h.Basis = BasisContract
			default:
				t.Fatalf("line %d: basis %q", tc.line, part)
			}
		default:
			k, val, ok := strings.Cut(part, "=")
			if !ok {
				t.Fatalf("line %d: context %q", tc.line, part)
			}
			cells[strings.TrimSpace(k)] = strings.TrimSpace(val)
			derive = true
		}
	}
	err = f.ParseInto(&v, tc.cell, h)
	target = f
	if derive {
		c := &Contract{File: "redteam.tsv", Row: tc.line, Values: make([]Value, s.Len())}
		for k, raw := range cells {
			cf := s.Field(k)
			if cf == nil {
				t.Fatalf("line %d: no field %s", tc.line, k)
			}
			cv, cerr := cf.Parse(raw, Hints{DateOrder: DayFirst})
			if cerr != nil {
				t.Fatalf("line %d: context %s %q: %v", tc.line, k, raw, cerr)
			}
			c.Values[cf.Index] = cv
		}
		if err == nil {
			c.Values[f.Index] = v
		}
		d.Derive(c)
		if tc.field == "contract_language" {
			target = s.Field("contract_in_worker_language")
		}
		v = c.Values[target.Index]
	}
	switch {
	case err != nil:
		shown = "data issue (" + err.Error() + ")"
	case v.Present:
		shown = v.Display(target.Type)
	case v.Basis != BasisNone:
		shown = fmt.Sprintf("unresolved %v × basis %d", v.Num, v.Basis)
	default:
		shown = "unknown"
	}
	return shown, v, err, target
}

// redTeamNumber is the number (and currency) an expectation names.
func redTeamNumber(want string) (x float64, cur string, ok bool) {
	num, cur, _ := strings.Cut(want, " ")
	x, e := strconv.ParseFloat(num, 64)
	return x, cur, e == nil
}

func redTeamGot(f *Field, v Value) float64 {
	switch f.Type {
	case Int, Duration:
		return float64(v.Int)
	}
	return v.Num
}

func redTeamMatch(f *Field, want string, v Value, err error) bool {
	switch want {
	case "!":
		return err != nil
	case "-":
		return err == nil && !v.Present
	}
	if err != nil || !v.Present {
		return false
	}
	switch f.Type {
	case Bool:
		return (want == "yes") == v.Bool && (want == "yes" || want == "no")
	case Enum, String:
		return v.Str == want
	}
	x, cur, ok := redTeamNumber(want)
	if !ok {
		return false
	}
	g := redTeamGot(f, v)
	if math.Abs(g-x) > math.Max(0.005, 1e-6*math.Abs(x)) {
		return false
	}
	return cur == "" || cur == v.Currency
}

// redTeamFalseFlag reports whether a wrong reading is the risky one where the
// expectation is not: custody away from the worker, the risky answer of a
// yes/no field, an amount the worker pays over what the cell says, pay less
// often than monthly, under one rest day, over 60 hours a week.
func redTeamFalseFlag(f *Field, want string, v Value, err error) bool {
	if err != nil || !v.Present {
		return false
	}
	switch f.Name {
	case "passport_held_by", "work_permit_held_by":
		risky := func(s string) bool { return s == "employer" || s == "agent" || s == "recruiter" || s == "supervisor" }
		return risky(v.Str) && !risky(want)
	}
	if f.Type == Bool {
		riskyYes := map[string]bool{
			"employer_consent_required_to_change_job": true, "housing_curfew": true, "hazardous_work": true,
			"night_work": true, "is_migrant": true, "employer_provided_housing": true,
		}
		riskyNo := map[string]bool{
			"has_written_contract": true, "overtime_voluntary": true, "free_to_leave_housing": true,
			"contract_in_worker_language": true,
		}
		switch {
		case riskyYes[f.Name]:
			return v.Bool && want != "yes"
		case riskyNo[f.Name]:
			return !v.Bool && want != "no"
		}
		return false
	}
	x, _, ok := redTeamNumber(want)
	g := redTeamGot(f, v)
	switch {
	case f.Type == Money:
		if !ok {
			x = 0
		}
		return g > x+0.01
	case f.Name == "wage_payment_interval_days":
		return g > 31 && !(ok && x > 31)
	case f.Name == "rest_days_per_week":
		return g < 1 && !(ok && x < 1)
	case strings.Contains(f.Name, "hours"):
		return g > 60 && !(ok && x > 60)
	}
	return false
}

// score counts the wordings of one kind read right, and the false flags.
type score struct{ ok, n, flags int }

// logScores logs the score of each kind of wording, then the overall one.
func logScores(t *testing.T, scores map[string]*score) {
	t.Helper()
	kinds := make([]string, 0, len(scores))
	for k := range scores {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var tot score
	for _, k := range kinds {
		sc := scores[k]
		tot.ok += sc.ok
		tot.n += sc.n
		tot.flags += sc.flags
		t.Logf("  %-16s %3d/%3d  false flags %d", k, sc.ok, sc.n, sc.flags)
	}
	t.Logf("  %-16s %3d/%3d (%.1f%%)  false flags %d", "overall", tot.ok, tot.n, 100*float64(tot.ok)/float64(max(tot.n, 1)), tot.flags)
}
