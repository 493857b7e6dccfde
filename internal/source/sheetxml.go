package source

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/laborcheck/laborcheck/internal/xlsx"
)

// maxColumns is the widest a sheet can be (XFD). Cells further right are
// not read, so a damaged reference cannot make a row huge.
const maxColumns = 16384

// cellKind is what a workbook cell holds.
type cellKind uint8

const (
	cellText    cellKind = iota // a string, a formula's string result, an ISO date cell (t="d")
	cellNumber                  // a number shown as a number
	cellDate                    // a number shown as a date: the text is its ISO date
	cellTime                    // a number shown as a time of day: the text is hh:mm[:ss]
	cellElapsed                 // a number shown as a duration ([h]:mm): the text is h:mm, Parse reads hours
	cellBool                    // TRUE or FALSE
	cellError                   // an error value such as #N/A
)

// cellMeta is what a workbook cell says beyond its text.
type cellMeta struct {
	kind     cellKind
	stored   string // cellDate: the serial as stored; cellElapsed: the hours; what Parse reads
	currency string // cellNumber: the currency the cell's number format names
	cut      bool   // the text was longer than a cell holds and is cut to MaxCellChars characters
}

// sheetReader streams the rows of one worksheet part. Row and cell
// references come from the file, so rows the file leaves out cost nothing,
// and reading stops at the end of the sheet's data.
type sheetReader struct {
	ctx      context.Context
	wb       *workbook
	rc       io.ReadCloser
	d        *xml.Decoder
	inData   bool
	done     bool
	row      int      // the number of the row last read
	hidden   [][2]int // hidden column ranges, 1-based and inclusive
	noCache  int      // formula cells with no saved value
	badRef   int      // shared-string references past the table
	count    int
	cells    int64
	maxCells int64
	path     string
	sheet    string
}

func (wb *workbook) openSheet(ctx context.Context, part string, maxCells int64, path, sheet string) (*sheetReader, error) {
	rc, err := wb.openPart(part)
	if err != nil {
		return nil, err
	}
	return &sheetReader{ctx: ctx, wb: wb, rc: rc, d: newDecoder(rc), maxCells: maxCells, path: path, sheet: sheet}, nil
}

func (s *sheetReader) Close() error { return s.rc.Close() }

func (s *sheetReader) next() (rawRow, error) {
	for !s.done {
		tok, err := s.d.RawToken()
		if errors.Is(err, io.EOF) {
			s.done = true
			if s.inData {
				return rawRow{}, fmt.Errorf("the sheet's data ends early: %w", io.ErrUnexpectedEOF)
			}
			break
		}
		if err != nil {
			return rawRow{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "sheetData":
				s.inData = true
			case "col":
				if !s.inData {
					s.readCol(t)
				}
			case "row":
				if !s.inData {
					continue
				}
				if s.count++; s.count&0xFF == 0 {
					if err := s.ctx.Err(); err != nil {
						return rawRow{}, err
					}
				}
				row, err := s.readRow(t)
				if err != nil {
					return rawRow{}, err
				}
				if isBlank(row.cells) {
					continue
				}
				if s.cells += int64(len(row.cells)); s.cells > s.maxCells {
					return rawRow{}, &FileError{Path: s.path, Sheet: s.sheet, Kind: ErrTooLarge,
						Reason: fmt.Sprintf("sheet %q has more than %d cells, the limit for one sheet", s.sheet, s.maxCells), Hint: hintSplit}
				}
				return row, nil
			}
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				s.done = true
			}
		}
	}
	return rawRow{}, io.EOF
}

// readCol records a hidden column range from <cols>.
func (s *sheetReader) readCol(t xml.StartElement) {
	lo, hi, hidden := 0, 0, false
	for _, a := range t.Attr {
		switch a.Name.Local {
		case "min":
			lo, _ = strconv.Atoi(a.Value)
		case "max":
			hi, _ = strconv.Atoi(a.Value)
		case "hidden":
			hidden = a.Value == "1" || strings.EqualFold(a.Value, "true")
		}
	}
	if hidden && lo >= 1 && hi >= lo {
		s.hidden = append(s.hidden, [2]int{lo, hi})
	}
}

// columnHidden reports whether the sheet hides column col (1-based).
func (s *sheetReader) columnHidden(col int) bool {
	for _, r := range s.hidden {
		if col >= r[0] && col <= r[1] {
			return true
		}
	}
	return false
}

// notes says what the sheet's cells held that could not be read.
func (s *sheetReader) notes() []string {
	var n []string
	if s.noCache > 0 {
		n = append(n, fmt.Sprintf("%s no saved value and read as blank (the program that wrote the file did not calculate them; open and save it in Excel or LibreOffice to fill them in)",
			plural(s.noCache, "formula cell has", "formula cells have")))
	}
	if s.badRef > 0 {
		n = append(n, fmt.Sprintf("%s to a shared string the workbook does not have and read as blank", plural(s.badRef, "cell points", "cells point")))
	}
	return n
}

