package source

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	"github.com/laborcheck/laborcheck/internal/xlsx"
)

// Worksheets are read with internal/xlsx, a byte-level reader many times
// faster than encoding/xml and the one reader of sheet XML in laborcheck. A
// producer goroutine reads the sheet and turns its rows into rawRows; the
// table takes them from a channel.

// sheetSource is a source of rows that holds resources.
type sheetSource interface {
	rowSource
	Close() error
}

// xlsxSheet is the rowSource of one worksheet.
type xlsxSheet struct {
	r    *reader
	wb   *workbook
	ws   wbSheet
	ch   chan fastBatch
	free chan *rowSlab // slabs the table is done with
	stop context.CancelFunc
	wg   sync.WaitGroup
	held []heldSlab

	// keep is how many columns the table reads (those of its header), 0
	// until it knows: cells further right are not kept, only noted.
	keep atomic.Int64

	cur        []rawRow
	n          int  // rows returned
	ended      bool // every row of the sheet has been read
	final      error
	hiddenCols []xlsx.ColumnRange
	// Cells the sheet could not give a value for, among the rows returned
	// (all of the sheet's once it has ended).
	uncached, badShared int
	end                 fastBatch // the last batch, once received
}

// fastBatch is rows handed from the producer to the table, or (end) the
// end of them: err is io.EOF or a failure to report.
type fastBatch struct {
	rows []rawRow
	slab *rowSlab // holds rows and their cells
	cols []xlsx.ColumnRange
	end  bool
	err  error
	// At the end: cells without a value in rows that were not handed on
	// (blank rows), and the sheet's merged ranges.
	uncached, badShared int
	merged              xlsx.SheetEnd
}

// rowSlab is the memory of a batch of rows: the rows and their cells'
// texts and metadata. Once the table is done with a batch's rows, the slab
// goes back to the producer for another batch, so that reading a sheet
// does not allocate per row.
type rowSlab struct {
	rows  []rawRow
	cells []string
	metas []cellMeta
	// refs counts the slab's users: the source while the table may hold
	// its rows, and each Row handed on until it is released. The last one
	// out returns the slab to free.
	refs atomic.Int32
	free chan *rowSlab
}

func (s *rowSlab) hold() { s.refs.Add(1) }

func (s *rowSlab) release() {
	if s.refs.Add(-1) != 0 {
		return
	}
	clear(s.rows)
	clear(s.cells)
	clear(s.metas)
	select {
	case s.free <- s:
	default:
	}
}

// heldSlab is a slab whose rows the table may still hold: until the table
// has been handed rowsHeld more rows.
type heldSlab struct {
	slab *rowSlab
	end  int // rows returned when its last row was
}

// testHookSheet, when set, is called as a worksheet's reading starts: tests
// make it panic to stand for a fault in the reader.
var testHookSheet func(path, sheet string)

const fastBatchRows = 128

// maxSlabCells bounds the cells of one batch's slab (about 4 MB), unless one
// row needs more.
const maxSlabCells = 1 << 16

func (r *reader) openSheet(wb *workbook, ws wbSheet) *xlsxSheet {
	if testHookSheet != nil {
		testHookSheet(r.path, ws.name)
	}
	ctx, cancel := context.WithCancel(r.ctx)
	f := &xlsxSheet{r: r, wb: wb, ws: ws, ch: make(chan fastBatch, 4), free: make(chan *rowSlab, 8), stop: cancel}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		f.produce(ctx)
	}()
	return f
}

// Close stops the producer and waits for it.
func (f *xlsxSheet) Close() error {
	f.stop()
	for range f.ch {
	}
	f.wg.Wait()
	return nil
}

