package report

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// dumpXLSX renders a workbook as text for golden files: each sheet's name,
// its frozen pane and autofilter, then its rows as TSV (tab, newline and
// backslash escaped).
func dumpXLSX(tb testing.TB, data []byte) string {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	require.NoError(tb, err)
	defer f.Close()
	filters := map[string]string{}
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" {
			filters[d.Scope] = d.RefersTo
		}
	}
	esc := strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		fmt.Fprintf(&b, "== %s ==\n", sheet)
		panes, err := f.GetPanes(sheet)
		require.NoError(tb, err)
		if panes.Freeze {
			fmt.Fprintf(&b, "# frozen at %s\n", panes.TopLeftCell)
		}
		if ref, ok := filters[sheet]; ok {
			fmt.Fprintf(&b, "# autofilter %s\n", ref)
		}
		rows, err := f.GetRows(sheet)
		require.NoError(tb, err)
		for _, row := range rows {
			for i, c := range row {
				if i > 0 {
					b.WriteByte('\t')
				}
				b.WriteString(esc.Replace(c))
			}
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func writeXLSX(tb testing.TB, r *Report) []byte {
	tb.Helper()
	var buf bytes.Buffer
	require.NoError(tb, WriteXLSX(&buf, r))
	return buf.Bytes()
}

func TestWriteXLSX_Golden(t *testing.T) {
	golden(t, "report.xlsx.golden", []byte(dumpXLSX(t, writeXLSX(t, sampleReport(t, true)))))
}

func TestWriteXLSX_Empty(t *testing.T) {
	golden(t, "empty.xlsx.golden", []byte(dumpXLSX(t, writeXLSX(t, &Report{}))))
}

func TestWriteXLSX_Deterministic(t *testing.T) {
	a := dumpXLSX(t, writeXLSX(t, sampleReport(t, true)))
	b := dumpXLSX(t, writeXLSX(t, sampleReport(t, true)))
	assert.Equal(t, a, b)
}

// The package's parts come in one order whatever order they were built in,
// so that identical runs give identical files.
func TestWriteXLSX_PartOrder(t *testing.T) {
	names := func(b []byte) []string {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		require.NoError(t, err)
		var out []string
		for _, f := range zr.File {
			out = append(out, f.Name)
		}
		return out
	}
	first := names(writeXLSX(t, sampleReport(t, true)))
	require.Equal(t, "[Content_Types].xml", first[0])
	for range 5 {
		assert.Equal(t, first, names(writeXLSX(t, sampleReport(t, true))))
	}
}

// Text cells that a spreadsheet program could read as a formula are
// neutralised; numbers are numeric cells, negative ones included.
func TestWriteXLSX_CellTypes(t *testing.T) {
	r := sampleReport(t, true)
	r.Contracts[0].Findings = -3 // not a real count, but it must stay a number
	f, err := excelize.OpenReader(bytes.NewReader(writeXLSX(t, r)))
	require.NoError(t, err)
	defer f.Close()

	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		require.NoError(t, err)
		for ri, row := range rows {
			for ci, v := range row {
				cell, _ := excelize.CoordinatesToCellName(ci+1, ri+1)
				formula, err := f.GetCellFormula(sheet, cell)
				require.NoError(t, err)
				assert.Empty(t, formula, "%s!%s has a formula", sheet, cell)
				typ, err := f.GetCellType(sheet, cell)
				require.NoError(t, err)
				if v == "" || typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset {
					// A cell without a type is a number.
					continue
				}
				switch v[0] {
				case '=', '+', '-', '@', '\t', '\r', '\n':
					t.Errorf("%s!%s is text starting with %q: %q", sheet, cell, v[0], v)
				}
			}
		}
	}

	cases := []struct {
		sheet, cell string
		typ         excelize.CellType
		want        string
	}{
		{sheetFindings, "C2", excelize.CellTypeUnset, "3"},                         // row (no type: a number)
		{sheetFindings, "F5", excelize.CellTypeInlineString, "'" + hostileFormula}, // worker name
		{sheetFindings, "E7", excelize.CellTypeInlineString, "'\t=1"},              // worker ID
		{sheetContracts, "D6", excelize.CellTypeInlineString, "'+1"},               // contract ID
		{sheetContracts, "J3", excelize.CellTypeUnset, "-3"},                       // findings
		{sheetDataIssues, "F2", excelize.CellTypeInlineString, "'" + hostileLink},
		{sheetSummary, "B11", excelize.CellTypeUnset, "4"}, // contracts flagged (below the incomplete inputs)
	}
	for _, tc := range cases {
		typ, err := f.GetCellType(tc.sheet, tc.cell)
		require.NoError(t, err)
		v, err := f.GetCellValue(tc.sheet, tc.cell, excelize.Options{RawCellValue: true})
		require.NoError(t, err)
		assert.Equal(t, tc.typ, typ, "type of %s!%s", tc.sheet, tc.cell)
		assert.Equal(t, tc.want, v, "value of %s!%s", tc.sheet, tc.cell)
	}
}

