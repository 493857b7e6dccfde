package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Sheet names of the XLSX report, in workbook order.
const (
	sheetSummary    = "Summary"
	sheetFindings   = "Findings"
	sheetContracts  = "Contracts"
	sheetDataIssues = "Data issues"
	sheetRuleErrors = "Rule errors"
	sheetRules      = "Rules"
	sheetRun        = "Run"
)

// severityColours are the fill and font colours of each severity word in
// the workbook (html.css uses the same ones).
var severityColours = map[string]struct{ Fill, Font string }{
	"critical": {"B71C1C", "FFFFFF"},
	"high":     {"F4B183", "3B1F00"},
	"medium":   {"FFE699", "3D3000"},
	"low":      {"DDEBF7", "1F3864"},
	"info":     {"EDEDED", "404040"},
}

// statusColours are the fills of contract statuses.
var statusColours = map[string]string{
	StatusFlagged:      "F8CBAD",
	StatusClear:        "E2EFDA",
	StatusInsufficient: "FFF2CC",
	StatusRuleError:    "F4B084",
}

// WriteXLSX writes r as a workbook for spreadsheet programs, with the sheets
// Summary (totals, counts by severity, indicator and supplier, and a bar
// chart of findings by indicator), Findings, Contracts, Data issues, Rule
// errors, Rules and Run (what was read with which rules and options).
//
// The table sheets (Findings, Contracts, Data issues, Rule errors, Rules)
// are written with excelize's StreamWriter, so their rows do not pile up as
// cell objects in memory. Every text cell is neutralised against formula injection (see
// safeText); row numbers and counts are numeric cells.
func WriteXLSX(w io.Writer, r *Report) (err error) {
	f := excelize.NewFile()
	defer func() {
		// Close removes the stream writers' temporary files.
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	x := &xlsxWriter{f: f, r: r, tables: map[string]*table{}}
	if err := x.newStyles(); err != nil {
		return fmt.Errorf("xlsx styles: %w", err)
	}
	steps := []struct {
		name string
		fn   func() error
	}{
		{sheetSummary, x.summary},
		{sheetFindings, x.findings},
		{sheetContracts, x.contracts},
		{sheetDataIssues, x.dataIssues},
		{sheetRuleErrors, x.ruleErrors},
		{sheetRules, x.rules},
		{sheetRun, x.run},
	}
	for _, s := range steps {
		if err := s.fn(); err != nil {
			return fmt.Errorf("xlsx sheet %q: %w", s.name, err)
		}
	}
	// Summary, first, is the active sheet already (it is the new file's
	// Sheet1). SetActiveSheet would be harmful here: it parses every sheet,
	// the buffered XML of the streamed ones included.
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:          "laborcheck report",
		Subject:        "Forced-labour risk indicators in labour-contract data",
		Creator:        "laborcheck " + r.Run.Version,
		LastModifiedBy: "laborcheck",
		Created:        r.Run.StartedAt.UTC().Format(time.RFC3339),
		Modified:       r.Run.StartedAt.UTC().Format(time.RFC3339),
	}); err != nil {
		return fmt.Errorf("xlsx properties: %w", err)
	}
	// excelize writes the workbook with the tables' header rows only; the
	// table rows are streamed into the package as it is copied to w.
	var pkg bytes.Buffer
	if err := f.Write(&pkg); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := x.assemble(w, pkg.Bytes()); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

type xlsxWriter struct {
	f      *excelize.File
	r      *Report
	st     xlsxStyles
	tables map[string]*table // streamed tables by sheet name
	sst    *sharedStrings    // nil: every text is inline
}

type xlsxStyles struct {
	header, cell, wrap, num, pct, title, note, section, label, total int
	count, score                                                     int
	severity                                                         map[string]int
	status                                                           map[string]int
}

