package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"
)

// Row is one row of a worksheet, as ReadRows hands it on.
type Row struct {
	// Num is the 1-based row number from the row's r attribute, or one
	// more than the previous row's when it has none.
	Num int
	// Hidden is set when the row is hidden (its hidden attribute).
	Hidden bool
	// Cells are the row's cells in file order (a cell without an r
	// attribute takes the column after the previous cell), Blank cells
	// (styled cells without a value) included; it may be empty. Cells and
	// every Value are reused after the callback returns: copy what you
	// keep.
	Cells []Cell
	// HiddenColumns are the column ranges the sheet hides (its <cols>):
	// the same slice for every row of a sheet, never changed.
	HiddenColumns []ColumnRange
}

// ColumnRange is a range of columns, 0-based and inclusive.
type ColumnRange struct{ First, Last int }

// Rows streams the rows of the named sheet (matched exactly, else
// case-insensitively) to fn, in file order: ReadRows with the row number and
// cells alone.
func (w *Workbook) Rows(ctx context.Context, sheet string, fn func(row int, cells []Cell) error) error {
	return w.ReadRows(ctx, sheet, func(r *Row) error { return fn(r.Num, r.Cells) })
}

// ReadRows streams the rows of the named sheet (matched exactly, else
// case-insensitively) to fn, in file order. fn sees only the rows written
// in the sheet's XML: missing row numbers are not filled with blank rows, so
// a lone formatted row at 1,048,576 costs one call. The *Row and its cells
// are reused after fn returns.
//
// A cell or row reference a worksheet cannot have stops the read with a
// *RefError, an entity reference XML does not define with an *EntityError;
// a damaged or malformed part gives an error wrapping ErrFormat, an
// over-size shared strings table one wrapping ErrTooLarge. An error from fn
// stops the read and is returned as is. Cancelling ctx stops it within about
// a thousand rows.
func (w *Workbook) ReadRows(ctx context.Context, sheet string, fn func(*Row) error) error {
	i, ok := w.sheetByName(sheet)
	if !ok {
		return fmt.Errorf("%w: %q", ErrNoSheet, sheet)
	}
	_, err := w.ReadSheet(ctx, i, fn)
	return err
}

// SheetEnd is what a worksheet says after its rows.
type SheetEnd struct {
	// Merged are the sheet's merged cell ranges (<mergeCells>), in file
	// order; a merged range keeps its value in its first cell only. At most
	// MaxMerged are kept.
	Merged []CellRange
	// MoreMerged counts the merged ranges past MaxMerged.
	MoreMerged int
}

// MaxMerged is the most merged ranges ReadSheet keeps of one sheet.
const MaxMerged = 100_000

// CellRange is a rectangle of cells: columns 0-based, rows 1-based, both
// inclusive.
type CellRange struct{ FirstCol, FirstRow, LastCol, LastRow int }

// ReadSheet is ReadRows for the sheet at index i of Sheets (so that sheets
// whose names differ only in case are told apart); it then reads what the
// sheet says after its rows.
func (w *Workbook) ReadSheet(ctx context.Context, i int, fn func(*Row) error) (SheetEnd, error) {
	if i < 0 || i >= len(w.sheets) {
		return SheetEnd{}, fmt.Errorf("%w: sheet %d", ErrNoSheet, i)
	}
	si := w.sheets[i]
	zf := w.part(si.Part)
	if zf == nil {
		return SheetEnd{}, fmt.Errorf("%w: sheet %q has no part in the package", ErrFormat, si.Name)
	}
	rc, err := w.openPart(ctx, zf)
	if err != nil {
		return SheetEnd{}, fmt.Errorf("%w: sheet %q: damaged part %s: %v", ErrFormat, si.Name, zf.Name, err)
	}
	defer rc.Close()
	p := sheetParser{w: w, ctx: ctx, sc: newScanner(rc), fn: fn}
	err = p.run()
	if err == nil {
		err = p.tail()
	}
	switch {
	case err == nil, p.fnErr:
		return p.end, err
	case ctx.Err() != nil:
		return p.end, ctx.Err()
	case errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrChecksum), errors.Is(err, io.ErrUnexpectedEOF):
		return p.end, fmt.Errorf("%w: sheet %q: part %s is damaged: its data does not match the zip directory", ErrFormat, si.Name, zf.Name)
	case errors.Is(err, ErrFormat), errors.Is(err, ErrTooLarge):
		return p.end, fmt.Errorf("xlsx: sheet %q: %w", si.Name, err)
	}
	return p.end, fmt.Errorf("%w: sheet %q: %v", ErrFormat, si.Name, err)
}