func TestWriteXLSX_SummaryChartAndLayout(t *testing.T) {
	data := writeXLSX(t, sampleReport(t, true))
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	var chart string
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			rc, err := zf.Open()
			require.NoError(t, err)
			b, err := io.ReadAll(rc)
			require.NoError(t, err)
			rc.Close()
			chart = string(b)
		}
	}
	require.NotEmpty(t, chart, "no chart in the workbook")
	assert.Contains(t, chart, `<barDir val="bar">`)
	assert.Contains(t, chart, `<varyColors val="0">`)
	assert.Contains(t, chart, "Summary!$A$38:$A$41")
	assert.Contains(t, chart, "Findings by indicator")

	f, err := excelize.OpenReader(bytes.NewReader(data))
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, 0, f.GetActiveSheetIndex(), "Summary opens first")
	assert.Equal(t, []string{sheetSummary, sheetFindings, sheetContracts, sheetDataIssues, sheetRuleErrors, sheetRules, sheetRun}, f.GetSheetList())
	w, err := f.GetColWidth(sheetFindings, "K")
	require.NoError(t, err)
	assert.Equal(t, 60.0, w, "message column width")
	style, err := f.GetCellStyle(sheetFindings, "J2")
	require.NoError(t, err)
	fill, err := f.GetStyle(style)
	require.NoError(t, err)
	assert.Equal(t, []string{severityColours["critical"].Fill}, fill.Fill.Color, "critical fill")
	msg, err := f.GetCellStyle(sheetFindings, "K2")
	require.NoError(t, err)
	ms, err := f.GetStyle(msg)
	require.NoError(t, err)
	assert.True(t, ms.Alignment.WrapText, "message wraps")
}

// No findings means no chart (an empty range would make a broken chart).
func TestWriteXLSX_NoFindingsNoChart(t *testing.T) {
	data := writeXLSX(t, &Report{})
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	for _, zf := range zr.File {
		assert.False(t, strings.HasPrefix(zf.Name, "xl/charts/"), zf.Name)
	}
}

