package source

import (
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/header"
)

func TestHeaderMap(t *testing.T) {
	// Neither header is known to the schema; the user's map names both,
	// matched ignoring case and punctuation, so the row is a header.
	csv := "Agent Charge,PP Location\n500,Block C desk\n"
	opts := defaultOptions()
	opts.HeaderMap = map[string]string{"agent charge": "recruitment_fee_paid_by_worker", "PP-Location": "passport_held_by", "Other": "no_such_field"}
	g := readData(t, "r.csv", []byte(csv), opts)
	sh := onlySheet(t, g.in)
	if sh.HeaderRow != 1 {
		t.Fatalf("HeaderRow = %d, want 1 (skipped: %q)", sh.HeaderRow, sh.Skipped)
	}
	for i, want := range []string{"recruitment_fee_paid_by_worker", "passport_held_by"} {
		col := sh.Columns[i]
		if col.Field == nil || col.Field.Name != want {
			t.Errorf("column %d field = %v, want %s", i, col.Field, want)
		}
		if col.Match.Method != header.ByUserMap || col.Match.Field != col.Field {
			t.Errorf("column %d match = %+v, want method %q and its field", i, col.Match, header.ByUserMap)
		}
	}
	// "Block C desk" is no custody wording laborcheck knows.
	if v := g.field(t, 0, "passport_held_by"); v.Present {
		t.Errorf("passport_held_by = %+v, want unread without a value map", v)
	}
}

func TestValueMap(t *testing.T) {
	csv := "Worker ID,Passport Held By,Housing,Is overtime compulsory?,Overtime Voluntary,Rest Days\n" +
		"W1,Block C desk,Barracks,,Forced,every other Sunday\n" +
		"W2,self,no,,yes,1\n" +
		"W3,Site office,no,,yes,1\n" +
		"TBC,self,no,,yes,1\n"
	opts := defaultOptions()
	opts.ValueMap = map[string]map[string]string{
		// A wording laborcheck reads one way is read the user's way.
		"passport_held_by":          {"block c desk": "employer", "Site Office": "supervisor"},
		"employer_provided_housing": {"BARRACKS": "yes"},
		"overtime_voluntary":        {"forced": "no"},
		"rest_days_per_week":        {"Every other Sunday": "0.5"},
		"worker_id":                 {"TBC": ""},
	}
	g := readData(t, "r.csv", []byte(csv), opts)
	if len(g.issues) > 0 {
		t.Fatalf("issues = %v, want none", g.issues)
	}
	checks := []struct {
		row         int
		field, want string
		raw         string
	}{
		{0, "passport_held_by", "employer", "Block C desk"},
		{0, "employer_provided_housing", "true", "Barracks"},
		{0, "overtime_voluntary", "false", "Forced"},
		{0, "rest_days_per_week", "0.5", "every other Sunday"},
		{1, "passport_held_by", "worker", "self"},
		{1, "employer_provided_housing", "false", "no"},
		{2, "passport_held_by", "supervisor", "Site office"},
	}
	if v := g.field(t, 3, "worker_id"); v.Present || v.Raw != "TBC" {
		t.Errorf("worker_id = %+v, want blank with raw \"TBC\"", v)
	}
	for _, c := range checks {
		f := contract.DefaultSchema().Field(c.field)
		v := g.field(t, c.row, c.field)
		if got := v.Display(f.Type); !v.Present || got != c.want || v.Raw != c.raw {
			t.Errorf("row %d %s = %q (present %v, raw %q), want %q from %q", c.row, c.field, got, v.Present, v.Raw, c.want, c.raw)
		}
	}
}
