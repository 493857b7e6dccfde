package source

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/rostergen"
)

// hintsRoster writes an xlsx roster of n rows whose columns read the same
// texts under hints that depend on the file: the salary's currency (the
// header's), the start date's order (settled by the file's other dates),
// the workbook's date system (a stored serial), and an overtime question
// asked one way or the other. Its worker ids are distinct, or a few
// repeated when fewIDs is set.
func hintsRoster(t testing.TB, dir, name string, n int, currency string, monthFirst, date1904, invert, fewIDs bool) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if date1904 {
		on := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &on}); err != nil {
			t.Fatal(err)
		}
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	overtime := "Is overtime voluntary?"
	if invert {
		overtime = "Is overtime compulsory?"
	}
	header := []any{"Worker ID", "Nationality", "Basic Salary (" + currency + ")", "Start Date", "Date of Birth", overtime, "Passport Held By"}
	if err := f.SetSheetRow("Sheet1", "A1", &header); err != nil {
		t.Fatal(err)
	}
	settle := "25/04/2021" // a day over 12 settles the order
	if monthFirst {
		settle = "04/25/2021"
	}
	nats := []string{"Nepal", "Bangladesh", "Atlantis", "N/A", "Myanmar"}
	wages := []any{"1,500", "1.500,50", 1500, "RM 1,200", "USD 900", "lots"}
	starts := []string{"03/04/2021", "05/06/2020", settle, "11/12/2019", "not known"}
	answers := []string{"Yes", "No", "Y", "compulsory", "maybe"}
	held := []string{"worker", "Employer", "desk", "agent"}
	for i := range n {
		id := fmt.Sprintf("W%06d", i)
		if fewIDs {
			id = fmt.Sprintf("W%d", i%3)
		}
		row := []any{id, nats[i%len(nats)], wages[i%len(wages)], starts[i%len(starts)],
			30000 + i%7, answers[(i/2)%len(answers)], held[i%len(held)]}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
		dob, _ := excelize.CoordinatesToCellName(5, i+2)
		if err := f.SetCellStyle("Sheet1", dob, dob, dateStyle); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, name)
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// memosFile is one file of a batch and the options it is read with.
type memosFile struct {
	path string
	opts Options
}

// memosBatch writes files whose fields repeat texts from file to file under
// different hints and value maps: generated rosters in parts (xlsx and
// csv), memoRoster, and hintsRoster both ways.
func memosBatch(t *testing.T, rows int) []memosFile {
	t.Helper()
	dir := t.TempDir()
	schema := contract.DefaultSchema()
	plain := Options{Schema: schema}
	var files []memosFile
	for k, format := range []string{"xlsx", "xlsx", "csv"} {
		p := filepath.Join(dir, fmt.Sprintf("part-%d.%s", k, format))
		if err := rostergen.WriteFile(p, rostergen.Options{Rows: rows, First: k * rows, RiskyShare: 0.3}); err != nil {
			t.Fatal(err)
		}
		files = append(files, memosFile{p, plain})
	}
	mapped := Options{Schema: schema, ValueMap: map[string]map[string]string{
		"passport_held_by":   {"block c desk": "employer", "Site Office": "supervisor"},
		"overtime_voluntary": {"forced": "no"},
		"nationality":        {"Atlantis": "Nepal"},
	}}
	files = append(files, memosFile{memoRoster(t, rows), mapped})
	dayFirst := mapped
	dayFirst.ValueMap = map[string]map[string]string{
		"nationality":      {"Atlantis": "India"},
		"passport_held_by": {"desk": "employer"},
	}
	files = append(files,
		memosFile{hintsRoster(t, dir, "myr.xlsx", rows, "MYR", false, false, true, false), dayFirst},
		memosFile{hintsRoster(t, dir, "usd.xlsx", rows, "USD", true, true, false, false), plain},
		memosFile{hintsRoster(t, dir, "ids.xlsx", rows, "MYR", true, false, false, true), mapped},
	)
	return files
}

