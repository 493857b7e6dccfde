package annotate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/laborcheck/laborcheck/internal/source"
)

// DefaultMaxCells is the most cells an .xls or .ods input may hold, over
// all its sheets, to get a copy: its copy is built in memory, as a text
// file's is, at some 600 bytes a cell (50,000 rows of 50 columns, about
// 1.5 GB).
const DefaultMaxCells = 2_500_000

// Number formats of the copy's date, time and duration cells.
const (
	dateFormat     = "yyyy-mm-dd"
	dateTimeFormat = "yyyy-mm-dd hh:mm:ss"
	timeFormat     = "hh:mm:ss"
	durationFormat = "[h]:mm:ss"
)

// cellBook is the copy's workbook being built by readCellBook.
type cellBook struct {
	f        *excelize.File
	names    map[string]string // the input's sheet name → the copy's
	taken    map[string]bool   // the copy's sheet names, folded
	sheet    string            // the copy's sheet being written
	first    bool              // the workbook's own first sheet is not yet used
	hidden   []string          // sheets to hide once written
	styles   map[string]int    // by number format
	cells    int
	maxCells int
	width    int // the widest row of the sheet being written
	lastRow  int
}

// errTooManyCells stops reading an input too large to copy.
var errTooManyCells = errors.New("too many cells")

// readCellBook builds a copy's workbook from the cells of a workbook
// laborcheck reads but excelize does not open (.xls, .ods), read by the
// same reader as the review read it: every sheet, in order and of the same
// name where a sheet name allows it, each cell on its own row and column,
// with the value the review read: numbers as numbers (in the currency
// their format named), dates, times and durations as numbers with such a
// format, text as text, never a formula. Hidden rows and sheets stay
// hidden. An encrypted .xls is opened with password, as the review opened
// it. It returns the workbook, the copy's sheet name of each of the
// input's sheets, and whether the password opened the input, so that the
// copy is encrypted too.
func readCellBook(ctx context.Context, path string, maxCells int, password string) (*excelize.File, map[string]string, bool, error) {
	b := &cellBook{f: excelize.NewFile(), names: map[string]string{}, taken: map[string]bool{}, first: true,
		styles: map[string]int{}, maxCells: maxCells}
	fail := func(err error) (*excelize.File, map[string]string, bool, error) {
		b.f.Close()
		return nil, nil, false, err
	}
	in, err := source.ReadCells(ctx, path, source.Options{Password: password}, source.CellHandler{Sheet: b.startSheet, Row: b.row})
	if errors.Is(err, errTooManyCells) {
		return fail(fmt.Errorf("%w: more than %d cells, the most an annotated copy of an .xls or .ods file is made for (copies are built in memory); review a part of it, with -sheet or a smaller export, to annotate it", ErrNotCopied, maxCells))
	}
	if err != nil {
		return fail(err)
	}
	if in.Err != nil {
		return fail(fmt.Errorf("%w: the file could not be read again (%v)", ErrNotCopied, in.Err))
	}
	if b.first {
		return fail(fmt.Errorf("%w: the file holds no sheets", ErrNotCopied))
	}
	b.endSheet()
	if err := b.hide(); err != nil {
		return fail(err)
	}
	encrypted := false
	for _, n := range in.Notes {
		// The note the reader gives a workbook the password opened (not
		// one Excel opens without a password).
		encrypted = encrypted || (password != "" && strings.HasPrefix(n, "encrypted workbook") && strings.HasSuffix(n, "opened with the given password"))
	}
	return b.f, b.names, encrypted, nil
}

// hide hides the sheets the input hides, the first visible one made the
// active sheet (a workbook shows one when opened); when every sheet is
// hidden, none is.
func (b *cellBook) hide() error {
	if len(b.hidden) == 0 {
		return nil
	}
	hidden := map[string]bool{}
	for _, s := range b.hidden {
		hidden[s] = true
	}
	active := -1
	for i, s := range b.f.GetSheetList() {
		if !hidden[s] {
			active = i
			break
		}
	}
	if active < 0 {
		return nil
	}
	b.f.SetActiveSheet(active)
	for _, s := range b.hidden {
		if err := b.f.SetSheetVisible(s, false); err != nil {
			return err
		}
	}
	return nil
}