// tail reads the part after </sheetData> for the merged cells.
func (p *sheetParser) tail() error {
	sc := p.sc
	for {
		k, err := sc.next()
		if err != nil || k == tokEOF {
			return err
		}
		if k != tokStart || string(sc.name) != "mergeCell" {
			continue
		}
		v, ok := attrValue(sc.attrs, "ref")
		if !ok {
			continue
		}
		a, b, found := bytes.Cut(v, []byte(":"))
		c1, r1, ok1, over1 := parseCellRef(a)
		c2, r2, ok2, over2 := parseCellRef(b)
		if !found || !ok1 || !ok2 || over1 || over2 || c2 < c1 || r2 < r1 {
			continue // not a range a sheet can have: nothing is merged
		}
		if len(p.end.Merged) >= MaxMerged {
			p.end.MoreMerged++
			continue
		}
		p.end.Merged = append(p.end.Merged, CellRange{c1, r1, c2, r2})
	}
}

type sheetParser struct {
	w     *Workbook
	ctx   context.Context
	sc    *scanner
	fn    func(*Row) error
	fnErr bool // the error came from fn

	sst   *sharedStrings
	end   SheetEnd
	row   Row
	spans []span // where each cell's value lies in vals (a < 0: Value already set)
	vals  []byte
	rows  int
	// rowRef is the row's number in decimal, for quickTag to match cell
	// references against.
	rowRef []byte
}

type span struct{ a, b int }

// Cell type attribute values.
const (
	typeNumber = iota
	typeShared
	typeInline
	typeStr
	typeBool
	typeError
	typeDate
)

// maxTextBytes is the most bytes of one value kept while reading it: enough
// for MaxCellText characters of any kind, so that the cut to MaxCellText
// characters is made on the kept bytes.
const maxTextBytes = 4*MaxCellText + 4

func (p *sheetParser) run() error {
	sc := p.sc
	for {
		k, err := sc.next()
		if err != nil {
			return err
		}
		if k == tokEOF {
			return nil // no sheetData: no rows (chart sheets, empty parts)
		}
		if k != tokStart {
			continue
		}
		if string(sc.name) == "col" {
			p.col()
			continue
		}
		if string(sc.name) == "sheetData" {
			if sc.empty {
				return nil
			}
			break
		}
	}
	row := 0
	for {
		k, err := sc.next()
		if err != nil {
			return err
		}
		switch k {
		case tokEOF:
			return errUnexpectedEOF
		case tokEnd:
			if string(sc.name) == "sheetData" {
				return nil
			}
		case tokStart:
			if string(sc.name) != "row" {
				if err := sc.skip(); err != nil {
					return err
				}
				continue
			}
			// One pass over the row's attributes for its number and
			// whether it is hidden.
			var v []byte
			hasR, hidden := false, false
			for a := sc.attrs; ; {
				name, val, rest, ok := nextAttr(a)
				if !ok {
					break
				}
				a = rest
				switch string(name) {
				case "r":
					v, hasR = val, true
				case "hidden":
					hidden = xmlBool(string(val))
				}
			}
			if hasR && len(bytes.TrimSpace(v)) > 0 {
				switch n := parseUint(v, MaxRows+1); {
				case n < 0 && isDigits(bytes.TrimSpace(v)), n > MaxRows:
					return newRefError(v, 0, fmt.Sprintf("is beyond the last row (%d)", MaxRows))
				case n <= 0:
					return newRefError(v, row+1, "is not a row number")
				default:
					row = n
				}
			} else {
				row++
			}
			if row > MaxRows {
				return fmt.Errorf("more than %d rows", MaxRows)
			}
			if err := p.readRow(row, hidden); err != nil {
				return err
			}
		}
	}
}