func (x *xlsxWriter) newStyles() error {
	var err error
	style := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = x.f.NewStyle(s)
		return id
	}
	top := excelize.Alignment{Vertical: "top"}
	border := func(pos, colour string) []excelize.Border {
		return []excelize.Border{{Type: pos, Color: colour, Style: 1}}
	}
	x.st.header = style(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F3864"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	x.st.cell = style(&excelize.Style{Alignment: &top})
	x.st.wrap = style(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	x.st.num = style(&excelize.Style{Alignment: &top, NumFmt: 1})   // "0"
	x.st.count = style(&excelize.Style{Alignment: &top, NumFmt: 3}) // "#,##0"
	pct, one := "0.0%", "#,##0.0"
	x.st.pct = style(&excelize.Style{CustomNumFmt: &pct})
	x.st.score = style(&excelize.Style{CustomNumFmt: &one})
	x.st.title = style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16, Color: "1F3864"}})
	x.st.note = style(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "595959"}})
	x.st.section = style(&excelize.Style{
		Font:   &excelize.Font{Bold: true, Color: "1F3864"},
		Border: border("bottom", "1F3864"),
	})
	x.st.label = style(&excelize.Style{Font: &excelize.Font{Bold: true}})
	x.st.total = style(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border("top", "000000"), NumFmt: 3})
	x.st.severity = map[string]int{}
	for _, w := range []string{"critical", "high", "medium", "low", "info"} {
		c := severityColours[w]
		x.st.severity[w] = style(&excelize.Style{
			Font:      &excelize.Font{Bold: w == "critical", Color: c.Font},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c.Fill}},
			Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "center"},
		})
	}
	x.st.status = map[string]int{}
	for _, s := range []string{StatusFlagged, StatusClear, StatusInsufficient, StatusRuleError} {
		x.st.status[s] = style(&excelize.Style{
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{statusColours[s]}},
			Alignment: &top,
		})
	}
	return err
}

// styled is a cell value with a style of its own.
type styled struct {
	v     any
	style int
}

func (x *xlsxWriter) sevCell(sev string) any {
	if id, ok := x.st.severity[sev]; ok {
		return styled{sev, id}
	}
	return sev
}

// count is a table cell holding a count, shown with thousands separators
// (row numbers are plain numbers).
func (x *xlsxWriter) count(n int) xcell {
	return xcell{kind: xNum, n: n, style: x.st.count}
}

// sevText and statusText are table cells styled by their word.
func (x *xlsxWriter) sevText(sev string) xcell {
	return xcell{kind: xText, s: sev, style: x.st.severity[sev]}
}

func (x *xlsxWriter) statusText(status string) xcell {
	return xcell{kind: xText, s: status, style: x.st.status[status]}
}

// column is one column of a streamed table. The texts of a shared column
// repeat from row to row: those the workbook's shared-string table holds
// are written as references to it (see sharedStrings).
type column struct {
	header string
	width  float64
	wrap   bool
	shared bool
}

// streamTable writes a sheet holding one table: a frozen, filtered header
// row, then the rows that emit passes to its put function (one cell per
// column). excelize lays the sheet out with its header row; the rows are
// rendered as excelize's StreamWriter renders them and streamed into the
// package by assemble, so that they never pile up in memory.
//
// The order matters with excelize's StreamWriter: the autofilter is set on
// the sheet before the stream writer exists (its range is known from n, the
// number of rows), and column widths and panes are set before the first row.
func (x *xlsxWriter) streamTable(sheet string, cols []column, n int, emit func(put func([]xcell) error) error) error {
	if n <= maxSheetRows {
		return x.streamPart(sheet, cols, n, emit)
	}
	// More rows than a sheet holds: the table goes on in "Findings (2)",
	// "Findings (3)" and so on, each with its header row.
	for part, lo := 1, 0; lo < n; part, lo = part+1, lo+maxSheetRows {
		name := sheet
		if part > 1 {
			name = fmt.Sprintf("%s (%d)", sheet, part)
		}
		hi := min(n, lo+maxSheetRows)
		partEmit := func(put func([]xcell) error) error {
			i := 0
			err := emit(func(row []xcell) error {
				defer func() { i++ }()
				switch {
				case i < lo:
					return nil
				case i >= hi:
					return errPartDone
				}
				return put(row)
			})
			if errors.Is(err, errPartDone) {
				return nil
			}
			return err
		}
		if err := x.streamPart(name, cols, hi-lo, partEmit); err != nil {
			return err
		}
	}
	return nil
}

// maxSheetRows is the most data rows a sheet holds below its header row
// (a sheet has 1,048,576 rows). It is a variable for tests.
var maxSheetRows = 1<<20 - 1

// errPartDone ends the rows of one sheet of a table that spans several.
var errPartDone = errors.New("sheet full")