func (f *xlsxSheet) next() (rawRow, error) {
	for {
		switch {
		case f.final != nil:
			return rawRow{}, f.final
		case len(f.cur) > 0:
			row := f.cur[0]
			f.cur = f.cur[1:]
			f.n++
			f.uncached += int(row.uncached)
			f.badShared += int(row.badShared)
			f.recycle()
			return row, nil
		}
		b, ok := <-f.ch
		if b.cols != nil {
			f.hiddenCols = b.cols
		}
		switch {
		case !ok:
			// The producer stops without a last batch only when the read
			// is cancelled; say so rather than blame the sheet.
			f.final = cmp.Or(f.r.ctx.Err(), errors.New("the sheet reader stopped early"))
		case !b.end:
			f.cur = b.rows
			f.held = append(f.held, heldSlab{b.slab, f.n + len(b.rows)})
		case b.err == io.EOF:
			f.ended, f.end = true, b
			f.uncached += b.uncached
			f.badShared += b.badShared
			f.final = io.EOF
		default:
			var pe *panicError
			if errors.As(b.err, &pe) {
				// A fault of the reader: panic here, where the sheet's
				// recovery makes it an internal error.
				panic(pe.v)
			}
			f.final = b.err
		}
	}
}

// recycle lets go of the slabs of rows the table can no longer hold (see
// rowsHeld); a slab returns to the producer once the rows handed on from it
// are released too.
func (f *xlsxSheet) recycle() {
	for len(f.held) > 0 && f.n-f.held[0].end > rowsHeld {
		f.held[0].slab.release()
		f.held = f.held[1:]
	}
}

// keepColumns says the table reads only the first n columns: the producer
// keeps no cells further right, so that a sheet with a stray cell in column
// XFD on every row costs no more than its table.
func (f *xlsxSheet) keepColumns(n int) { f.keep.Store(int64(n)) }

// columnHidden reports whether the sheet hides column col (1-based).
func (f *xlsxSheet) columnHidden(col int) bool {
	for _, r := range f.hiddenCols {
		if col-1 >= r.First && col-1 <= r.Last {
			return true
		}
	}
	return false
}

// notes says what the sheet's cells held that could not be read, among the
// rows read.
func (f *xlsxSheet) notes() []string {
	var n []string
	if f.uncached > 0 {
		n = append(n, fmt.Sprintf("%s (the program that wrote the file did not calculate them; open and save it in Excel or LibreOffice to fill them in)",
			plural(f.uncached, "formula cell has no saved value: its value is unknown", "formula cells have no saved value: their values are unknown")))
	}
	if f.badShared > 0 {
		n = append(n, plural(f.badShared, "cell points to a shared string the workbook does not have: its value is unknown",
			"cells point to a shared string the workbook does not have: their values are unknown"))
	}
	return n
}

// merged returns the sheet's merged ranges, once every row has been read.
func (f *xlsxSheet) merged() []xlsx.CellRange {
	if !f.ended {
		return nil
	}
	return f.end.merged.Merged
}

// produce reads the sheet and sends its rows.
func (f *xlsxSheet) produce(ctx context.Context) {
	defer close(f.ch)
	p := &fastProducer{f: f, ctx: ctx, wb: f.wb, maxCells: f.r.lim.MaxCells}
	end := fastBatch{end: true}
	var merged xlsx.SheetEnd
	err := func() (err error) {
		defer func() {
			if pv := recover(); pv != nil {
				err = &panicError{pv}
			}
		}()
		merged, err = f.wb.x.ReadSheet(ctx, f.ws.index, p.row)
		return err
	}()
	switch {
	case err == nil:
		end.err = io.EOF
		end.uncached, end.badShared, end.merged = p.uncached, p.badShared, merged
	case p.failure != nil:
		end.err = p.failure
	case ctx.Err() != nil:
		end.err = ctx.Err()
	case errors.As(err, new(*panicError)):
		end.err = err
	default:
		end.err = errors.New(xlsxReason(err))
	}
	end.cols = p.cols
	if !p.flush() {
		return
	}
	select {
	case f.ch <- end:
	case <-ctx.Done():
	}
}

// panicError is a panic of the sheet reader, passed to the table's
// goroutine, where the sheet's recovery makes it an internal error.
type panicError struct{ v any }

func (e *panicError) Error() string { return fmt.Sprint(e.v) }