// col records a hidden column range from a <col> element (before the
// rows).
func (p *sheetParser) col() {
	lo, hi, hidden := -1, -1, false
	for a := p.sc.attrs; ; {
		name, v, rest, ok := nextAttr(a)
		if !ok {
			break
		}
		a = rest
		switch string(name) {
		case "min":
			lo = parseUint(v, MaxColumns+1)
		case "max":
			hi = parseUint(v, 1<<30)
		case "hidden":
			hidden = xmlBool(string(v))
		}
	}
	if !hidden || lo < 1 || lo > MaxColumns || hi < lo {
		return
	}
	r := p.row.HiddenColumns
	p.row.HiddenColumns = append(r[:len(r):len(r)], ColumnRange{lo - 1, min(hi, MaxColumns) - 1})
}

// readRow reads the cells of the row whose start tag was just read and
// calls fn.
func (p *sheetParser) readRow(row int, hidden bool) error {
	sc := p.sc
	p.row.Num, p.row.Hidden = row, hidden
	p.row.Cells, p.spans, p.vals = p.row.Cells[:0], p.spans[:0], p.vals[:0]
	p.rowRef = strconv.AppendInt(p.rowRef[:0], int64(row), 10)
	if !sc.empty {
		col := -1
	cells:
		for {
			if c, ok, err := p.fastCell(col, row); err != nil {
				return err
			} else if ok {
				col = c
				continue
			}
			k, err := sc.next()
			if err != nil {
				return err
			}
			switch k {
			case tokEOF:
				return errUnexpectedEOF
			case tokEnd:
				break cells
			case tokStart:
				if string(sc.name) == "c" {
					if col, err = p.cell(col, row); err != nil {
						return err
					}
				} else if err := sc.skip(); err != nil {
					return err
				}
			}
		}
	}
	for i, s := range p.spans {
		if s.a >= 0 {
			p.row.Cells[i].Value = p.vals[s.a:s.b:s.b]
		}
	}
	p.rows++
	if p.rows&1023 == 0 {
		if err := p.ctx.Err(); err != nil {
			return err
		}
	}
	if err := p.fn(&p.row); err != nil {
		p.fnErr = true
		return err
	}
	return nil
}

// cell reads a <c> element whose start tag was just read; prev is the
// previous cell's column. It returns this cell's column.
// fastCell reads the cell at the scanner's position when its start tag is
// whole in the buffer and written the usual way (see cellAttrs), without
// the general tokenizer; ok is false, with nothing consumed, for anything
// else.
func (p *sheetParser) fastCell(prev, row int) (col int, ok bool, err error) {
	sc := p.sc
	b := sc.buf[sc.pos:sc.end]
	if len(b) < 4 || b[0] != '<' || b[1] != 'c' || b[2] != ' ' {
		return prev, false, nil
	}
	if n, c, style, typ, attrEnd := p.quickTag(b); n > 0 {
		sc.name, sc.attrs, sc.empty = b[1:2], b[2:attrEnd], b[n-2] == '/'
		sc.pos += n
		col, err = p.cellBody(prev, row, c, style, typ)
		return col, true, err
	}
	j := bytes.IndexByte(b[3:], '>')
	if j < 0 {
		return prev, false, nil
	}
	j += 3
	attrs, empty := b[2:j], false
	if b[j-1] == '/' {
		attrs, empty = b[2:j-1], true
	}
	r, sv, tv, seen, ok := cellAttrs(attrs)
	if !ok {
		return prev, false, nil // a '>' in a quoted value fails here too
	}
	sc.name, sc.attrs, sc.empty = b[1:2], attrs, empty
	sc.pos += j + 1
	col, err = p.cellFrom(prev, row, r, sv, tv, seen)
	return col, true, err
}