// readRow reads one <row> element.
func (s *sheetReader) readRow(start xml.StartElement) (rawRow, error) {
	num := 0
	row := rawRow{}
	for _, a := range start.Attr {
		switch a.Name.Local {
		case "r":
			v := strings.TrimSpace(a.Value)
			if v == "" {
				break
			}
			n, err := strconv.Atoi(v)
			switch {
			case err == nil && n > xlsx.MaxRows, errors.Is(err, strconv.ErrRange) && n > 0:
				return row, &xlsx.RefError{Ref: clipRef(a.Value), Reason: fmt.Sprintf("is beyond the last row (%d)", xlsx.MaxRows)}
			case err != nil || n <= 0:
				return row, &xlsx.RefError{Ref: clipRef(a.Value), Row: s.row + 1, Reason: "is not a row number"}
			}
			num = n
		case "hidden":
			row.hidden = a.Value == "1" || strings.EqualFold(a.Value, "true")
		}
	}
	if num <= 0 {
		num = s.row + 1
	}
	if num > xlsx.MaxRows {
		return row, fmt.Errorf("more than %d rows", xlsx.MaxRows)
	}
	s.row, row.num = num, num
	col := 0
	for {
		tok, err := s.d.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = fmt.Errorf("the sheet's data ends inside row %d: %w", num, io.ErrUnexpectedEOF)
			}
			return row, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				if err := skipElement(s.d); err != nil {
					return row, err
				}
				continue
			}
			c, text, meta, err := s.readCell(t, col, num)
			if err != nil {
				return row, err
			}
			col = c
			if c > maxColumns {
				return row, fmt.Errorf("row %d: more than %d cells, a cell beyond the last column (XFD)", num, maxColumns)
			}
			if text == "" {
				continue
			}
			for len(row.cells) < c {
				row.cells = append(row.cells, "")
				row.meta = append(row.meta, cellMeta{})
			}
			row.cells[c-1], row.meta[c-1] = text, meta
		case xml.EndElement:
			if t.Name.Local == "row" {
				return row, nil
			}
		}
	}
}

// readCell reads one <c> element: its column (from its reference, else the
// one after prev), its text as laborcheck reads it, and what else it says.
func (s *sheetReader) readCell(start xml.StartElement, prev, row int) (int, string, cellMeta, error) {
	col, typ, style := prev+1, "", 0
	for _, a := range start.Attr {
		switch a.Name.Local {
		case "r":
			if a.Value == "" {
				break
			}
			c, r, ok := refColumn(a.Value)
			switch {
			case !ok:
				return prev, "", cellMeta{}, &xlsx.RefError{Ref: clipRef(a.Value), Row: row, Reason: "is not a cell reference"}
			case c > maxColumns:
				return prev, "", cellMeta{}, &xlsx.RefError{Ref: clipRef(a.Value), Row: row, Reason: "is beyond the last column (XFD)"}
			case r > xlsx.MaxRows:
				return prev, "", cellMeta{}, &xlsx.RefError{Ref: clipRef(a.Value), Row: row, Reason: fmt.Sprintf("is beyond the last row (%d)", xlsx.MaxRows)}
			}
			col = c
		case "t":
			typ = a.Value
		case "s":
			style, _ = strconv.Atoi(strings.TrimSpace(a.Value))
		}
	}
	var (
		v, inline         string
		hasV, hasF, hasIS bool
		err               error
	)
	for done := false; !done; {
		tok, terr := s.d.RawToken()
		if terr != nil {
			if errors.Is(terr, io.EOF) {
				terr = io.ErrUnexpectedEOF
			}
			return col, "", cellMeta{}, terr
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				v, err = elementText(s.d)
				hasV = true
			case "is":
				inline, err = richText(s.d, "is")
				hasIS = true
			case "f":
				hasF = true
				err = skipElement(s.d)
			default:
				err = skipElement(s.d)
			}
			if err != nil {
				return col, "", cellMeta{}, err
			}
		case xml.EndElement:
			done = true
		}
	}
	text, meta := s.cellValue(typ, style, v, inline, hasIS)
	if text == "" && hasF && !hasV {
		s.noCache++
	}
	return col, text, meta, nil
}

