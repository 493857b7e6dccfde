package report

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spilled returns a copy of r whose contracts and findings are kept in Rows
// (amending the given contracts), as a scan with Rows builds it.
func spilled(t *testing.T, r *Report, amend map[int]Amendment) *Report {
	t.Helper()
	rows, err := NewRows(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { rows.Close() })
	for i := range r.Contracts {
		require.NoError(t, rows.AddContract(&r.Contracts[i]))
	}
	for i := range r.Findings {
		require.NoError(t, rows.AddFinding(&r.Findings[i]))
	}
	for i, a := range amend {
		rows.Amend(i, a)
	}
	n := *r
	require.NoError(t, n.UseRows(rows))
	assert.Nil(t, n.Contracts)
	assert.Equal(t, len(r.Contracts), n.NumContracts())
	assert.Equal(t, len(r.Findings), n.NumFindings())
	return &n
}

// variedReport is bigReport(n) with remedies and waivers, and with long
// messages and row heights that vary from finding to finding: read back
// from Rows, a message is a view of a record buffer that the next record
// overwrites, so a writer must not keep it past its row. (Messages of the
// same length but different wrapped lengths follow one another.)
func variedReport(n int) *Report {
	r := withRemedies(bigReport(n))
	for i := range r.Findings {
		f := &r.Findings[i]
		switch i % 4 {
		case 0: // one word of 95 characters: two lines of 60
			f.Message = strings.Repeat("x", 95)
		case 1: // three words of 31, as long: three lines
			f.Message = strings.Repeat("y", 31) + " " + strings.Repeat("z", 31) + " " + strings.Repeat("y", 31)
		default:
			f.Message = strings.Repeat(fmt.Sprintf("finding %d of the worker's contract ", i), 1+i%7)
		}
		if i%5 == 0 {
			f.Remedy = strings.Repeat("see the agreed plan ", 1+i%11)
		}
	}
	return r
}

// Every writer gives the same bytes whether the contracts and findings are
// in memory or in Rows.
func TestRows_WritersMatchMemory(t *testing.T) {
	cases := map[string]*Report{
		"sample": sampleReport(t, true),
		"plain":  sampleReport(t, false),
		"empty":  {},
		"big":    bigReport(3000),
		"varied": variedReport(3000),
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			s := spilled(t, r, nil)
			for _, format := range Formats() {
				var want, got bytes.Buffer
				require.NoError(t, Write(&want, format, r), format)
				require.NoError(t, Write(&got, format, s), format)
				if format == FormatXLSX {
					// excelize's packages differ from run to run in their
					// zip details: compare what they hold.
					assert.Equal(t, dumpXLSX(t, want.Bytes()), dumpXLSX(t, got.Bytes()))
					assert.Equal(t, sheetDataByName(t, want.Bytes()), sheetDataByName(t, got.Bytes()))
					continue
				}
				assert.True(t, bytes.Equal(want.Bytes(), got.Bytes()), "%s differs", format)
			}
			for _, o := range []TextOptions{{}, {MaxFindings: 5}, {MaxFindings: -1, MaxContracts: -1, MaxSuppliers: -1}, {MaxContracts: 2, Color: true}} {
				var want, got bytes.Buffer
				require.NoError(t, WriteText(&want, r, o))
				require.NoError(t, WriteText(&got, s, o))
				assert.Equal(t, want.String(), got.String(), "text %+v", o)
			}
		})
	}
}

// Amendments change contracts as they are read back.
func TestRows_Amend(t *testing.T) {
	for _, run := range []int{sortRun, 2} {
		t.Run(fmt.Sprintf("sortRun=%d", run), func(t *testing.T) {
			defer func(old int) { sortRun = old }(sortRun)
			sortRun = run
			testRowsAmend(t)
		})
	}
}

func testRowsAmend(t *testing.T) {
	r := sampleReport(t, false)
	risk := "critical"
	want := *r
	want.Contracts = append([]Contract(nil), r.Contracts...)
	c := &want.Contracts[2]
	c.Status, c.Risk, c.Findings = StatusFlagged, &risk, c.Findings+1
	s := spilled(t, r, map[int]Amendment{2: {Status: StatusFlagged, Risk: &risk, Findings: c.Findings}})
	var a, b bytes.Buffer
	require.NoError(t, WriteJSON(&a, &want))
	require.NoError(t, WriteJSON(&b, s))
	assert.Equal(t, a.String(), b.String())
}

// Close removes the temporary files.
func TestRows_Close(t *testing.T) {
	dir := t.TempDir()
	rows, err := NewRows(dir)
	require.NoError(t, err)
	require.NoError(t, rows.AddContract(&Contract{File: "a.csv", Row: 2, Status: StatusClear}))
	r := &Report{}
	require.NoError(t, r.UseRows(rows))
	require.NoError(t, r.Close())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
	assert.Error(t, r.EachContract(func(*Contract) error { return nil }))
}