// quickTags turns quickTag off, for tests that compare with and without.
var quickTags = true

// quickTag reads the <c> start tag at the start of b when it is written
// exactly as spreadsheet programs write most of them: ` r="B7"` whose row
// is the row's own, in capitals and plain digits, then at most ` s="N"`
// (plain digits) and ` t="x"` (letters), in that order, and ">" or "/>".
// It returns the tag's length, the cell's column, style and type, and
// where its attributes end; n is 0 for anything else, which cellAttrs and
// the general reader then read as before. Matching the row's number as
// text spares parsing the reference for it.
func (p *sheetParser) quickTag(b []byte) (n, col, style, typ, attrEnd int) {
	if !quickTags || len(b) < 10 || string(b[3:6]) != `r="` {
		return 0, 0, 0, 0, 0
	}
	i, c := 6, 0
	for ; i < len(b) && i < 9 && 'A' <= b[i] && b[i] <= 'Z'; i++ {
		c = c*26 + int(b[i]-'A'+1)
	}
	ref := p.rowRef
	if i == 6 || c > MaxColumns || len(b) < i+len(ref)+1 || string(b[i:i+len(ref)]) != string(ref) || b[i+len(ref)] != '"' {
		return 0, 0, 0, 0, 0
	}
	i += len(ref) + 1
	col, typ = c-1, typeNumber
	if len(b) >= i+4 && string(b[i:i+4]) == ` s="` {
		j := i + 4
		for ; j < len(b) && j < i+13 && '0' <= b[j] && b[j] <= '9'; j++ {
			style = style*10 + int(b[j]-'0')
		}
		if j == i+4 || j == len(b) || b[j] != '"' {
			return 0, 0, 0, 0, 0
		}
		i = j + 1
	}
	if len(b) >= i+4 && string(b[i:i+4]) == ` t="` {
		j := i + 4
		for ; j < len(b) && j < i+16 && ('a' <= b[j] && b[j] <= 'z' || 'A' <= b[j] && b[j] <= 'Z'); j++ {
		}
		if j == len(b) || b[j] != '"' {
			return 0, 0, 0, 0, 0
		}
		typ = cellType(b[i+4:j], typ)
		i = j + 1
	}
	switch {
	case i < len(b) && b[i] == '>':
		return i + 1, col, style, typ, i
	case i+1 < len(b) && b[i] == '/' && b[i+1] == '>':
		return i + 2, col, style, typ, i
	}
	return 0, 0, 0, 0, 0
}

func (p *sheetParser) cell(prev, row int) (int, error) {
	sc := p.sc
	if r, sv, tv, seen, ok := cellAttrs(sc.attrs); ok {
		return p.cellFrom(prev, row, r, sv, tv, seen)
	}
	col, style, typ := -1, 0, typeNumber
	for a := sc.attrs; ; {
		name, v, rest, ok := nextAttr(a)
		if !ok {
			break
		}
		a = rest
		if len(name) != 1 {
			continue
		}
		switch name[0] {
		case 'r':
			if len(v) == 0 {
				break // no reference: the column after the previous cell
			}
			c, err := cellColumn(v, row, prev)
			if err != nil {
				return prev, err
			}
			col = c
		case 's':
			style = max(parseUint(v, 1<<30), 0)
		case 't':
			typ = cellType(v, typ)
		}
	}
	return p.cellBody(prev, row, col, style, typ)
}