// fastProducer turns the reader's rows into rawRows.
type fastProducer struct {
	f        *xlsxSheet
	ctx      context.Context
	wb       *workbook
	maxCells int64
	cells    int64
	failure  error // a failure to report as such (the cell limit)
	cols     []xlsx.ColumnRange

	// Cells without a value in rows not handed on yet (blank rows).
	uncached, badShared int

	slab   *rowSlab // the current batch's
	nrows  int      // rows of the current batch
	ncells int      // cells used of the current slab
	width  int      // the widest row so far
	strs   strTable
	dates  dateCache
	numBuf []byte
}

func (p *fastProducer) row(r *xlsx.Row) error {
	num, cells := r.Num, r.Cells
	p.cols = r.HiddenColumns
	// The cells' text; empty cells are left out and the row runs to its
	// last cell with a text or an unknown value. The texts go straight
	// into the batch's slab, sized for the row's last cell.
	keep := int(p.f.keep.Load())
	if keep <= 0 {
		keep = xlsx.MaxColumns
	}
	last, beyond := -1, false
	for i := range cells {
		switch cells[i].Kind {
		case xlsx.Blank:
			continue
		case xlsx.Uncached:
			p.uncached++
		case xlsx.BadShared:
			p.badShared++
		}
		if cells[i].Col >= keep {
			beyond = beyond || cells[i].Kind != xlsx.Uncached && cells[i].Kind != xlsx.BadShared && strings.TrimSpace(string(cells[i].Value)) != ""
			continue
		}
		last = max(last, cells[i].Col)
	}
	if last < 0 && !beyond {
		return nil // no values: a blank row
	}
	if p.slab == nil || p.ncells+last+1 > len(p.slab.cells) {
		if p.slab != nil && !p.flush() {
			return p.ctx.Err()
		}
		p.width = max(p.width, last+1)
		p.newSlab()
	}
	texts, metas := p.slab.cells[p.ncells:p.ncells+last+1], p.slab.metas[p.ncells:p.ncells+last+1]
	width := 0
	blank := true
	for i := range cells {
		c := &cells[i]
		if c.Col > last {
			continue // right of the columns the table reads
		}
		switch c.Kind {
		case xlsx.Blank:
			continue
		case xlsx.Uncached, xlsx.BadShared:
			// No text, and a value that is unknown rather than blank.
			texts[c.Col] = ""
			metas[c.Col] = cellMeta{kind: cellUncached}
			if c.Kind == xlsx.BadShared {
				metas[c.Col].kind = cellBadShared
			}
			width = max(width, c.Col+1)
			continue
		}
		text, meta := p.cellText(c)
		if text == "" {
			if k := metas[c.Col].kind; k == cellUncached || k == cellBadShared {
				metas[c.Col] = cellMeta{} // a later cell of the same column
			}
			continue
		}
		meta.cut = c.Truncated
		texts[c.Col] = text
		if meta.kind != cellText || meta.key != 0 || meta.stored != "" || meta.currency != "" || meta.cut {
			metas[c.Col] = meta
		} else if m := &metas[c.Col]; m.kind != cellText || m.key != 0 {
			metas[c.Col] = cellMeta{} // a later cell of the same column
		}
		width = max(width, c.Col+1)
		if blank && (text[0] > ' ' && text[0] < utf8.RuneSelf || strings.TrimSpace(text) != "") {
			blank = false
		}
	}
	if blank && !beyond {
		clear(texts)
		clear(metas)
		return nil
	}
	if p.cells += int64(width); p.cells > p.maxCells {
		p.failure = &FileError{Path: p.f.r.path, Sheet: p.f.ws.name, Kind: ErrTooLarge,
			Reason: fmt.Sprintf("sheet %q has more than %d cells, the limit for one sheet", p.f.ws.name, p.maxCells), Hint: hintSplit}
		return p.failure
	}
	p.slab.rows[p.nrows] = rawRow{num: num, hidden: r.Hidden, beyond: beyond, cells: texts[:width:width], meta: metas[:width:width], slab: p.slab,
		uncached: int32(p.uncached), badShared: int32(p.badShared)}
	p.uncached, p.badShared = 0, 0
	p.nrows++
	p.ncells += width
	if p.nrows == len(p.slab.rows) && !p.flush() {
		return p.ctx.Err()
	}
	return nil
}

