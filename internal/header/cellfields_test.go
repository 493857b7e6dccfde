package header

import (
	"fmt"
	"sync"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// TestHeaderFieldsCached checks that the matcher's memory of cell texts
// changes no count: rows of headers and of data, counted on several
// goroutines and twice over, count as a matcher without one counts them,
// and the memory stops growing at its bound.
func TestHeaderFieldsCached(t *testing.T) {
	schema := contract.DefaultSchema()
	m, err := NewMatcher(schema, nil, map[string]string{"Kampung": "nationality"})
	if err != nil {
		t.Fatal(err)
	}
	plain := *m
	plain.cells = nil
	rows := [][]string{
		{"Worker ID", "Name", "Nationality", "Date of Birth", "Basic Salary (MYR)", "Passport Held By", "Is overtime compulsory?"},
		{"W000001", "Worker 1", "Nepal", "1982-02-18", "1500", "employer", "Yes"},
		{"Emp No", "Kampung", "Passport", "Held by", "", "Total"},
		{"Contract ID", "Contract ID", "contract id", "Salary", "Salary (USD)", "Recruitment Fee"},
		{"Nepal", "Nationality", "  Nationality ", "Start Date", "Hire Date", "notes"},
	}
	want := make([]int, len(rows))
	for i, r := range rows {
		want[i] = plain.HeaderFields(r)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 2 {
				for i, r := range rows {
					if got := m.HeaderFields(r); got != want[i] {
						t.Errorf("row %d: %d fields with the memory, %d without", i, got, want[i])
					}
				}
			}
		})
	}
	wg.Wait()
	if m.cells.n.Load() == 0 {
		t.Error("no cell text was kept")
	}
	for i := range maxCellFields + 10 {
		m.cellField(fmt.Sprintf("text %d", i))
	}
	if n := m.cells.n.Load(); n > maxCellFields {
		t.Errorf("%d texts kept, want at most %d", n, maxCellFields)
	}
}
