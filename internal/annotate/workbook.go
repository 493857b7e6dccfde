package annotate

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/laborcheck/laborcheck/internal/report"
)

// Fill colours of flagged rows, by the severity of the contract's most
// severe finding.
var severityColour = map[string]string{
	"critical": "FF9C9C",
	"high":     "FFC7CE",
	"medium":   "FFE699",
	"low":      "DDEBF7",
	"info":     "EDEDED",
}

// StatusHeader heads the column the copy adds at the end of each roster
// sheet's rows.
const StatusHeader = "laborcheck"

// Status words of rows the report has no contract for.
const statusUnreadable = "unreadable"

// copyWriter writes the copy of one input.
type copyWriter struct {
	ctx   context.Context
	rep   *report.Report
	in    *report.Input
	marks *fileMarks // nil when the input has no contracts
	opts  Options

	f      *excelize.File
	styles map[styleKey]int
	sheets map[string]string // report sheet name → the copy's sheet name
	// statusCols are the sheets marked and the column each one's status
	// went in, for the legend.
	statusCols []sheetColumn
}

type sheetColumn struct {
	sheet, column string
}

type styleKey struct {
	base int
	sev  string
}

func (w *copyWriter) write(out string) error {
	in := w.in
	if in.Error != nil {
		return fmt.Errorf("%w: the file could not be read (%s)", ErrNotCopied, *in.Error)
	}
	encrypted := false
	switch in.Format {
	case "xlsx", "xlsm":
		opts := excelize.Options{}
		if isOLE(in.Path) {
			// An encrypted workbook; its copy is encrypted with the same
			// password.
			opts.Password, encrypted = w.opts.Password, true
		}
		f, err := excelize.OpenFile(in.Path, opts)
		if err != nil {
			return fmt.Errorf("open %s: %w", in.Path, err)
		}
		w.f = f
	case "csv", "tsv":
		f, sheet, err := textWorkbook(in.Path, in.Format)
		if err != nil {
			return fmt.Errorf("read %s: %w", in.Path, err)
		}
		w.f = f
		w.sheets = map[string]string{"": sheet}
	case "xls", "ods":
		f, sheets, enc, err := readCellBook(w.ctx, in.Path, cmp.Or(w.opts.MaxCells, DefaultMaxCells), w.opts.Password)
		encrypted = enc
		if err != nil {
			if errors.Is(err, ErrNotCopied) {
				return err
			}
			return fmt.Errorf("read %s: %w", in.Path, err)
		}
		w.f, w.sheets = f, sheets
	default:
		return fmt.Errorf("%w: copies are made of .xlsx, .xlsm, .xls, .ods, .csv and .tsv files, not %s", ErrNotCopied, cmp.Or(in.Format, "this format"))
	}
	defer w.f.Close()
	w.styles = map[styleKey]int{}
	for _, sh := range in.Sheets {
		if err := w.markSheet(sh); err != nil {
			return fmt.Errorf("sheet %q: %w", sh.Name, err)
		}
	}
	if err := w.legend(); err != nil {
		return fmt.Errorf("legend: %w", err)
	}
	// The copy's extension decides its content type.
	ext := ".xlsx"
	if in.Format == "xlsm" {
		ext = ".xlsm"
	}
	w.f.Path = strings.TrimSuffix(out, ext) + ext
	var wopts []excelize.Options
	if encrypted {
		wopts = append(wopts, excelize.Options{Password: w.opts.Password})
	}
	return writeAtomic(out, func(wr io.Writer) error { return w.f.Write(wr, wopts...) })
}

// isOLE reports whether the file is an OLE2 container, as an encrypted
// workbook is.
func isOLE(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 8)
	if _, err := io.ReadFull(f, head); err != nil {
		return false
	}
	return bytes.Equal(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
}

func (w *copyWriter) sheetName(reportName string) string {
	if s, ok := w.sheets[reportName]; ok {
		return s
	}
	return reportName
}

