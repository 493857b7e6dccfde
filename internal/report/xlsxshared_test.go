package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// zipPart returns a part of a workbook.
func zipPart(t *testing.T, data []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	f, err := zr.Open(name)
	require.NoError(t, err)
	defer f.Close()
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	return string(b)
}

// writeXLSXInline writes r with every table text inline, as WriteXLSX did
// before it wrote shared strings.
func writeXLSXInline(t *testing.T, r *Report) []byte {
	t.Helper()
	defer func() { shareTexts = true }()
	shareTexts = false
	return writeXLSX(t, r)
}

// repeatedReport is the sample report with each finding of passport-held
// repeated for many contracts, as in a large review, and texts that must
// stay text in its shared columns.
func repeatedReport(t *testing.T) *Report {
	r := sampleReport(t, true)
	ru := &r.Rules[0]
	require.Equal(t, "passport-held", ru.ID)
	ru.References = append(ru.References, "=HYPERLINK(\"http://attacker.example/\") \x01 _x000D_ & <b>")
	ru.Remedy = "-" + ru.Remedy + "\twith a tab "
	var more []Finding
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.RuleID != ru.ID {
			continue
		}
		f.References, f.Remedy = ru.References, ru.Remedy
		for k := range 40 {
			g := *f
			g.ContractID = fmt.Sprintf("C-9%03d", k)
			more = append(more, g)
		}
	}
	r.Findings = append(r.Findings, more...)
	r.Summary.Findings = len(r.Findings)
	return r
}