// newSlab starts a batch: a slab the table has handed back, else a new one.
func (p *fastProducer) newSlab() {
	// Room for a batch of rows as wide as the widest so far, within
	// maxSlabCells: a few rows with a cell far to the right (column XFD)
	// must not make every batch 128 × 16,384 cells.
	cells := max(min(fastBatchRows*p.width, maxSlabCells), p.width)
	select {
	case s := <-p.f.free:
		if len(s.cells) >= cells {
			p.slab = s
			break
		}
		p.slab = nil
	default:
		p.slab = nil
	}
	if p.slab == nil {
		p.slab = &rowSlab{rows: make([]rawRow, fastBatchRows), cells: make([]string, cells), metas: make([]cellMeta, cells), free: p.f.free}
	}
	p.slab.refs.Store(1) // the source's hold, until the table is past its rows
	p.nrows, p.ncells = 0, 0
}

// flush sends the rows read so far; the next row starts a new slab.
func (p *fastProducer) flush() bool {
	if p.slab == nil || p.nrows == 0 {
		return true
	}
	select {
	case p.f.ch <- fastBatch{rows: p.slab.rows[:p.nrows], slab: p.slab, cols: p.cols}:
		p.slab, p.nrows, p.ncells = nil, 0, 0
		return true
	case <-p.ctx.Done():
		return false
	}
}

// cellText is a cell's text as laborcheck reads it, and what else it says.
func (p *fastProducer) cellText(c *xlsx.Cell) (string, cellMeta) {
	switch c.Kind {
	case xlsx.String:
		if c.Text != "" {
			return c.Text, cellMeta{key: c.Shared} // a shared string: no copy to make
		}
		s, key := p.strs.getKey(c.Col, c.Value)
		return s, cellMeta{key: key}
	case xlsx.Bool:
		switch string(c.Value) {
		case "1":
			return "TRUE", cellMeta{kind: cellBool}
		case "0":
			return "FALSE", cellMeta{kind: cellBool}
		}
		return p.str(c.Col, c.Value), cellMeta{kind: cellBool}
	case xlsx.Error:
		return p.str(c.Col, c.Value), cellMeta{kind: cellError}
	case xlsx.Number, xlsx.Date:
		// The workbook's own styles decide how a number reads.
		return p.number(c.Col, c.Value, c.Style, false)
	case xlsx.ISODate:
		return p.number(c.Col, c.Value, c.Style, true)
	}
	return "", cellMeta{}
}

// number is the stored number as a spreadsheet shows it in the General
// format (as normalizeNumber writes it), then read by the cell's number
// format.
func (p *fastProducer) number(col int, v []byte, style int, iso bool) (string, cellMeta) {
	if len(v) == 0 {
		return "", cellMeta{}
	}
	var (
		text string
		key  int32
		f    float64
	)
	if n, ok := plainInt(v); ok {
		// A whole number of up to 15 digits reads as it is written.
		text, key = p.strs.getKey(col, v)
		f = float64(n)
	} else {
		// The bytes are only looked at here; strconv copies what its
		// errors keep.
		vs := unsafe.String(unsafe.SliceData(v), len(v))
		if strings.Contains(vs, "_") {
			return p.str(col, v), cellMeta{}
		}
		var err error
		f, err = strconv.ParseFloat(vs, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return p.str(col, v), cellMeta{}
		}
		plain := strconv.AppendFloat(p.numBuf[:0], f, 'f', -1, 64)
		p.numBuf = plain
		switch {
		case len(plain)-countByte(plain, '.') > 15 && !wholeWithin15(vs):
			text = strconv.FormatFloat(f, 'G', 15, 64)
		case string(plain) == vs:
			text, key = p.strs.getKey(col, v)
		default:
			text, key = p.strs.getKey(col, plain)
		}
	}
	var xf xfInfo
	if style >= 0 && style < len(p.wb.xfs) {
		xf = p.wb.xfs[style]
	}
	if iso && xf.kind != fmtDate && xf.kind != fmtTime && xf.kind != fmtElapsed {
		// An ISO 8601 date cell (t="d") is a date, or a time of day, whatever
		// its style.
		xf.kind = fmtDate
		if f < 1 {
			xf.kind = fmtTime
		}
	}
	switch xf.kind {
	case fmtDate:
		return p.dates.iso(f, text, p.wb.date1904), cellMeta{kind: cellDate, stored: text, key: key}
	case fmtTime:
		return clockTime(f), cellMeta{kind: cellTime}
	case fmtElapsed:
		hours := strconv.FormatFloat(math.Round(f*24*1e6)/1e6, 'f', -1, 64)
		return elapsedTime(f), cellMeta{kind: cellElapsed, stored: hours}
	}
	return text, cellMeta{kind: cellNumber, currency: xf.currency, key: key}
}