// startSheet adds a sheet for the input's next one.
func (b *cellBook) startSheet(sh *source.Sheet) error {
	b.endSheet()
	name := b.sheetName(sh.Name)
	if b.first {
		if err := b.f.SetSheetName(b.f.GetSheetName(0), name); err != nil {
			return err
		}
		b.first = false
	} else if _, err := b.f.NewSheet(name); err != nil {
		return err
	}
	b.names[sh.Name] = name
	b.sheet, b.width, b.lastRow = name, 0, 0
	if sh.Hidden {
		b.hidden = append(b.hidden, name)
	}
	return nil
}

// endSheet records the dimension of the sheet written.
func (b *cellBook) endSheet() {
	if b.sheet == "" || b.width == 0 {
		return
	}
	last, _ := excelize.CoordinatesToCellName(b.width, b.lastRow)
	_ = b.f.SetSheetDimension(b.sheet, "A1:"+last)
	b.sheet = ""
}

// sheetName gives an input's sheet a name a workbook can hold: its own
// when it can, else with the characters a sheet name cannot hold replaced
// and cut to 31 characters, numbered when another sheet has it.
func (b *cellBook) sheetName(name string) string {
	clean := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || r < 0x20 {
			return '_'
		}
		return r
	}, name)
	clean = strings.Trim(clean, "'")
	if strings.TrimSpace(clean) == "" {
		clean = "Sheet"
	}
	cut := func(s string, n int) string {
		if r := []rune(s); len(r) > n {
			return string(r[:n])
		}
		return s
	}
	out := cut(clean, 31)
	for k := 2; b.taken[strings.ToLower(out)]; k++ {
		suffix := fmt.Sprintf(" (%d)", k)
		out = cut(clean, 31-len(suffix)) + suffix
	}
	b.taken[strings.ToLower(out)] = true
	return out
}

// row writes one row's cells.
func (b *cellBook) row(_ *source.Sheet, row source.CellRow) error {
	if b.cells += len(row.Cells); b.cells > b.maxCells {
		return errTooManyCells
	}
	f, sheet := b.f, b.sheet
	if err := reserveStatus(f, sheet, row.Num, max(b.width, row.Cells[len(row.Cells)-1].Col)+1); err != nil {
		return err
	}
	for _, c := range row.Cells {
		cell, err := excelize.CoordinatesToCellName(c.Col, row.Num)
		if err != nil {
			return err
		}
		format := ""
		switch c.Type {
		case source.CellNumber:
			err = f.SetCellFloat(sheet, cell, c.Number, -1, 64)
			if c.Currency != "" {
				format = "[$" + c.Currency + "] #,##0.00"
			}
		case source.CellDate:
			err = f.SetCellFloat(sheet, cell, c.Number, -1, 64)
			format = dateFormat
			if c.Number != float64(int64(c.Number)) {
				format = dateTimeFormat
			}
		case source.CellTime:
			err = f.SetCellFloat(sheet, cell, c.Number, -1, 64)
			format = timeFormat
		case source.CellDuration:
			err = f.SetCellFloat(sheet, cell, c.Number, -1, 64)
			format = durationFormat
		case source.CellBool:
			err = f.SetCellBool(sheet, cell, c.Text == "TRUE")
		default:
			// Text, and error values as their text: a string cell, never
			// a formula.
			err = f.SetCellStr(sheet, cell, c.Text)
		}
		if err != nil {
			return err
		}
		if format != "" {
			if err := b.style(cell, format); err != nil {
				return err
			}
		}
		b.width = max(b.width, c.Col)
	}
	b.lastRow = row.Num
	if row.Hidden {
		return f.SetRowVisible(sheet, row.Num, false)
	}
	return nil
}

// style gives a cell a number format.
func (b *cellBook) style(cell, format string) error {
	id, ok := b.styles[format]
	if !ok {
		var err error
		if id, err = b.f.NewStyle(&excelize.Style{CustomNumFmt: &format}); err != nil {
			return err
		}
		b.styles[format] = id
	}
	return b.f.SetCellStyle(b.sheet, cell, cell, id)
}

// reserveStatus makes a row's cells up to column col, where the status
// column will most likely go, before its values are written: the row is
// then made once at its full width (the next row is made as wide as the
// last), where writing the status later would make it again at twice the
// width. A cell with nothing in it is not written to the file.
func reserveStatus(f *excelize.File, sheet string, row, col int) error {
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return nil // past the last column: nothing to reserve
	}
	return f.SetCellStyle(sheet, cell, cell, 0)
}