// cellFrom reads the rest of a cell whose attributes cellAttrs read.
func (p *sheetParser) cellFrom(prev, row int, r, sv, tv []byte, seen uint8) (int, error) {
	col, style, typ := -1, 0, typeNumber
	if seen&attrR != 0 && len(r) > 0 {
		c, err := cellColumn(r, row, prev)
		if err != nil {
			return prev, err
		}
		col = c
	}
	if seen&attrS != 0 {
		style = max(parseUint(sv, 1<<30), 0)
	}
	if seen&attrT != 0 {
		typ = cellType(tv, typ)
	}
	return p.cellBody(prev, row, col, style, typ)
}

// cellBody reads a cell's content, its start tag read: col is -1 when the
// tag gave no reference.
func (p *sheetParser) cellBody(prev, row, col, style, typ int) (int, error) {
	sc := p.sc
	if col < 0 {
		col = prev + 1
	}
	if col >= MaxColumns {
		return col, fmt.Errorf("row %d: more than %d cells, a cell beyond the last column (%s)", row, MaxColumns, ColumnLetter(MaxColumns-1))
	}
	if sc.empty {
		p.add(col, style, Blank, -1, -1)
		return col, nil
	}
	var err error
	va, vb, ia, ib := -1, -1, -1, -1
	formula, cut := false, false
	if v, n := sc.fastValue(); n > 0 {
		// Fast path for the common "<v>…</v></c>".
		if typ == typeShared && p.sst != nil {
			// A shared string's index, in plain digits: the string
			// itself, without copying the digits first.
			if idx := parseUint(v, 1<<40); idx >= 0 && idx < p.sst.len() {
				sc.pos += n
				s, long := p.sst.get(idx)
				p.row.Cells = append(p.row.Cells, Cell{Col: col, Kind: String, Style: style, Value: s, Text: p.sst.str(idx), Truncated: long, Shared: int32(idx + 1)})
				p.spans = append(p.spans, span{-1, -1})
				return col, nil
			}
		}
		va = len(p.vals)
		if p.vals, err = appendText(p.vals, v); err != nil {
			return col, err
		}
		vb = len(p.vals)
		sc.pos += n
		goto kind
	}
	for depth := 0; ; {
		k, err := sc.next()
		if err != nil {
			return col, err
		}
		if k == tokEOF {
			return col, errUnexpectedEOF
		}
		if k == tokEnd {
			if depth == 0 {
				break
			}
			depth--
			continue
		}
		switch string(sc.name) {
		case "v":
			if sc.empty {
				va, vb = len(p.vals), len(p.vals)
				continue
			}
			va = len(p.vals)
			var c bool
			if p.vals, c, err = sc.text(p.vals, va, maxTextBytes); err != nil {
				return col, err
			}
			cut = cut || c
			vb = len(p.vals)
			depth++ // the </v> follows
		case "is":
			if sc.empty {
				ia, ib = len(p.vals), len(p.vals)
				continue
			}
			ia = len(p.vals)
			var c bool
			if p.vals, c, err = richText(sc, p.vals, ia); err != nil {
				return col, err
			}
			cut = cut || c
			p.vals = append(p.vals[:ia], unescapeBSTR(p.vals[ia:])...)
			ib = len(p.vals)
		case "f":
			formula = true
			if err := sc.skip(); err != nil {
				return col, err
			}
		default: // extensions
			if err := sc.skip(); err != nil {
				return col, err
			}
		}
	}
kind:
	if va >= 0 && vb-va > MaxCellText {
		var c bool
		if vb, c = capRunes(p.vals, va, vb); c {
			p.vals, cut = p.vals[:vb], true
		}
	}
	if ia >= 0 && ib-ia > MaxCellText {
		var c bool
		if ib, c = capRunes(p.vals, ia, ib); c {
			p.vals, cut = p.vals[:ib], true
		}
	}
	if formula && va < 0 && ia < 0 {
		// A formula the program that wrote the file never calculated: its
		// value is unknown, which is not the same as blank.
		p.add(col, style, Uncached, -1, -1)
		return col, nil
	}
	switch typ {
	case typeShared:
		if va < 0 || va == vb {
			p.add(col, style, Blank, -1, -1)
			break
		}
		idx := parseUint(p.vals[va:vb], 1<<40)
		if p.sst == nil {
			if p.sst, err = p.w.sharedStrings(p.ctx); err != nil {
				return col, err
			}
		}
		if idx < 0 || idx >= p.sst.len() {
			// The value is unknown: the cell says which string, and the
			// workbook does not have it.
			p.add(col, style, BadShared, va, vb)
			break
		}
		v, long := p.sst.get(idx)
		p.vals = p.vals[:va]
		p.row.Cells = append(p.row.Cells, Cell{Col: col, Kind: String, Style: style, Value: v, Text: p.sst.str(idx), Truncated: long, Shared: int32(idx + 1)})
		p.spans = append(p.spans, span{-1, -1})
		return col, nil
	case typeInline:
		switch {
		case ia >= 0:
			p.add(col, style, String, ia, ib)
		case va >= 0:
			p.add(col, style, String, va, vb)
		default:
			p.add(col, style, Blank, -1, -1)
		}
	case typeStr:
		if va < 0 {
			p.add(col, style, Blank, -1, -1)
		} else {
			p.add(col, style, String, va, vb) // a formula's empty string stays a String
		}
	case typeBool:
		p.addV(col, style, Bool, va, vb)
	case typeError:
		p.addV(col, style, Error, va, vb)
	case typeDate:
		if va == vb {
			p.add(col, style, Blank, -1, -1)
			break
		}
		if serial, ok := isoToSerial(p.vals[va:vb], p.w.Date1904); ok {
			p.vals = strconv.AppendFloat(p.vals[:va], serial, 'f', -1, 64)
			p.add(col, style, ISODate, va, len(p.vals))
		} else {
			p.add(col, style, String, va, vb)
		}
	default:
		kind := Number
		if style > 0 && style < len(p.w.isDate) && p.w.isDate[style] {
			kind = Date
		}
		p.addV(col, style, kind, va, vb)
	}
	if cut {
		p.row.Cells[len(p.row.Cells)-1].Truncated = true
	}
	return col, nil
}