// markSheet marks one sheet: the status column, the fill of flagged rows,
// and the notes on evidence cells.
func (w *copyWriter) markSheet(sh report.Sheet) error {
	if sh.HeaderRow == 0 && sh.Error == nil {
		return nil // no roster on the sheet
	}
	f := w.f
	sheet := w.sheetName(sh.Name)
	if idx, err := f.GetSheetIndex(sheet); err != nil || idx < 0 {
		return fmt.Errorf("not in the workbook")
	}
	// The status column goes after the last column in use: the sheet's
	// dimension says which, else (or when rows must be listed, for a sheet
	// that failed part way) the rows are read.
	var marked []int
	if w.marks != nil {
		for k := range w.marks.rows {
			if k.sheet == sh.Name {
				marked = append(marked, k.row)
			}
		}
	}
	slices.Sort(marked)
	var rows []int
	width := max(dimensionWidth(f, sheet), len(sh.Mapped)+len(sh.Unmapped))
	if width == 0 || sh.Error != nil || !w.columnFree(sheet, width+1, append([]int{sh.HeaderRow}, marked...)) {
		// A dimension the file's writer got wrong must not put the status
		// over a cell in use.
		var err error
		if rows, width, err = w.rowsWithContent(sheet); err != nil {
			return err
		}
		width = max(width, len(sh.Mapped)+len(sh.Unmapped))
	}
	statusCol := width + 1
	colName, err := excelize.ColumnNumberToName(statusCol)
	if err != nil {
		return err
	}
	w.statusCols = append(w.statusCols, sheetColumn{sheet, colName})
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}}})
	if err != nil {
		return err
	}
	if sh.HeaderRow > 0 {
		cell, _ := excelize.CoordinatesToCellName(statusCol, sh.HeaderRow)
		if err := f.SetCellStr(sheet, cell, StatusHeader); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, cell, cell, head); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sheet, colName, colName, 36); err != nil {
		return err
	}
	comments, err := w.existingComments(sheet)
	if err != nil {
		return err
	}
	for _, row := range marked {
		rm := w.marks.rows[key{sh.Name, row}]
		if err := w.markRow(sheet, row, statusCol, rm, comments); err != nil {
			return fmt.Errorf("row %d: %w", row, err)
		}
	}
	if sh.Error != nil {
		// The sheet failed part way: its rows without a contract were
		// not reviewed.
		done := map[int]bool{}
		for _, row := range marked {
			done[row] = true
		}
		for _, row := range rows {
			if row <= sh.HeaderRow || done[row] {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(statusCol, row)
			if err := f.SetCellStr(sheet, cell, statusUnreadable); err != nil {
				return err
			}
		}
	}
	return nil
}

// columnFree reports whether the cells of column col in rows are empty.
func (w *copyWriter) columnFree(sheet string, col int, rows []int) bool {
	for _, r := range rows {
		if r <= 0 {
			continue
		}
		cell, err := excelize.CoordinatesToCellName(col, r)
		if err != nil {
			return false
		}
		if v, err := w.f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true}); err != nil || v != "" {
			return false
		}
		if fm, _ := w.f.GetCellFormula(sheet, cell); fm != "" {
			return false
		}
	}
	return true
}

// rowsWithContent returns the numbers of the sheet's rows that hold a
// value, and the most columns a row has.
func (w *copyWriter) rowsWithContent(sheet string) ([]int, int, error) {
	it, err := w.f.Rows(sheet)
	if err != nil {
		return nil, 0, err
	}
	defer it.Close()
	var rows []int
	width, n := 0, 0
	for it.Next() {
		n++
		cols, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, 0, err
		}
		last := len(cols)
		for last > 0 && strings.TrimSpace(cols[last-1]) == "" {
			last--
		}
		if last > 0 {
			rows = append(rows, n)
			width = max(width, last)
		}
	}
	return rows, max(width, dimensionWidth(w.f, sheet)), it.Error()
}

// dimensionWidth is the last column of the sheet's recorded dimension, 0
// when it records none.
func dimensionWidth(f *excelize.File, sheet string) int {
	dim, err := f.GetSheetDimension(sheet)
	if err != nil || dim == "" {
		return 0
	}
	parts := strings.Split(dim, ":")
	c, _, err := excelize.CellNameToCoordinates(parts[len(parts)-1])
	if err != nil || c >= excelize.MaxColumns {
		return 0
	}
	return c
}