// streamPart writes one sheet of a table (see streamTable).
func (x *xlsxWriter) streamPart(sheet string, cols []column, n int, emit func(put func([]xcell) error) error) error {
	if _, err := x.f.NewSheet(sheet); err != nil {
		return err
	}
	last, err := excelize.ColumnNumberToName(len(cols))
	if err != nil {
		return err
	}
	if err := x.f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", last, n+1), nil); err != nil {
		return err
	}
	if err := x.printLayout(sheet, true); err != nil {
		return err
	}
	sw, err := x.f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = excelize.Cell{StyleID: x.st.header, Value: c.header}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	x.tables[sheet] = &table{cols: cols, n: n, emit: emit}
	return nil
}

// printLayout prints a sheet landscape, one page wide, repeating the
// header row on every page when titleRow is set. For a streamed sheet it
// must run after AutoFilter (which replaces the sheet properties) and before
// the stream writer is created.
func (x *xlsxWriter) printLayout(sheet string, titleRow bool) error {
	landscape, one, unlimited := "landscape", 1, 0
	if err := x.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: new(true)}); err != nil {
		return err
	}
	if err := x.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Orientation: &landscape, FitToWidth: &one, FitToHeight: &unlimited,
	}); err != nil {
		return err
	}
	if !titleRow {
		return nil
	}
	return x.f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$1:$1", sheet), Scope: sheet,
	})
}

// rowHeight is the default row height in points.
const rowHeight = 15

// wrappedLines estimates how many lines s takes in a wrapping column of the
// given width (in characters of the default font), wrapping greedily at
// spaces. Proportional text is narrower than the digits the width is
// measured in, so the estimate errs towards too many lines, never too few.
func wrappedLines(s string, width float64) int {
	per := max(1, int(width))
	// No character is wider than its bytes, so text of at most per bytes
	// without a line feed fits on one line.
	if len(s) <= per && strings.IndexByte(s, '\n') < 0 {
		return 1
	}
	lines := 1
	col := 0  // width of the line so far, up to the last word placed
	word := 0 // width of the word being read
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch asciiClass[c] {
			case asciiWord:
				word++
				continue
			case asciiBreak:
				lines, col = placeWord(lines, col, word, per)
				lines++
				col, word = 0, 0
				continue
			}
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size
			if !unicode.IsSpace(r) {
				word += runeWidth(r)
				continue
			}
		}
		lines, col = placeWord(lines, col, word, per)
		word = 0
	}
	lines, _ = placeWord(lines, col, word, per)
	return lines
}

// asciiClass sorts ASCII bytes for wrappedLines: a line feed breaks the
// line, the white space of unicode.IsSpace separates words, and anything
// else is part of a word.
var asciiClass = [utf8.RuneSelf]uint8{'\n': asciiBreak, ' ': asciiSpace, '\t': asciiSpace, '\v': asciiSpace, '\f': asciiSpace, '\r': asciiSpace}

const (
	asciiWord = iota
	asciiSpace
	asciiBreak
)

// placeWord places a word of the given width on a line of width per that
// holds col so far, wrapping greedily, and returns the lines and the line's
// new width. A word of width 0 (none) changes nothing.
func placeWord(lines, col, word, per int) (int, int) {
	switch {
	case word == 0:
		return lines, col
	case col == 0:
		col = word
	case col+1+word <= per:
		col += 1 + word
	default:
		lines++
		col = word
	}
	if col > per { // a word longer than the column breaks anywhere
		lines += (col - 1) / per
		col = (col-1)%per + 1
	}
	return lines, col
}

func (x *xlsxWriter) findings() error {
	cols := []column{
		{"File", 28, false, true}, {"Sheet", 14, false, true}, {"Row", 7, false, false},
		{"Contract", 14, false, false}, {"Worker ID", 12, false, false}, {"Worker name", 22, false, false},
		{"Supplier", 22, false, true}, {"Rule", 22, false, true}, {"Indicator", 28, false, true},
		{"Severity", 10, false, true}, {"Message", 60, true, false}, {"Evidence", 48, true, false},
		{"References", 40, true, true}, {"Scope", 10, false, true}, {"Contracts", 10, false, false},
		{"Waiver", 40, true, false}, {"Remedy", 50, true, true},
	}
	return x.streamTable(sheetFindings, cols, x.r.NumFindings(), func(put func([]xcell) error) error {
		row := make([]xcell, len(cols))
		refs := &joiner{sep: "; "}
		return x.r.eachFinding(func(f *Finding) error {
			row = append(row[:0], text(f.File), text(f.Sheet), num(f.Row), text(f.ContractID), text(f.WorkerID),
				text(f.WorkerName), text(f.Supplier), text(f.RuleID), text(f.Indicator), x.sevText(f.Severity),
				text(f.Message), text(evidenceText(f.Evidence, f.Row)), text(refs.join(f.References)),
				text(scopeWord(f)), x.count(contractsConcerned(f)), text(waiverText(f)), text(f.Remedy))
			return put(row)
		}, true)
	})
}

