package source

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestFillDownGroupedRows: an employer and a country written once above
// each block of workers are read into every contract of the block, with a
// note; a column that is blank in the first row is not a group layout and
// keeps its blanks.
func TestFillDownGroupedRows(t *testing.T) {
	csv := "Employer,Country,Name,Employee ID,Recruitment Fee\n" +
		"Acme Garments,Malaysia,Ana,E1,0\n" +
		",,Bo,E2,100\n" +
		",,Cy,E3,\n" +
		"Beta Knit,Thailand,Dee,E4,0\n" +
		",,Eve,E5,0\n"
	g := readData(t, "r.csv", []byte(csv), defaultOptions())
	sh := onlySheet(t, g.in)
	if len(g.contracts) != 5 {
		t.Fatalf("contracts = %d, want 5", len(g.contracts))
	}
	wantEmployer := []string{"Acme Garments", "Acme Garments", "Acme Garments", "Beta Knit", "Beta Knit"}
	wantCountry := []string{"Malaysia", "Malaysia", "Malaysia", "Thailand", "Thailand"}
	for i := range g.contracts {
		if v := g.field(t, i, "employer_name"); v.Str != wantEmployer[i] {
			t.Errorf("row %d employer = %q, want %q", g.contracts[i].Row, v.Str, wantEmployer[i])
		}
		if v := g.field(t, i, "employer_country"); v.Str != wantCountry[i] {
			t.Errorf("row %d country = %q, want %q", g.contracts[i].Row, v.Str, wantCountry[i])
		}
	}
	// The fee is not a grouped field: its blank stays blank.
	if v := g.field(t, 2, "recruitment_fee_paid_by_worker"); v.Present {
		t.Errorf("row 4 fee = %+v, want blank", v)
	}
	want := `column 1 ("Employer") (employer_name): 3 blank cells filled down from the row above (rows 3, 4, 6), as the value is written once above its block of rows`
	if !slices.Contains(sh.Notes, want) {
		t.Errorf("Notes = %q, want %q", sh.Notes, want)
	}
}

// TestNoFillDownWithoutBlocks: a supplier column whose first row is blank
// is not written in blocks.
func TestNoFillDownWithoutBlocks(t *testing.T) {
	csv := "Supplier,Name,Employee ID\n,Ana,E1\nAcme,Bo,E2\n,Cy,E3\n"
	g := readData(t, "r.csv", []byte(csv), defaultOptions())
	if v := g.field(t, 2, "supplier_name"); v.Present {
		t.Errorf("row 4 supplier = %+v, want blank", v)
	}
	for _, n := range onlySheet(t, g.in).Notes {
		if strings.Contains(n, "filled down") {
			t.Errorf("unexpected note %q", n)
		}
	}
}

// TestDateOrderDecidedBySheet: a column whose dates could be read either
// way takes the order another date column of the sheet settles.
func TestDateOrderDecidedBySheet(t *testing.T) {
	csv := "Name,Employee ID,Date of Birth,Arrival Date\n" +
		"Ana,E1,03/04/1990,25/03/2024\n" +
		"Bo,E2,05/06/1991,02/04/2024\n"
	g := readData(t, "r.csv", []byte(csv), defaultOptions())
	if len(g.issues) != 0 {
		t.Fatalf("issues = %v", g.issues)
	}
	dob := g.field(t, 0, "date_of_birth").Time
	if want := time.Date(1990, 4, 3, 0, 0, 0, 0, time.UTC); !dob.Equal(want) {
		t.Errorf("date of birth = %v, want %v (day-first, as the arrival column shows)", dob, want)
	}
	sh := onlySheet(t, g.in)
	want := `column 3 (date_of_birth): dates read day-first, as column 4 (arrival_date) settles for the sheet: "25/03/2024"`
	if !slices.Contains(sh.Notes, want) {
		t.Errorf("Notes = %q, want %q", sh.Notes, want)
	}
}

// TestDateOrderColumnsDisagree: when two columns settle opposite orders,
// neither is imposed on a third.
func TestDateOrderColumnsDisagree(t *testing.T) {
	csv := "Name,Employee ID,Date of Birth,Arrival Date,Start Date\n" +
		"Ana,E1,03/04/1990,25/03/2024,03/25/2024\n"
	g := readData(t, "r.csv", []byte(csv), defaultOptions())
	if v := g.field(t, 0, "date_of_birth"); v.Present {
		t.Errorf("date of birth = %v, want a data issue: the sheet does not settle one order", v.Time)
	}
}

// TestCategoryBand: a row of category headings over the header ("Passport"
// over "Number" and "Held by") is read with the headers under it.
func TestCategoryBand(t *testing.T) {
	csv := "Worker,,Passport,,Fees paid by worker,\n" +
		"ID,Name,Number,Held by,Recruitment,Visa\n" +
		"E1,Ana,P123456,HR,500,100\n" +
		"E2,Bo,P654321,Self,0,0\n"
	g := readData(t, "r.csv", []byte(csv), defaultOptions())
	sh := onlySheet(t, g.in)
	want := map[int]string{0: "worker_id", 1: "worker_name", 2: "passport_number", 3: "passport_held_by", 4: "recruitment_fee_paid_by_worker", 5: "visa_cost_paid_by_worker"}
	for i, name := range want {
		if f := sh.Columns[i].Field; f == nil || f.Name != name {
			t.Errorf("column %d (%q) = %v, want %s", i+1, sh.Columns[i].Header, f, name)
		}
	}
	if v := g.field(t, 0, "passport_held_by"); v.Str != "employer" {
		t.Errorf("passport_held_by = %+v, want employer", v)
	}
}

// TestHeaderByMeaning: headers the schema's aliases do not list are read
// by their words, with units converted and questions' polarity kept.
func TestHeaderByMeaning(t *testing.T) {
	csv := "Emp #,Worker's full name,OT hrs/month,Is overtime compulsory?,Daily wage (NPR)\n" +
		"E1,Ana,52,Yes,500\n" +
		"E2,Bo,0,No,450\n"
	g := readData(t, "r.csv", []byte(csv), defaultOptions())
	sh := onlySheet(t, g.in)
	want := []string{"worker_id", "worker_name", "overtime_hours_per_week", "overtime_voluntary", "base_wage_monthly"}
	for i, name := range want {
		if f := sh.Columns[i].Field; f == nil || f.Name != name {
			t.Fatalf("column %d (%q) = %v (%s), want %s", i+1, sh.Columns[i].Header, f, sh.Columns[i].Match.Reason, name)
		}
	}
	if m := sh.Columns[2].Match; m.Conversion == "" || m.Method != "unit conversion" {
		t.Errorf("OT column match = %+v, want a unit conversion", m)
	}
	if !sh.Columns[3].Hints.Invert {
		t.Errorf("the compulsory-overtime question is not inverted")
	}
	if c := sh.Columns[4].Hints.Currency; c != "NPR" {
		t.Errorf("wage currency = %q, want NPR", c)
	}
}
