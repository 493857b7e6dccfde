package source

import (
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// CellType is what a cell holds, as laborcheck reads it.
type CellType uint8

// Cell types.
const (
	CellText     CellType = iota // text, or a formula's text result
	CellNumber                   // a number
	CellDate                     // a date, perhaps with a time of day
	CellTime                     // a time of day
	CellDuration                 // a length of time ([h]:mm)
	CellBool                     // TRUE or FALSE
	CellError                    // an error value such as #N/A
)

// Cell is one non-blank cell of a sheet as the review reads it.
type Cell struct {
	Col  int      // 1-based column
	Text string   // the text the review reads: numbers as stored, dates as ISO dates, times as hh:mm[:ss], durations as h:mm
	Type CellType // what the cell holds
	// Number is the cell's value for CellNumber, CellDate, CellTime and
	// CellDuration: the number; a date's serial in the 1900 date system
	// (whatever the workbook's own); a time's fraction of a day; a
	// duration's days.
	Number float64
	// Currency is the ISO code of the currency a number cell's format
	// names, which the review reads money in; "" for none.
	Currency string
}

// CellRow is one row of a sheet with at least one non-blank cell.
type CellRow struct {
	Num    int    // the row number as the spreadsheet shows it, as the review numbers contracts (text: the record's first line)
	Hidden bool   // the row is hidden in the sheet
	Cells  []Cell // the non-blank cells, left to right
}

// CellHandler receives the cells [ReadCells] reads.
type CellHandler struct {
	// Sheet is called for each sheet in workbook order, before its rows
	// (and for sheets of no rows too): its Name and Hidden are known;
	// Skipped and Err are final only once ReadCells returns. May be nil.
	Sheet func(sh *Sheet) error
	// Row is called for each row with a value of the sheet last given to
	// Sheet, in row order. row.Cells is reused once Row returns.
	Row func(sh *Sheet, row CellRow) error
}

// ReadCells reads every sheet of a file as [Read] does, through the same
// readers, but hands on the cells of every non-blank row as they are,
// whether or not the rows are contracts and whether or not a sheet holds a
// roster: a copy of a workbook made from them shows the values the review
// read, each on the row its contract was numbered by. Rows and cells are
// bounded by the same [Limits]; opts.Sheet reads one sheet; Schema, the
// header and value maps and MaxRows are not used.
//
// As with Read, the *Input is never nil; a file or sheet that cannot be
// read sets its Err. The error is non-nil only when a handler returned one
// or ctx ended.
func ReadCells(ctx context.Context, path string, opts Options, h CellHandler) (*Input, error) {
	in := &Input{Path: path}
	opts.MaxRows, opts.Pool = 0, nil
	r := newReader(ctx, path, opts, nil, in)
	r.open = func() (file, error) { return os.Open(path) }
	r.stat = true
	started := 0
	// startSheets gives the handler the sheets the reader has added since
	// the last call: a sheet is listed on the Input as its reading starts.
	startSheets := func(upto int) error {
		for ; started < upto; started++ {
			if h.Sheet != nil {
				if err := h.Sheet(in.Sheets[started]); err != nil {
					return err
				}
			}
		}
		return nil
	}
	var buf []Cell
	r.cells = func(sh *Sheet, raw *rawRow) error {
		if err := startSheets(len(in.Sheets)); err != nil {
			return err
		}
		if h.Row == nil {
			return nil
		}
		buf = buf[:0]
		for i, text := range raw.cells {
			if strings.TrimSpace(text) == "" {
				continue
			}
			var meta cellMeta
			if i < len(raw.meta) {
				meta = raw.meta[i]
			}
			buf = append(buf, newCell(i+1, text, meta))
		}
		if len(buf) == 0 {
			return nil
		}
		return h.Row(sh, CellRow{Num: raw.num, Hidden: raw.hidden, Cells: buf})
	}
	err := r.read()
	if err == nil {
		err = startSheets(len(in.Sheets))
	}
	if in.Err != nil {
		in.Format = ""
	}
	return in, err
}

// copyCells hands each row of a sheet to r.cells instead of reading the
// sheet as a table (see ReadCells).
func (r *reader) copyCells(sh *Sheet, src rowSource) error {
	for {
		row, err := src.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return r.sheetFailed(sh, err)
		}
		r.inCallback = true
		err = r.cells(sh, &row)
		r.inCallback = false
		if err != nil {
			return err
		}
	}
}

// excelEpoch is day 0 of date serials in the 1900 date system.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// newCell reads a cell's text and what the reader knew of it into a Cell.
func newCell(col int, text string, meta cellMeta) Cell {
	c := Cell{Col: col, Text: text}
	switch meta.kind {
	case cellNumber:
		if f, err := strconv.ParseFloat(text, 64); err == nil {
			c.Type, c.Number, c.Currency = CellNumber, f, meta.currency
		}
	case cellDate:
		// The text is the ISO date; the serial's fraction, its time of
		// day. The serial is counted again in the 1900 date system, as
		// the workbook's own may be the 1904 one.
		day, err := time.Parse(time.DateOnly, text)
		stored, serr := strconv.ParseFloat(meta.stored, 64)
		if err == nil && serr == nil {
			frac := stored - float64(int64(stored))
			if frac < 0 {
				frac = 0
			}
			c.Type, c.Number = CellDate, day.Sub(excelEpoch).Hours()/24+frac
		}
	case cellTime:
		if f, ok := clockFraction(text); ok {
			c.Type, c.Number = CellTime, f
		}
	case cellElapsed:
		if hours, err := strconv.ParseFloat(meta.stored, 64); err == nil {
			c.Type, c.Number = CellDuration, hours/24
		}
	case cellBool:
		c.Type = CellBool
	case cellError:
		c.Type = CellError
	}
	return c
}

// clockFraction reads hh:mm or hh:mm:ss, as clockTime writes it, as a
// fraction of a day.
func clockFraction(s string) (float64, bool) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	secs := 0
	for i, mul := range []int{3600, 60, 1} {
		if i >= len(parts) {
			break
		}
		n, err := strconv.Atoi(parts[i])
		if err != nil || n < 0 {
			return 0, false
		}
		secs += n * mul
	}
	return float64(secs) / 86400, true
}