// TestMemosBatch reads a batch of files two at a time, each filled on
// three goroutines, through one run-wide Memos, twice over (the second
// time every field has decided), and wants every value and data issue as
// without the memo.
func TestMemosBatch(t *testing.T) {
	defer func(n int32) { memoProbe = n }(memoProbe)
	memoProbe = 64
	files := memosBatch(t, 4*int(memoProbe))
	want := make([][]filled, len(files))
	for k, f := range files {
		want[k] = fillAll(t, f.path, f.opts, false, 1)
	}
	// The hints files read the same texts apart: the test covers entries
	// of one field under several hints.
	schema := files[0].opts.Schema
	myr, usd := want[len(files)-3], want[len(files)-2]
	// (Dates of birth are stored serials, shown apart; Atlantis is
	// rewritten in one file.)
	for name, row := range map[string]int{"start_date": 0, "date_of_birth": 0, "overtime_voluntary": 0, "base_wage_monthly": 0, "nationality": 2} {
		i := schema.Field(name).Index
		a, b := myr[row].values[i], usd[row].values[i]
		if a.Raw != b.Raw && name != "date_of_birth" || a.Time == b.Time && a.Str == b.Str && a.Bool == b.Bool && a.Currency == b.Currency {
			t.Errorf("%s: %+v and %+v, want the same text read apart", name, a, b)
		}
	}
	memos := NewMemos(schema)
	for round := range 2 {
		got := make([][]filled, len(files))
		var wg sync.WaitGroup
		sem := make(chan struct{}, 2)
		for k, f := range files {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				opts := f.opts
				opts.Memos = memos
				got[k] = fillRows(t, f.path, opts, 3)
			}()
		}
		wg.Wait()
		for k, f := range files {
			sameFills(t, fmt.Sprintf("round %d, %s", round, filepath.Base(f.path)), want[k], got[k])
		}
	}
	for _, name := range []string{"nationality", "passport_held_by", "overtime_voluntary"} {
		if m := memos.field(schema, schema.Field(name)); m.state.Load() != memoOn {
			t.Errorf("%s: memo state %d, want on", name, m.state.Load())
		}
	}
	if m := memos.field(schema, schema.Field("worker_name")); m.state.Load() != memoOff {
		t.Errorf("worker_name: memo state %d, want off", m.state.Load())
	}
}

// TestMemosDecided checks that a field's memo is decided once for the run:
// the second file's columns start with the first file's readings and
// decision, without probing again, and a field the first file's distinct
// texts turned off stays off in a file whose column repeats its texts
// (which still reads as without the memo).
func TestMemosDecided(t *testing.T) {
	defer func(n int32) { memoProbe = n }(memoProbe)
	memoProbe = 64
	dir := t.TempDir()
	first := hintsRoster(t, dir, "first.xlsx", 4*int(memoProbe), "MYR", false, false, true, false)
	second := hintsRoster(t, dir, "second.xlsx", 4*int(memoProbe), "USD", true, true, false, true)
	schema := contract.DefaultSchema()
	opts := Options{Schema: schema, Memos: NewMemos(schema)}
	fillAll(t, first, opts, true, 2)

	nat, id := opts.Memos.field(schema, schema.Field("nationality")), opts.Memos.field(schema, schema.Field("worker_id"))
	if nat.state.Load() != memoOn || id.state.Load() != memoOff {
		t.Fatalf("after the first file: nationality memo %d, worker_id memo %d; want on and off", nat.state.Load(), id.state.Load())
	}
	lookups := nat.lookups.Load()
	got := fillAll(t, second, opts, true, 2)
	if nat.lookups.Load() != lookups {
		t.Errorf("nationality was probed again: %d lookups, %d after the first file", nat.lookups.Load(), lookups)
	}
	if id.state.Load() != memoOff || id.table.Load() != nil {
		t.Errorf("worker_id memo turned back on (state %d)", id.state.Load())
	}
	if opts.Memos.field(schema, schema.Field("nationality")) != nat {
		t.Error("a field's memo was made again")
	}
	sameFills(t, "second.xlsx", fillAll(t, second, Options{Schema: schema}, false, 1), got)

	// Memos made for another schema are not used: each column has its own.
	other := contract.DefaultSchema()
	if m := opts.Memos.field(other, other.Field("nationality")); m != nil {
		t.Error("Memos of one schema used for another's field")
	}
}

// TestFillDirty checks that Fill sets every value of the contract it is
// given: rows of files with different columns, filled into contracts that
// held other rows' values (and values no row sets), read as into blank
// ones, as a contract recycled by contract.Pool.GetFill is.
func TestFillDirty(t *testing.T) {
	files := memosBatch(t, 50)
	schema := files[0].opts.Schema
	var rows []*Row
	for _, f := range files {
		if _, err := ReadRows(context.Background(), f.path, f.opts, func(r *Row) error {
			rows = append(rows, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	dirty := &contract.Contract{Values: make([]contract.Value, schema.Len())}
	for k, r := range rows {
		blank := &contract.Contract{Values: make([]contract.Value, schema.Len())}
		want := r.Fill(blank)
		if k%3 == 0 {
			for i := range dirty.Values {
				dirty.Values[i] = contract.Value{Raw: "left over", Str: "x", Int: 7, Num: 1.5, Present: true, Bool: true, Derived: true, Basis: contract.BasisMonthlyWage}
			}
		}
		got := r.Fill(dirty)
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(dirty.Values, blank.Values) || dirty.Columns != blank.Columns || dirty.Row != blank.Row {
			t.Fatalf("row %d of %s: filled into a used contract %+v\nwant %+v", r.num, r.plan.path, dirty.Values, blank.Values)
		}
	}
	if len(rows) < 6*50 {
		t.Fatalf("%d rows read", len(rows))
	}
}