func (w *copyWriter) existingComments(sheet string) (map[string]excelize.Comment, error) {
	list, err := w.f.GetComments(sheet)
	if err != nil {
		return nil, err
	}
	out := map[string]excelize.Comment{}
	for _, c := range list {
		out[c.Cell] = c
	}
	return out, nil
}

func (w *copyWriter) markRow(sheet string, row, statusCol int, rm *rowMark, comments map[string]excelize.Comment) error {
	f := w.f
	cell, _ := excelize.CoordinatesToCellName(statusCol, row)
	// A string cell: nothing the copy writes is ever a formula.
	if err := f.SetCellStr(sheet, cell, rm.statusText()); err != nil {
		return err
	}
	if rm.status == report.StatusFlagged {
		sev := rm.risk
		if sev == "" {
			for _, n := range rm.notes {
				if severityRank(n.severity) > severityRank(sev) {
					sev = n.severity
				}
			}
		}
		if _, ok := severityColour[sev]; ok {
			for c := 1; c <= statusCol; c++ {
				ref, _ := excelize.CoordinatesToCellName(c, row)
				if err := w.fill(sheet, ref, sev); err != nil {
					return err
				}
			}
		}
	}
	// One note a cell, with every finding read from it.
	byCell := map[int][]note{}
	var cols []int
	for _, n := range rm.notes {
		c := columnNumber(n.column)
		if c <= 0 || c >= statusCol {
			c = statusCol
		}
		if _, ok := byCell[c]; !ok {
			cols = append(cols, c)
		}
		byCell[c] = append(byCell[c], n)
	}
	slices.Sort(cols)
	for _, c := range cols {
		ref, _ := excelize.CoordinatesToCellName(c, row)
		notes := byCell[c]
		slices.SortStableFunc(notes, func(a, b note) int { return severityRank(b.severity) - severityRank(a.severity) })
		body := noteText(notes)
		runs := []excelize.RichTextRun{}
		if old, ok := comments[ref]; ok {
			// The cell had a note of its own: it is kept, above ours.
			if err := f.DeleteComment(sheet, ref); err != nil {
				return err
			}
			if len(old.Paragraph) > 0 {
				runs = append(runs, old.Paragraph...)
			} else if old.Text != "" {
				runs = append(runs, excelize.RichTextRun{Text: old.Text})
			}
			runs = append(runs, excelize.RichTextRun{Text: "\n\n"})
		}
		runs = append(runs,
			excelize.RichTextRun{Text: "laborcheck:\n", Font: &excelize.Font{Bold: true, Size: 9, Color: "000000"}},
			excelize.RichTextRun{Text: body})
		lines := strings.Count(body, "\n") + 2 + len(body)/45
		if err := f.AddComment(sheet, excelize.Comment{
			Cell: ref, Author: "laborcheck", Paragraph: runs,
			Width: 320, Height: uint(min(600, 16*lines+20)),
		}); err != nil {
			return err
		}
	}
	return nil
}

// fill gives a cell the fill of a severity, keeping the rest of its style
// (number format, font, borders, alignment).
func (w *copyWriter) fill(sheet, cell, sev string) error {
	base, err := w.f.GetCellStyle(sheet, cell)
	if err != nil {
		return err
	}
	k := styleKey{base, sev}
	id, ok := w.styles[k]
	if !ok {
		st, err := w.f.GetStyle(base)
		if err != nil {
			// A style excelize cannot read back is left as it is rather
			// than lose the cell's format.
			w.styles[k] = -1
			return nil
		}
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{severityColour[sev]}}
		if id, err = w.f.NewStyle(st); err != nil {
			w.styles[k] = -1
			return nil
		}
		w.styles[k] = id
	}
	if id < 0 {
		return nil
	}
	return w.f.SetCellStyle(sheet, cell, cell, id)
}