// findOffice returns LibreOffice's command, or "" when it is not installed.
func findOffice() string {
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// The workbook must open cleanly in LibreOffice: every sheet converts to CSV
// and the workbook to PDF, and the hostile cells come out as inert text.
func TestWriteXLSX_LibreOffice(t *testing.T) {
	office := findOffice()
	if office == "" {
		t.Skip("soffice/libreoffice not on PATH")
	}
	if testing.Short() {
		t.Skip("slow: starts LibreOffice")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "report.xlsx")
	require.NoError(t, os.WriteFile(in, writeXLSX(t, sampleReport(t, true)), 0o644))
	run := func(args ...string) {
		t.Helper()
		args = append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"),
			"--headless", "--norestore", "--nolockcheck"}, args...)
		cmd := exec.Command(office, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME="+dir)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s %s:\n%s", office, strings.Join(args, " "), out)
	}
	// Filter options: comma, double quote, UTF-8, from row 1, …; the last
	// field -1 exports every sheet to its own file.
	run("--convert-to", `csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1`, "--outdir", filepath.Join(dir, "csv"), in)
	run("--convert-to", "pdf", "--outdir", filepath.Join(dir, "pdf"), in)

	pdf, err := os.ReadFile(filepath.Join(dir, "pdf", "report.pdf"))
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")), "not a PDF")

	read := func(sheet string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, "csv", "report-"+sheet+".csv"))
		require.NoError(t, err, "sheet %q was not exported", sheet)
		return string(b)
	}
	for _, s := range []string{sheetSummary, sheetContracts, sheetDataIssues, sheetRuleErrors, sheetRules, sheetRun} {
		assert.NotEmpty(t, read(s), s)
	}
	// Table cells go without references: each must still be in its column,
	// after empty ones too (this contract's sheet, worker name and risk).
	contracts := read(sheetContracts)
	assert.Contains(t, contracts, "\nrosters/bright-fields.csv,,4,BF-19,W-19,,<script>alert(1)</script> Agro,insufficient_data,,0,Total Hours per Week,")
	findings := read(sheetFindings)
	assert.Equal(t, 1+8, strings.Count(findings, "\n"), "findings rows:\n%s", findings)
	assert.Contains(t, findings, `'=cmd|' /C calc'!A0`)
	assert.Contains(t, findings, `<script>alert(1)</script> Agro`)
	assert.NotContains(t, findings, "Err:", "LibreOffice evaluated a cell")
	assert.NotContains(t, findings, "#NAME?", "LibreOffice evaluated a cell")
	assert.Contains(t, read(sheetDataIssues), `'=HYPERLINK(`)
	summary := read(sheetSummary)
	assert.Contains(t, summary, "Flagged,4")
	assert.Contains(t, summary, "Total,8")
}

// Characters XML cannot hold (a roster exported from an old system may
// carry them) must not make an unreadable workbook.
func TestWriteXLSX_ControlCharacters(t *testing.T) {
	r := sampleReport(t, false)
	r.Findings[0].WorkerName = "Rina\x00\x01\x1f Sari\uFFFE"
	r.Contracts[0].Supplier = "Acme\x0b Ltd"
	f, err := excelize.OpenReader(bytes.NewReader(writeXLSX(t, r)))
	require.NoError(t, err)
	defer f.Close()
	v, err := f.GetCellValue(sheetFindings, "F2")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(v, "Rina"), "%q", v)
	assert.True(t, strings.HasSuffix(v, "Sari\uFFFD") || strings.HasSuffix(v, "Sari"), "%q", v)
}

// A table with more rows than a sheet holds goes on in further sheets, each
// with its header row, and no row is lost or repeated.
func TestWriteXLSX_TableOverSeveralSheets(t *testing.T) {
	defer func(n int) { maxSheetRows = n }(maxSheetRows)
	maxSheetRows = 2
	r := sampleReport(t, true)
	f, err := excelize.OpenReader(bytes.NewReader(writeXLSX(t, r)))
	require.NoError(t, err)
	defer f.Close()
	var ids []string
	parts := 0
	for _, name := range f.GetSheetList() {
		if name != sheetContracts && !strings.HasPrefix(name, sheetContracts+" (") {
			continue
		}
		parts++
		rows, err := f.GetRows(name)
		require.NoError(t, err)
		require.NotEmpty(t, rows)
		assert.Equal(t, "File", rows[0][0], "sheet %s starts with the header row", name)
		assert.LessOrEqual(t, len(rows)-1, 2)
		for _, row := range rows[1:] {
			ids = append(ids, strings.TrimPrefix(row[3], "'")) // formula-like text is quoted
		}
	}
	var want []string
	for _, c := range ordered(r).Contracts {
		want = append(want, c.ContractID)
	}
	assert.Equal(t, (len(want)+1)/2, parts)
	assert.Equal(t, want, ids)
}