// capRunes cuts b[from:to] to MaxCellText characters: it returns the new
// end and whether it cut.
func capRunes(b []byte, from, to int) (int, bool) {
	n := 0
	for i := from; i < to; {
		if n == MaxCellText {
			return i, true
		}
		if b[i] < utf8.RuneSelf {
			i++
		} else {
			_, size := utf8.DecodeRune(b[i:to])
			i += size
		}
		n++
	}
	return to, false
}

// cellColumn is the column of a cell's r attribute, or the error that
// refuses the sheet.
func cellColumn(v []byte, row, prev int) (int, error) {
	c, _, ok, over := parseCellRef(v)
	switch {
	case !ok:
		return prev, newRefError(v, row, "is not a cell reference")
	case over && c >= MaxColumns:
		return prev, newRefError(v, row, fmt.Sprintf("is beyond the last column (%s)", ColumnLetter(MaxColumns-1)))
	case over:
		return prev, newRefError(v, row, fmt.Sprintf("is beyond the last row (%d)", MaxRows))
	}
	return c, nil
}

// cellType reads a cell's t attribute; a type it does not know leaves typ.
func cellType(v []byte, typ int) int {
	switch string(v) {
	case "s":
		return typeShared
	case "inlineStr":
		return typeInline
	case "str":
		return typeStr
	case "b":
		return typeBool
	case "e":
		return typeError
	case "d":
		return typeDate
	}
	return typ
}

// Attributes cellAttrs saw.
const (
	attrR = 1 << iota
	attrS
	attrT
)

