package report

import (
	"archive/zip"
	"bytes"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// The table rows WriteXLSX streams must be byte for byte what excelize's
// StreamWriter writes for the same cells, but for the cells' references and
// the form of empty cells: excelize renders a reference sheet from each
// table's rows, and the sheetData elements are compared, each cell that
// refers to a shared string written back inline with the text of its
// entry, and both sides written as WriteXLSX writes cells (see
// briefCells): without references, which must run from column A without a
// gap, and empty cells as empty elements.
func TestWriteXLSX_StreamedRowsMatchExcelize(t *testing.T) {
	tricky := sampleReport(t, true)
	f0 := &tricky.Findings[0]
	f0.WorkerName = " leading space"
	f0.Message = "tab\there, CR\r, LF\nline, quote \" and ' & <tag>, bad \xff byte, \x01 control, _x000D_ and _x005F_x0041_ escapes, \uFFFE"
	f0.ContractID = "trailing\n"
	tricky.Findings[1].Message = strings.Repeat("a long message that wraps ", 40)
	tricky.Findings[2].Message = strings.Repeat("é", 33000) // over the cell limit
	tricky.Contracts[0].WorkerName = "=1+1"
	// Texts of shared columns that the shared-string table holds.
	trickyRemedy := "=cmd| tab\t, LF\n, <&'\">, \x01, bad \xff, _x000D_, _x005F_x0041_ " + strings.Repeat("ü", 33000)
	tricky.Rules[0].Remedy, f0.Remedy = trickyRemedy, trickyRemedy
	tricky.Rules[0].References = []string{"@SUM(A1)", " ref with spaces "}
	f0.References = tricky.Rules[0].References
	for name, r := range map[string]*Report{"sample": sampleReport(t, true), "tricky": tricky, "empty": {}} {
		t.Run(name, func(t *testing.T) {
			data := writeXLSX(t, r)
			got := sheetDataByName(t, data)
			want := referenceSheetData(t, r)
			require.NotEmpty(t, want)
			if name != "empty" {
				require.Contains(t, got[sheetFindings], `t="s"`, "no shared strings")
			}
			entries := sharedEntries(t, data)
			for sheet, w := range want {
				assert.NotContains(t, got[sheet], `<row r="2"><c r=`, "sheet %s: cell references in streamed rows", sheet)
				assert.Equal(t, briefCells(t, w), briefCells(t, inlineShared(t, got[sheet], entries)), "sheet %s", sheet)
			}
		})
	}
}

var (
	rowExp     = regexp.MustCompile(`(?s)<row r="(\d+)"[^>]*>(.*?)</row>`)
	cellRefExp = regexp.MustCompile(`<c r="([A-Z]+)(\d+)"`)
	emptyExp   = regexp.MustCompile(`<c( [^>]*)?></c>`)
)

// briefCells writes the cells of sheetData without their references, after
// checking that each row's references name the row and run from column A
// without a gap (so that a cell without one is in the same place), and
// its empty cells as empty elements. Text never holds "<", so the
// patterns see only markup.
func briefCells(t *testing.T, sheetData string) string {
	t.Helper()
	sheetData = rowExp.ReplaceAllStringFunc(sheetData, func(row string) string {
		m := rowExp.FindStringSubmatch(row)
		col := 0
		return cellRefExp.ReplaceAllStringFunc(row, func(ref string) string {
			c := cellRefExp.FindStringSubmatch(ref)
			col++
			want, err := excelize.ColumnNumberToName(col)
			require.NoError(t, err)
			require.Equal(t, want+m[1], c[1]+c[2], "cell %d of row %s", col, m[1])
			return `<c`
		})
	})
	return emptyExp.ReplaceAllString(sheetData, `<c$1/>`)
}

// sharedEntries returns the inner XML of each entry of a workbook's
// shared-string table.
func sharedEntries(t *testing.T, data []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	f, err := zr.Open(sharedStringsPart)
	if err != nil {
		return nil
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	var out []string
	for _, m := range siExp.FindAllStringSubmatch(string(b), -1) {
		out = append(out, m[1])
	}
	return out
}

var (
	siExp     = regexp.MustCompile(`(?s)<si>(.*?)</si>`)
	sharedExp = regexp.MustCompile(` t="s"><v>(\d+)</v></c>`)
)

// inlineShared writes the cells of sheetData that refer to shared strings
// as inline strings holding their entries' text.
func inlineShared(t *testing.T, sheetData string, entries []string) string {
	t.Helper()
	return sharedExp.ReplaceAllStringFunc(sheetData, func(m string) string {
		i, err := strconv.Atoi(sharedExp.FindStringSubmatch(m)[1])
		require.NoError(t, err)
		require.Less(t, i, len(entries), "shared string %d", i)
		return ` t="inlineStr"><is>` + entries[i] + `</is></c>`
	})
}

// referenceSheetData renders each table of r through excelize's
// StreamWriter, as WriteXLSX did before it streamed rows itself, and
// returns each sheet's sheetData element.
func referenceSheetData(t *testing.T, r *Report) map[string]string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	x := &xlsxWriter{f: f, r: r, tables: map[string]*table{}}
	require.NoError(t, x.newStyles())
	for _, step := range []func() error{x.summary, x.findings, x.contracts, x.dataIssues, x.ruleErrors, x.rules} {
		require.NoError(t, step())
	}
	refs := map[string]string{} // reference sheet → table sheet
	for name, tb := range x.tables {
		ref := "ref " + name
		refs[ref] = name
		_, err := f.NewSheet(ref)
		require.NoError(t, err)
		sw, err := f.NewStreamWriter(ref)
		require.NoError(t, err)
		header := make([]any, len(tb.cols))
		for i, c := range tb.cols {
			header[i] = excelize.Cell{StyleID: x.st.header, Value: c.header}
		}
		require.NoError(t, sw.SetRow("A1", header, excelize.RowOpts{Height: 20}))
		next := 1
		require.NoError(t, tb.emit(func(cells []xcell) error {
			next++
			lines := 1
			row := make([]any, len(cells))
			for i, c := range cells {
				var v any = c.s
				if c.kind == xNum {
					v = c.n
				}
				if c.style != 0 {
					v = styled{v, c.style}
				}
				cell := referenceCell(x, v, tb.cols[i].wrap)
				if s, ok := cell.Value.(string); ok && tb.cols[i].wrap {
					lines = max(lines, wrappedLines(s, tb.cols[i].width))
				}
				row[i] = cell
			}
			name, err := excelize.CoordinatesToCellName(1, next)
			if err != nil {
				return err
			}
			if lines > 1 {
				return sw.SetRow(name, row, excelize.RowOpts{Height: min(rowHeight*float64(lines), excelize.MaxRowHeight)})
			}
			return sw.SetRow(name, row)
		}))
		require.NoError(t, sw.Flush())
	}
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))
	out := map[string]string{}
	for ref, data := range sheetDataByName(t, buf.Bytes()) {
		if name, ok := refs[ref]; ok {
			out[name] = data
		}
	}
	return out
}

