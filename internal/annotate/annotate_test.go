package annotate

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/laborcheck/laborcheck/internal/report"
)

func TestOutputNames(t *testing.T) {
	paths := []string{
		"rosters/north/roster.xlsx",
		"rosters/south/roster.xlsx",
		"rosters/north/roster.csv",
		"crew.tsv",
		"a/x/r.xlsm",
		"b/x/r.xlsm",
		"Book.XLSX",
		"book.xlsx",
	}
	got := OutputNames(paths)
	want := map[string]string{
		"rosters/north/roster.xlsx": "north_roster.annotated.xlsx",
		"rosters/south/roster.xlsx": "south_roster.annotated.xlsx",
		"rosters/north/roster.csv":  "roster.csv.annotated.xlsx",
		"crew.tsv":                  "crew.tsv.annotated.xlsx",
		"a/x/r.xlsm":                "a_x_r.annotated.xlsm",
		"b/x/r.xlsm":                "b_x_r.annotated.xlsm",
		"Book.XLSX":                 "Book.annotated.xlsx",
		"book.xlsx":                 "book.annotated-2.xlsx",
	}
	seen := map[string]string{}
	for _, p := range paths {
		n := got[p]
		if n == "" {
			t.Errorf("%s: no name", p)
		}
		if q, ok := seen[lower(n)]; ok {
			t.Errorf("%s and %s both get %s", p, q, n)
		}
		seen[lower(n)] = p
	}
	for _, p := range paths {
		if got[p] != want[p] {
			t.Errorf("%s: %s, want %s", p, got[p], want[p])
		}
	}
	// The same paths in another order give the same names.
	again := OutputNames([]string{paths[7], paths[3], paths[1], paths[0], paths[2], paths[6], paths[5], paths[4]})
	for _, p := range paths {
		if again[p] != got[p] {
			t.Errorf("%s: %s, then %s", p, got[p], again[p])
		}
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func TestEvidenceColumn(t *testing.T) {
	ev := map[string]report.Evidence{
		"base_wage_monthly":              {Value: 100.0, Column: "W"},
		"recruitment_fee_paid_by_worker": {Value: 1200.0, Column: "M"},
		"recruitment_fee_months_of_wage": {Value: 12.0, Derived: true},
		"visa_cost_paid_by_worker":       {Value: nil, Column: "B"},
	}
	if got := evidenceColumn(ev); got != "M" {
		t.Errorf("got %q, want M (the leftmost cell holding a value)", got)
	}
	if got := evidenceColumn(map[string]report.Evidence{"age": {Value: 16.0, Derived: true}}); got != "" {
		t.Errorf("derived only: got %q", got)
	}
	if got := columnNumber("AB"); got != 28 {
		t.Errorf("AB = %d", got)
	}
	if got := columnNumber("12"); got != 12 {
		t.Errorf("12 = %d", got)
	}
}

func TestRemedyOf(t *testing.T) {
	type withRemedy struct{ Remedy string }
	if got := remedyOf(&withRemedy{Remedy: " return passports "}); got != "return passports" {
		t.Errorf("got %q", got)
	}
	if got := remedyOf((*report.Rule)(nil)); got != "" {
		t.Errorf("nil rule: %q", got)
	}
	if got := remedyOf(&report.Finding{}); got != "" {
		t.Errorf("finding without remedy: %q", got)
	}
}

func TestNoteText(t *testing.T) {
	got := noteText([]note{{rule: "fee-paid", title: "Worker paid a recruitment fee", severity: "high", message: "fee of 1200 USD", remedy: "reimburse the fee"}})
	want := "Worker paid a recruitment fee [fee-paid, high]\nfee of 1200 USD\nRemedy: reimburse the fee"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// TestWriteTooLarge checks that an input of more contracts than MaxRows
// gets no copy, and says why.
func TestWriteTooLarge(t *testing.T) {
	rep := &report.Report{Inputs: []report.Input{{Path: "big.csv", Format: "csv", Sheets: []report.Sheet{{Rows: 11, HeaderRow: 1}}}}}
	res, err := Write(context.Background(), rep, Options{Dir: t.TempDir(), MaxRows: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || !errors.Is(res[0].Err, ErrNotCopied) || res[0].Output != "" || !strings.Contains(res[0].Err.Error(), "11 contracts") {
		t.Errorf("got %+v", res)
	}
}

// TestWriteSheetFailed checks a sheet that could not be read to the end:
// its rows without a contract are marked unreadable, its contracts as the
// report has them.
func TestWriteSheetFailed(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "r.xlsx")
	f := excelize.NewFile()
	for i, row := range [][]any{{"Contract No.", "Passport Held By"}, {"C-1", "Worker"}, {"C-2", "Employer"}, {"C-3", "??"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(in); err != nil {
		t.Fatal(err)
	}
	f.Close()
	why := "the sheet could not be read to the end"
	risk := "critical"
	rep := &report.Report{
		Inputs: []report.Input{{Path: in, Format: "xlsx", Sheets: []report.Sheet{{Name: "Sheet1", HeaderRow: 1, Rows: 2, Error: &why,
			Mapped: []report.Column{{Column: "A", Header: "Contract No.", Field: "contract_id"}, {Column: "B", Header: "Passport Held By", Field: "passport_held_by"}}}}}},
		Contracts: []report.Contract{
			{File: in, Sheet: "Sheet1", Row: 2, ContractID: "C-1", Status: report.StatusClear},
			{File: in, Sheet: "Sheet1", Row: 3, ContractID: "C-2", Status: report.StatusFlagged, Risk: &risk, Findings: 1},
		},
		Findings: []report.Finding{{RuleID: "passport-held", Title: "Passport held by employer", Severity: "critical", Message: "Passport held by the employer",
			File: in, Sheet: "Sheet1", Row: 3, Evidence: map[string]report.Evidence{"passport_held_by": {Value: "employer", Raw: "Employer", Column: "B"}}}},
		Rules: []report.Rule{{ID: "passport-held"}},
	}
	res, err := Write(context.Background(), rep, Options{Dir: filepath.Join(dir, "out")})
	if err != nil || len(res) != 1 || res[0].Err != nil {
		t.Fatalf("%+v %v", res, err)
	}
	c, err := excelize.OpenFile(res[0].Output)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for cell, want := range map[string]string{"C1": StatusHeader, "C2": "clear", "C3": "flagged (critical): passport-held", "C4": "unreadable"} {
		if got, _ := c.GetCellValue("Sheet1", cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
	cs, _ := c.GetComments("Sheet1")
	if len(cs) != 1 || cs[0].Cell != "B3" {
		t.Fatalf("notes %+v", cs)
	}
	var text string
	for _, r := range cs[0].Paragraph {
		text += r.Text
	}
	if !strings.Contains(text, "Passport held by employer [passport-held, critical]\nPassport held by the employer") {
		t.Errorf("note %q", text)
	}
	legend, err := c.GetRows("laborcheck")
	if err != nil {
		t.Fatal(err)
	}
	var all string
	for _, r := range legend {
		all += strings.Join(r, " ") + "\n"
	}
	if !strings.Contains(all, why) || !strings.Contains(all, "critical") {
		t.Errorf("legend:\n%s", all)
	}
}