// cellAttrs reads the attributes of a <c> start tag written the way
// spreadsheet programs write them: ` name="value"`, one space before each,
// double quotes, no namespace prefix, r, s and t at most once each. It
// returns ok false for anything else, which nextAttr then reads: the two
// agree on every input cellAttrs accepts (FuzzCellAttrs).
func cellAttrs(a []byte) (r, s, t []byte, seen uint8, ok bool) {
	i := 0
	for i < len(a) {
		if a[i] != ' ' || i+1 == len(a) || isSpace(a[i+1]) {
			for ; i < len(a); i++ {
				if !isSpace(a[i]) {
					return nil, nil, nil, 0, false
				}
			}
			break // space before the end of the tag
		}
		n := i + 1 // the name
		e := n
		for e < len(a) && a[e] != '=' {
			if !isNameByte(a[e]) {
				return nil, nil, nil, 0, false
			}
			e++
		}
		if e == n || e+1 >= len(a) || a[e+1] != '"' {
			return nil, nil, nil, 0, false
		}
		v := e + 2
		q := v
		for q < len(a) && a[q] != '"' {
			q++
		}
		if q == len(a) {
			return nil, nil, nil, 0, false
		}
		if e == n+1 {
			var bit uint8
			switch a[n] {
			case 'r':
				bit, r = attrR, a[v:q]
			case 's':
				bit, s = attrS, a[v:q]
			case 't':
				bit, t = attrT, a[v:q]
			}
			if seen&bit != 0 {
				return nil, nil, nil, 0, false
			}
			seen |= bit
		}
		i = q + 1
	}
	return r, s, t, seen, true
}

// isNameByte reports whether c may be in an attribute name cellAttrs takes
// (no ':', so no prefixes).
func isNameByte(c byte) bool { return nameBytes[c] }

var nameBytes = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.'
	}
	return t
}()

// addV adds a cell whose value is its <v>, or a Blank cell when there is no
// <v> or it is empty.
func (p *sheetParser) addV(col, style int, kind CellKind, a, b int) {
	if a == b {
		kind = Blank
	}
	p.add(col, style, kind, a, b)
}

func (p *sheetParser) add(col, style int, kind CellKind, a, b int) {
	if a < 0 {
		a, b = 0, 0
	}
	p.row.Cells = append(p.row.Cells, Cell{Col: col, Kind: kind, Style: style})
	p.spans = append(p.spans, span{a, b})
}

// attrValue returns the raw value of the named attribute (local name).
func attrValue(attrs []byte, name string) ([]byte, bool) {
	for {
		n, v, rest, ok := nextAttr(attrs)
		if !ok {
			return nil, false
		}
		if string(n) == name {
			return v, true
		}
		attrs = rest
	}
}

var (
	epoch1900 = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	epoch1904 = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	jan1900   = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	march1900 = time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)
)

var isoLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02Z07:00",
	"2006-01-02",
}

var isoTimeLayouts = []string{
	"15:04:05.999999999",
	"T15:04:05.999999999",
	"15:04",
}

// isoToSerial converts the ISO 8601 value of a t="d" cell to a serial date
// number in the workbook's date system (a time alone becomes a fraction of a
// day). A zone offset is ignored: the wall-clock time is kept, as
// spreadsheets have no time zones.
func isoToSerial(v []byte, date1904 bool) (float64, bool) {
	s := string(v)
	for _, l := range isoTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			secs := t.Hour()*3600 + t.Minute()*60 + t.Second()
			return (float64(secs) + float64(t.Nanosecond())/1e9) / 86400, true
		}
	}
	var t time.Time
	var err error
	for _, l := range isoLayouts {
		if t, err = time.Parse(l, s); err == nil {
			break
		}
	}
	if err != nil {
		return 0, false
	}
	t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	epoch := epoch1900
	if date1904 {
		epoch = epoch1904
	}
	if t.Before(epoch) || (!date1904 && t.Before(jan1900)) {
		return 0, false
	}
	secs := t.Unix() - epoch.Unix()
	serial := (float64(secs) + float64(t.Nanosecond())/1e9) / 86400
	if !date1904 && t.Before(march1900) {
		// Serial numbers before 1900-03-01 are one lower: the 1900 date
		// system counts a 29 February 1900 that never was.
		serial--
	}
	return serial, true
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}