// referenceCell is how WriteXLSX turned a value into a StreamWriter cell.
func referenceCell(x *xlsxWriter, v any, wrap bool) excelize.Cell {
	style := x.st.cell
	if wrap {
		style = x.st.wrap
	}
	if s, ok := v.(styled); ok {
		v, style = s.v, s.style
	}
	switch t := v.(type) {
	case string:
		if t == "" {
			return excelize.Cell{StyleID: style}
		}
		return excelize.Cell{StyleID: style, Value: safeText(t)}
	case int:
		if style == x.st.cell {
			style = x.st.num
		}
		return excelize.Cell{StyleID: style, Value: t}
	}
	return excelize.Cell{StyleID: style}
}

// sheetDataByName returns the sheetData element of each sheet of a
// workbook.
func sheetDataByName(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	parts, err := sheetParts(zr)
	require.NoError(t, err)
	out := map[string]string{}
	for name, part := range parts {
		f, err := zr.Open(part)
		require.NoError(t, err)
		b, err := io.ReadAll(f)
		require.NoError(t, err)
		f.Close()
		s := string(b)
		i, j := strings.Index(s, "<sheetData"), strings.LastIndex(s, "</sheetData>")
		require.True(t, i >= 0 && j > i, "sheet %s has no sheetData", name)
		out[name] = s[i:j]
	}
	return out
}

// Excelize reads back each streamed cell, written without its reference,
// at the address it belongs at: every cell of every table row, the cells
// after empty ones included, has the value and style its table gave it.
func TestWriteXLSX_CellsReadBackInPlace(t *testing.T) {
	r := sampleReport(t, true)
	r.Contracts[1].Sheet, r.Contracts[1].WorkerName = "", "" // blanks amid a row
	r.Findings[0].WorkerID = ""
	f, err := excelize.OpenReader(bytes.NewReader(writeXLSX(t, r)))
	require.NoError(t, err)
	defer f.Close()

	ref := excelize.NewFile()
	defer ref.Close()
	x := &xlsxWriter{f: ref, r: r, tables: map[string]*table{}}
	require.NoError(t, x.newStyles())
	for _, step := range []func() error{x.summary, x.findings, x.contracts, x.dataIssues, x.ruleErrors, x.rules} {
		require.NoError(t, step())
	}
	blanksBefore := 0 // cells read after an empty cell of their row
	for sheet, tb := range x.tables {
		row := 1
		require.NoError(t, tb.emit(func(cells []xcell) error {
			row++
			blank := false
			for i, c := range cells {
				addr, err := excelize.CoordinatesToCellName(i+1, row)
				require.NoError(t, err)
				want, style := safeText(c.s), x.st.cell
				if tb.cols[i].wrap {
					style = x.st.wrap
				}
				if c.kind == xNum {
					want = strconv.Itoa(c.n)
					if style == x.st.cell {
						style = x.st.num
					}
				}
				if c.style != 0 {
					style = c.style
				}
				got, err := f.GetCellValue(sheet, addr, excelize.Options{RawCellValue: true})
				require.NoError(t, err)
				assert.Equal(t, want, got, "%s!%s", sheet, addr)
				gotStyle, err := f.GetCellStyle(sheet, addr)
				require.NoError(t, err)
				assert.Equal(t, style, gotStyle, "style of %s!%s", sheet, addr)
				if blank && want != "" {
					blanksBefore++
				}
				blank = blank || want == ""
			}
			// Nothing beyond the table's last column.
			addr, err := excelize.CoordinatesToCellName(len(cells)+1, row)
			require.NoError(t, err)
			got, err := f.GetCellValue(sheet, addr)
			require.NoError(t, err)
			assert.Empty(t, got, "%s!%s", sheet, addr)
			return nil
		}))
		rows, err := f.GetRows(sheet)
		require.NoError(t, err)
		assert.Len(t, rows, row, "rows of %s", sheet)
	}
	assert.Greater(t, blanksBefore, 10, "cells after empty ones")
}