// cellValue interprets a cell's stored value by its type and style.
func (s *sheetReader) cellValue(typ string, style int, v, inline string, hasIS bool) (string, cellMeta) {
	switch typ {
	case "s":
		if v == "" {
			return "", cellMeta{}
		}
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(s.wb.sst) {
			s.badRef++
			return "", cellMeta{}
		}
		return s.wb.sst[i], cellMeta{}
	case "inlineStr":
		if hasIS {
			return inline, cellMeta{}
		}
		return v, cellMeta{}
	case "str", "d":
		return v, cellMeta{}
	case "b":
		switch v {
		case "1":
			return "TRUE", cellMeta{kind: cellBool}
		case "0":
			return "FALSE", cellMeta{kind: cellBool}
		}
		return v, cellMeta{kind: cellBool}
	case "e":
		return v, cellMeta{kind: cellError}
	}
	if v == "" {
		return "", cellMeta{}
	}
	text, f, ok := normalizeNumber(v)
	if !ok {
		return v, cellMeta{}
	}
	var xf xfInfo
	if style >= 0 && style < len(s.wb.xfs) {
		xf = s.wb.xfs[style]
	}
	switch xf.kind {
	case fmtDate:
		return isoDate(f, text, s.wb.date1904), cellMeta{kind: cellDate, stored: text}
	case fmtTime:
		return clockTime(f), cellMeta{kind: cellTime}
	case fmtElapsed:
		hours := strconv.FormatFloat(math.Round(f*24*1e6)/1e6, 'f', -1, 64)
		return elapsedTime(f), cellMeta{kind: cellElapsed, stored: hours}
	}
	return text, cellMeta{kind: cellNumber, currency: xf.currency}
}

// normalizeNumber renders a stored number as spreadsheets show it in the
// General format, as excelize does: without exponent unless it has more
// than 15 significant digits. ok is false when v is not a number.
func normalizeNumber(v string) (string, float64, bool) {
	if strings.Contains(v, "_") {
		return v, 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return v, 0, false
	}
	plain := strconv.FormatFloat(f, 'f', -1, 64)
	if prec := len(plain) - strings.Count(plain, "."); prec > 15 && !wholeWithin15(v) {
		return strconv.FormatFloat(f, 'G', 15, 64), f, true
	}
	return plain, f, true
}

// wholeWithin15 reports an integer with at most 15 significant digits
// before trailing zeros, which a spreadsheet shows in full.
func wholeWithin15(s string) bool {
	if strings.ContainsAny(s, ".Ee") {
		return false
	}
	s = strings.TrimLeft(s, "+-0")
	return len(strings.TrimRight(s, "0")) <= 15
}

// isoDate renders a date serial as an ISO date, or returns fallback when it
// is not a date.
func isoDate(f float64, fallback string, date1904 bool) string {
	t, err := excelize.ExcelDateToTime(f, date1904)
	if err != nil || t.Year() < 1900 || t.Year() > 9999 {
		return fallback
	}
	return t.Format(time.DateOnly)
}

// clockTime renders the time-of-day part of a serial as hh:mm or hh:mm:ss.
func clockTime(f float64) string {
	secs := int64(math.Round((f - math.Floor(f)) * 86400))
	if secs >= 86400 {
		secs = 0
	}
	h, m, sec := secs/3600, secs/60%60, secs%60
	if sec == 0 {
		return fmt.Sprintf("%02d:%02d", h, m)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, sec)
}

// elapsedTime renders a duration in days as hours and minutes: 2 → "48:00".
func elapsedTime(f float64) string {
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	mins := int64(math.Round(f * 24 * 60))
	return fmt.Sprintf("%s%d:%02d", sign, mins/60, mins%60)
}

// refColumn reads the 1-based column and row of a cell reference such as
// "AB12" or "$AB$12". ok is false when ref is not letters followed by
// digits; a column or row too large to count is returned as one past the
// last.
func refColumn(ref string) (col, row int, ok bool) {
	i := 0
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	start := i
	for ; i < len(ref); i++ {
		c := ref[i]
		switch {
		case c >= 'A' && c <= 'Z':
			col = col*26 + int(c-'A'+1)
		case c >= 'a' && c <= 'z':
			col = col*26 + int(c-'a'+1)
		default:
			goto digits
		}
		col = min(col, maxColumns+1)
	}
digits:
	if i == start {
		return 0, 0, false
	}
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	if i == len(ref) {
		return 0, 0, false
	}
	for ; i < len(ref); i++ {
		c := ref[i]
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		row = min(row*10+int(c-'0'), xlsx.MaxRows+1)
	}
	return col, row, row > 0
}

// clipRef keeps a reference short enough to quote in a message.
func clipRef(ref string) string {
	if len(ref) > 40 {
		return ref[:40] + "…"
	}
	return ref
}

// elementText returns the character data up to the end of the current
// element.
func elementText(d *xml.Decoder) (string, error) {
	var b strings.Builder
	depth := 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return b.String(), nil
			}
			depth--
		case xml.CharData:
			b.Write(t)
		}
	}
}

// skipElement reads up to the end of the current element. (Decoder.Skip
// cannot be used with RawToken.)
func skipElement(d *xml.Decoder) error {
	depth := 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			depth--
		}
	}
}