func (x *xlsxWriter) contracts() error {
	cols := []column{
		{"File", 28, false, true}, {"Sheet", 14, false, true}, {"Row", 7, false, false},
		{"Contract", 14, false, false}, {"Worker ID", 12, false, false}, {"Worker name", 22, false, false},
		{"Supplier", 22, false, true}, {"Status", 17, false, true}, {"Risk", 10, false, true},
		{"Findings", 9, false, false}, {"Blank columns", 40, true, true}, {"Missing lookups", 40, true, false},
		{"Rule errors", 11, false, false}, {"Rules checked", 13, false, false},
	}
	return x.streamTable(sheetContracts, cols, x.r.NumContracts(), func(put func([]xcell) error) error {
		row := make([]xcell, len(cols))
		missing, lookups := &joiner{sep: ", "}, &joiner{sep: "; "}
		return x.r.eachContract(func(c *Contract) error {
			risk := text("")
			if c.Risk != nil {
				risk = x.sevText(*c.Risk)
			}
			row = append(row[:0], text(c.File), text(c.Sheet), num(c.Row), text(c.ContractID), text(c.WorkerID),
				text(c.WorkerName), text(c.Supplier), x.statusText(c.Status), risk, x.count(c.Findings),
				text(missing.join(c.Missing)), text(lookups.join(c.MissingLookups)), x.count(c.RuleErrors), x.count(c.RulesChecked))
			return put(row)
		}, true)
	})
}

func (x *xlsxWriter) dataIssues() error {
	cols := []column{
		{"File", 28, false, true}, {"Sheet", 14, false, true}, {"Row", 7, false, false},
		{"Column", 10, false, false}, {"Field", 28, false, false}, {"Value", 28, true, false},
		{"Problem", 50, true, false},
	}
	ds := x.r.DataIssues
	return x.streamTable(sheetDataIssues, cols, len(ds), func(put func([]xcell) error) error {
		row := make([]xcell, len(cols))
		for i := range ds {
			d := &ds[i]
			row = append(row[:0], text(d.File), text(d.Sheet), num(d.Row), text(d.Column), text(d.Field), text(d.Value), text(d.Problem))
			if err := put(row); err != nil {
				return err
			}
		}
		return nil
	})
}

func (x *xlsxWriter) ruleErrors() error {
	cols := []column{
		{"Rule", 22, false, true}, {"File", 28, false, true}, {"Sheet", 14, false, true},
		{"Row", 7, false, false}, {"Contract", 14, false, false}, {"Error", 70, true, false},
	}
	es := x.r.RuleErrors
	return x.streamTable(sheetRuleErrors, cols, len(es), func(put func([]xcell) error) error {
		row := make([]xcell, len(cols))
		for i := range es {
			e := &es[i]
			row = append(row[:0], text(e.RuleID), text(e.File), text(e.Sheet), num(e.Row), text(e.ContractID), text(e.Error))
			if err := put(row); err != nil {
				return err
			}
		}
		return nil
	})
}

func (x *xlsxWriter) rules() error {
	cols := []column{
		{"ID", 24, false, true}, {"Title", 44, true, false}, {"Indicator", 30, false, true},
		{"Severity", 10, false, true}, {"References", 50, true, true}, {"Source", 30, false, false},
		{"Changed by", 50, true, false}, {"Remedy", 50, true, true},
	}
	rs := x.r.Rules
	return x.streamTable(sheetRules, cols, len(rs), func(put func([]xcell) error) error {
		row := make([]xcell, len(cols))
		for i := range rs {
			ru := &rs[i]
			row = append(row[:0], text(ru.ID), text(ru.Title), text(ru.Indicator), x.sevText(ru.Severity),
				text(strings.Join(ru.References, "; ")), text(ru.Source), text(strings.Join(ru.Layers, "; ")), text(ru.Remedy))
			if err := put(row); err != nil {
				return err
			}
		}
		return nil
	})
}