// legend adds the sheet that says what the marks mean.
func (w *copyWriter) legend() error {
	f := w.f
	name := "laborcheck"
	for i := 2; ; i++ {
		if idx, _ := f.GetSheetIndex(name); idx < 0 {
			break
		}
		name = fmt.Sprintf("laborcheck (%d)", i)
	}
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	row := 1
	put := func(col int, text string, style int) error {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		if err := f.SetCellStr(name, cell, text); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(name, cell, cell, style)
		}
		return nil
	}
	line := func(text string) error {
		if err := put(1, text, wrap); err != nil {
			return err
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		end, _ := excelize.CoordinatesToCellName(4, row)
		if err := f.MergeCell(name, cell, end); err != nil {
			return err
		}
		if err := f.SetRowHeight(name, row, float64(15*(1+len(text)/100))); err != nil {
			return err
		}
		row++
		return nil
	}
	if err := put(1, "laborcheck: what the marks mean", bold); err != nil {
		return err
	}
	row += 2
	var cols []string
	for _, sc := range w.statusCols {
		cols = append(cols, fmt.Sprintf("column %s of %q", sc.column, sc.sheet))
	}
	where := "a column added at the end of each roster sheet's rows"
	if len(cols) > 0 {
		where = strings.Join(cols, ", ")
	}
	run := w.rep.Run
	lines := []string{
		"Findings are risk indicators for follow-up, drawn from the ILO indicators of forced labour and the standards each rule cites; they are not a finding that forced labour exists.",
		fmt.Sprintf("The %q column (%s) holds each contract row's status: flagged (with its highest severity and the IDs of the rules that flagged it), clear (of every rule its columns let laborcheck check), insufficient data (a cell a rule needs is blank or unreadable; the column names them), rule error, or unreadable (a row of a sheet that could not be read to the end).", StatusHeader, where),
		"Each finding is a note on the cell its evidence was read from (on the status cell when it was derived from other values): the rule's title, ID and severity, its message, and the remedy where the rule gives one.",
		"The rows of flagged contracts are filled with the colour of their most severe finding:",
	}
	for _, l := range lines {
		if err := line(l); err != nil {
			return err
		}
	}
	for _, sev := range []string{"critical", "high", "medium", "low", "info"} {
		st, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{severityColour[sev]}}})
		if err != nil {
			return err
		}
		if err := put(1, sev, st); err != nil {
			return err
		}
		row++
	}
	row++
	info := []string{
		fmt.Sprintf("Reviewed %s by laborcheck %s; rules digest %s.", run.StartedAt.UTC().Format("2006-01-02 15:04 UTC"), run.Version, run.RulesDigest),
		fmt.Sprintf("Original file: %s (sha256 %s). The original file was not changed.", w.in.Path, w.in.SHA256),
	}
	switch w.in.Format {
	case "xls", "ods":
		info = append(info, fmt.Sprintf("This copy is an .xlsx workbook made from the cells of the .%s file as laborcheck read them: values (numbers, dates, text) on their own rows and columns, without the original's formulas, formats or notes.", w.in.Format))
	}
	if w.in.DuplicateOf != "" {
		info = append(info, fmt.Sprintf("This file is a byte-identical copy of %s, reviewed once under that name; the marks are that file's.", w.in.DuplicateOf))
	}
	for _, sh := range w.in.Sheets {
		sheetName := w.sheetName(sh.Name)
		switch {
		case sh.Error != nil:
			info = append(info, fmt.Sprintf("Sheet %q could not be read to the end: %s", sheetName, *sh.Error))
		case sh.Skipped != "":
			info = append(info, fmt.Sprintf("Sheet %q holds no contracts: %s", sheetName, sh.Skipped))
		}
		if w.marks != nil {
			if sc := w.marks.sheets[sh.Name]; sc != nil {
				info = append(info, fmt.Sprintf("Sheet %q: %d contracts (header row %d): %d flagged, %d clear, %d insufficient data, %d rule error.",
					sheetName, sc.contracts, sh.HeaderRow, sc.flagged, sc.clear, sc.insufficient, sc.ruleErrors))
			}
		}
	}
	for _, l := range info {
		if err := line(l); err != nil {
			return err
		}
	}
	return f.SetColWidth(name, "A", "D", 30)
}