// A rule's references, written with each of its findings, are written once,
// in the shared-string table; the workbook shows what it showed with every
// text inline: the same values, styles and row heights.
func TestWriteXLSX_SharedStrings(t *testing.T) {
	r := repeatedReport(t)
	shared, inline := writeXLSX(t, r), writeXLSXInline(t, r)
	assert.Less(t, len(shared), len(inline))

	refs := "ILO indicator 7; RBA Code A1; FAR 52.222-50; =HYPERLINK("
	sst := zipPart(t, shared, sharedStringsPart)
	assert.Equal(t, 1, strings.Count(sst, refs), "references in the shared strings")
	sheets, err := zip.NewReader(bytes.NewReader(shared), int64(len(shared)))
	require.NoError(t, err)
	parts, err := sheetParts(sheets)
	require.NoError(t, err)
	findings := zipPart(t, shared, parts[sheetFindings])
	assert.NotContains(t, findings, refs, "references inline in the Findings sheet")
	assert.Equal(t, 1, strings.Count(sst, `<t>Acme Garments Ltd</t>`), "a supplier has one entry")
	assert.NotContains(t, zipPart(t, inline, sharedStringsPart), refs)

	assert.Equal(t, dumpXLSX(t, inline), dumpXLSX(t, shared))

	a, err := excelize.OpenReader(bytes.NewReader(shared))
	require.NoError(t, err)
	defer a.Close()
	b, err := excelize.OpenReader(bytes.NewReader(inline))
	require.NoError(t, err)
	defer b.Close()
	sharedCells := 0
	for _, sheet := range a.GetSheetList() {
		rows, err := b.GetRows(sheet, excelize.Options{RawCellValue: true})
		require.NoError(t, err)
		for ri, row := range rows {
			h, err := b.GetRowHeight(sheet, ri+1)
			require.NoError(t, err)
			ha, err := a.GetRowHeight(sheet, ri+1)
			require.NoError(t, err)
			assert.Equal(t, h, ha, "height of %s row %d", sheet, ri+1)
			for ci, v := range row {
				cell, _ := excelize.CoordinatesToCellName(ci+1, ri+1)
				va, err := a.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
				require.NoError(t, err)
				assert.Equal(t, v, va, "%s!%s", sheet, cell)
				sa, err := a.GetCellStyle(sheet, cell)
				require.NoError(t, err)
				sb, err := b.GetCellStyle(sheet, cell)
				require.NoError(t, err)
				assert.Equal(t, sb, sa, "style of %s!%s", sheet, cell)
				typ, err := a.GetCellType(sheet, cell)
				require.NoError(t, err)
				if typ == excelize.CellTypeSharedString && (sheet == sheetFindings || sheet == sheetContracts) {
					sharedCells++
				}
				formula, err := a.GetCellFormula(sheet, cell)
				require.NoError(t, err)
				assert.Empty(t, formula, "%s!%s has a formula", sheet, cell)
			}
		}
	}
	assert.Greater(t, sharedCells, 100)
	v, err := a.GetCellValue(sheetFindings, "M2", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	assert.Equal(t, "ILO indicator 7; RBA Code A1; FAR 52.222-50; =HYPERLINK(\"http://attacker.example/\") \uFFFD _x000D_ & <b>", v)
	v, err = a.GetCellValue(sheetFindings, "Q2", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	assert.Equal(t, "'-Return passports to the workers now\twith a tab ", v, "a remedy that starts with - is quoted")
}

// The same report gives the same file, byte for byte, though its sheets
// are rendered concurrently.
func TestWriteXLSX_SharedStringsDeterministic(t *testing.T) {
	r := repeatedReport(t)
	first := writeXLSX(t, r)
	for range 5 {
		require.True(t, bytes.Equal(first, writeXLSX(t, r)), "workbooks differ")
	}
}

// The entries added to excelize's are at most maxSharedEntries, of at most
// maxSharedBytes: a review with a great many texts that repeat has the rest
// written inline, and every cell still shows its text.
func TestWriteXLSX_SharedStringsBounded(t *testing.T) {
	r := sampleReport(t, false)
	refs := map[string]bool{}
	for i := range 300 {
		ru := Rule{ID: fmt.Sprintf("rule-%03d", i), Indicator: "deception", Severity: "low",
			References: []string{fmt.Sprintf("Reference %03d", i), strings.Repeat("x", i)}}
		r.Rules = append(r.Rules, ru)
		refs[strings.Join(ru.References, "; ")] = true
		for k := range 2 {
			r.Findings = append(r.Findings, Finding{RuleID: ru.ID, Indicator: ru.Indicator, Severity: ru.Severity,
				References: ru.References, File: "rosters/many.csv", Row: 2*i + k + 2, ContractID: fmt.Sprintf("M-%d-%d", i, k)})
		}
	}
	r.Summary.Findings = len(r.Findings)
	excelizeEntries := strings.Count(zipPart(t, writeXLSXInline(t, r), sharedStringsPart), "<si>")
	for _, bound := range []struct{ entries, bytes int }{{240, 1 << 20}, {1 << 16, 20_000}} {
		t.Run(fmt.Sprintf("%d entries, %d bytes", bound.entries, bound.bytes), func(t *testing.T) {
			defer func(n, b int) { maxSharedEntries, maxSharedBytes = n, b }(maxSharedEntries, maxSharedBytes)
			maxSharedEntries, maxSharedBytes = bound.entries, bound.bytes
			data := writeXLSX(t, r)
			sst := zipPart(t, data, sharedStringsPart)
			entries := strings.Count(sst, "<si>")
			assert.LessOrEqual(t, entries-excelizeEntries, bound.entries)
			assert.Contains(t, sst, fmt.Sprintf(`uniqueCount="%d"`, entries))
			assert.Less(t, len(sst), bound.bytes+50_000)

			f, err := excelize.OpenReader(bytes.NewReader(data))
			require.NoError(t, err)
			defer f.Close()
			rows, err := f.GetRows(sheetFindings)
			require.NoError(t, err)
			types := map[excelize.CellType]int{}
			got := map[string]int{}
			for ri, row := range rows[1:] {
				if len(row) > 12 && strings.HasPrefix(row[12], "Reference ") {
					got[row[12]]++
					typ, err := f.GetCellType(sheetFindings, fmt.Sprintf("M%d", ri+2))
					require.NoError(t, err)
					types[typ]++
				}
			}
			assert.Len(t, got, len(refs), "every reference is shown")
			for ref, n := range got {
				assert.True(t, refs[ref], "%q", ref)
				assert.Equal(t, 2, n, "%q", ref)
			}
			assert.Positive(t, types[excelize.CellTypeSharedString], "some references shared")
			assert.Positive(t, types[excelize.CellTypeInlineString], "some references inline")
		})
	}
}

// A shared-string table that excelize might write, with an entry of its own.
const excelizeSST = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
	`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>laborcheck report</t></si><si><t xml:space="preserve"> Total </t></si></sst>`

// Any text becomes an entry that reads back as the text a cell of it shows
// inline (neutralised, cut to the cell limit, characters XML cannot hold
// replaced), and the table stays well-formed XML.
func FuzzSharedStrings(f *testing.F) {
	for _, s := range []string{"", "Acme Garments Ltd", " Total ", "=1+1", "@SUM(A1)", "-2", "\t=1", "a\x00b\x1f\uFFFE",
		"_x000D_ and _x005F_x0041_", "<&'\">", "bad \xff utf-8", "line\nbreak\r\n", strings.Repeat("é", 33000)} {
		f.Add(s, "laborcheck report")
	}
	f.Fuzz(func(t *testing.T, s, other string) {
		tab, err := newSharedStrings([]byte(excelizeSST))
		require.NoError(t, err)
		require.Equal(t, 2, tab.n)
		tab.add(other)
		tab.add(s)
		var buf bytes.Buffer
		require.NoError(t, tab.write(&buf))
		var sst struct {
			Unique int `xml:"uniqueCount,attr"`
			SI     []struct {
				T string `xml:"t"`
			} `xml:"si"`
		}
		require.NoError(t, xml.Unmarshal(buf.Bytes(), &sst), "%s", buf.Bytes())
		require.Equal(t, tab.n, len(sst.SI))
		require.Equal(t, tab.n, sst.Unique)
		ref, ok := tab.lookup(s)
		i := ref.i
		if s == "" {
			require.False(t, ok)
			return
		}
		require.True(t, ok)
		// The entry reads back as the same text as the inline string.
		var inline struct {
			T string `xml:"t"`
		}
		require.NoError(t, xml.Unmarshal(append(append([]byte("<is>"), appendInlineText(nil, safeText(s))...), "</is>"...), &inline))
		require.Equal(t, inline.T, sst.SI[i].T)
		if v := sst.SI[i].T; v != "" {
			require.NotContains(t, "=+-@", v[:1], "entry %q reads as a formula", v)
		}
		// Texts shown the same share an entry, excelize's included.
		if j, _ := tab.lookup(other); other != "" && safeText(s) == safeText(other) {
			require.Equal(t, j.i, i)
		}
		switch s {
		case "laborcheck report":
			require.Equal(t, 0, i)
		case " Total ":
			require.Equal(t, 1, i)
		}
	})
}

// A table excelize did not write, or that is not one, is refused rather
// than misread: the workbook then has its tables' texts inline.
func TestNewSharedStringsRefuses(t *testing.T) {
	for _, part := range []string{"", "<sst><x/></sst>", "<other/>", "<sst><si>", "<sst><si></sst>"} {
		_, err := newSharedStrings([]byte(part))
		assert.Error(t, err, "%q", part)
	}
	tab, err := newSharedStrings([]byte(`<sst xmlns="x"></sst>`))
	require.NoError(t, err)
	assert.Equal(t, 0, tab.n)
}