// dateCache remembers the ISO dates of recent date serials (a column of
// dates repeats them): a direct-mapped table by serial.
type dateCache struct {
	slots []dateSlot
}

type dateSlot struct {
	text, iso string
}

const dateSlots = 1 << 12

func (d *dateCache) iso(f float64, text string, date1904 bool) string {
	if d.slots == nil {
		d.slots = make([]dateSlot, dateSlots)
	}
	e := &d.slots[uint64(math.Float64bits(f)*0x9E3779B97F4A7C15)>>(64-12)]
	if e.text == text && text != "" {
		return e.iso
	}
	iso := isoDate(f, text, date1904)
	*e = dateSlot{text, iso}
	return iso
}

// plainInt reads a whole number written as normalizeNumber writes it: an
// optional minus sign and at most 15 digits, without leading zeros.
func plainInt(b []byte) (int64, bool) {
	d := b
	if len(d) > 0 && d[0] == '-' {
		d = d[1:]
	}
	if len(d) == 0 || len(d) > 15 || d[0] == '0' && len(d) > 1 {
		return 0, false
	}
	var n int64
	for _, c := range d {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if len(d) < len(b) {
		if n == 0 {
			return 0, false // -0 is a float's own
		}
		n = -n
	}
	return n, true
}

func countByte(b []byte, c byte) int {
	n := 0
	for _, x := range b {
		if x == c {
			n++
		}
	}
	return n
}

// str returns b as a string, shared with earlier cells of the column that
// held the same text: rosters repeat most values (countries, employers,
// yes/no), and sharing spares an allocation per cell.
func (p *fastProducer) str(col int, b []byte) string { return p.strs.get(col, b) }

// strTable interns cell texts in a direct-mapped table (an entry per hash
// slot, the last text wins). A column of mostly distinct values (ids,
// names) stops using it after a while, where it would only cost.
type strTable struct {
	slots []string
	seed  maphash.Seed
	cols  []strCol
}

type strCol struct {
	lookups, hits int32
	off           bool
}

const (
	strSlots = 1 << 14
	strProbe = 2048 // lookups of a column before judging its hit rate
)

func (t *strTable) get(col int, b []byte) string {
	s, _ := t.getKey(col, b)
	return s
}

// getKey is get, and the text's key for cellMeta: minus one less than its
// slot, or 0 where the text is not kept in one.
func (t *strTable) getKey(col int, b []byte) (string, int32) {
	if len(b) == 0 {
		return "", 0
	}
	if len(b) > 48 || col >= 1<<12 {
		return string(b), 0
	}
	if col >= len(t.cols) {
		if t.slots == nil {
			t.slots = make([]string, strSlots)
			t.seed = maphash.MakeSeed()
		}
		t.cols = append(t.cols, make([]strCol, col+1-len(t.cols))...)
	}
	c := &t.cols[col]
	if c.off {
		return string(b), 0
	}
	c.lookups++
	i := (maphash.Bytes(t.seed, b) + uint64(col)*0x9E3779B97F4A7C15) & (strSlots - 1)
	e := &t.slots[i]
	if *e == string(b) {
		c.hits++
		return *e, -int32(i) - 1
	}
	if c.lookups >= strProbe && c.hits < c.lookups/4 {
		c.off = true
	}
	s := string(b)
	*e = s
	return s, -int32(i) - 1
}
