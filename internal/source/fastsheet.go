package source

import (
	"archive/zip"
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

// The fast path. Worksheets of a workbook on disk are read with
// internal/xlsx, a byte-level reader many times faster than encoding/xml,
// while a side scan of the same part (sideScan) finds what that reader does
// not report. Where either meets something the encoding/xml reader
// (sheetReader, "the slow reader") handles in its own way, the slow reader
// takes over from that row, so that both give the same rows, values and
// notes. Encrypted workbooks (decrypted in memory) are read by the slow
// reader throughout, as are workbooks internal/xlsx does not support.

// fastBook is a workbook opened with internal/xlsx as well.
type fastBook struct {
	x     *xlsx.Workbook
	names map[string]bool // worksheets it reads, by name
}

// openFast opens the workbook at r.path with internal/xlsx when the fast
// reader can read its worksheets as the slow one would; nil otherwise.
func (r *reader) openFast(wb *workbook) *fastBook {
	if !r.stat {
		return nil
	}
	if zf, ok := wb.parts[wb.sstPath]; ok && !plainXMLPart(zf) {
		return nil // shared strings in an encoding the fast reader does not decode
	}
	x, err := xlsx.Open(r.path, xlsx.Limits{MaxInflated: -1, MaxRatio: -1})
	if err != nil {
		return nil // ErrUnsupported, or a file the slow reader explains better
	}
	fb := &fastBook{x: x, names: map[string]bool{}}
	// Both readers must see the same sheets, in the same order, under
	// names that tell them apart.
	var want []string
	for _, s := range wb.sheets {
		if _, ok := wb.parts[s.part]; ok && s.part != "" {
			want = append(want, s.name)
		}
	}
	got := x.Sheets()
	same := len(got) == len(want) && x.Date1904 == wb.date1904
	for i := 0; same && i < len(got); i++ {
		same = got[i].Name == want[i] && !fb.names[want[i]]
		fb.names[want[i]] = true
	}
	if !same {
		x.Close()
		return nil
	}
	return fb
}

func (fb *fastBook) close() { fb.x.Close() }

// plainXMLPart reports whether a part starts as UTF-8 or UTF-16 XML that
// declares no other encoding, looking at its first bytes only.
func plainXMLPart(zf *zip.File) bool {
	rc, err := zf.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	var head [512]byte
	n, _ := io.ReadFull(rc, head[:])
	b := head[:n]
	if n >= 2 && (b[0] == 0xFE && b[1] == 0xFF || b[0] == 0xFF && b[1] == 0xFE) {
		return true // UTF-16 with a byte order mark: both readers transcode it
	}
	s := strings.TrimPrefix(string(b), "\xEF\xBB\xBF")
	if !strings.HasPrefix(s, "<?xml") {
		return true
	}
	end := strings.Index(s, "?>")
	if end < 0 {
		return false
	}
	decl := s[:end]
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return true
	}
	rest := strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	if !strings.HasPrefix(rest, "=") {
		return false
	}
	rest = strings.TrimLeft(rest[1:], " \t\r\n")
	if rest == "" || rest[0] != '"' && rest[0] != '\'' {
		return false
	}
	q := strings.IndexByte(rest[1:], rest[0])
	if q < 0 {
		return false
	}
	l := strings.ToLower(strings.TrimSpace(rest[1 : 1+q]))
	return strings.HasPrefix(l, "utf-16") || l == "utf-8" || l == "utf8" || l == "us-ascii" || l == "ascii"
}

// sheetSource is a source of rows that holds resources.
type sheetSource interface {
	rowSource
	Close() error
}

// fastSheet is the rowSource of one worksheet on the fast path. A producer
// goroutine reads the sheet with internal/xlsx and turns its rows into
// rawRows as the slow reader would; the table takes them from a channel.
type fastSheet struct {
	r    *reader
	wb   *workbook
	ws   wbSheet
	side *sideScan
	ch   chan fastBatch
	free chan *rowSlab // slabs the table is done with
	stop context.CancelFunc
	wg   sync.WaitGroup
	held []heldSlab

	cur   []rawRow
	n     int  // rows returned
	last  int  // number of the last row returned, or the row a failure concerns
	ended bool // every row of the sheet has been read
	final error
	slow  *sheetReader // the slow reader, once it has taken over
	// sstErr is set when the slow reader, taking over, could not read the
	// shared strings: the slow path refuses the whole file for that.
	sstErr error
}

// fastBatch is rows handed from the producer to the table, or (end) the
// end of them: err is io.EOF, a failure to report, or errSwitch.
type fastBatch struct {
	rows []rawRow
	slab *rowSlab // holds rows and their cells
	end  bool
	err  error
	at   int // the row a failure concerns
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

// Test hooks: called when a sheet is read by the fast reader, and when the
// slow reader takes over after rows returned.
var testHookFast, testHookSwitch func(path, sheet string, rows int)

// errSwitch hands the rest of a sheet to the slow reader.
var errSwitch = errors.New("switch to the slow reader")

const fastBatchRows = 128

func (r *reader) openFastSheet(fb *fastBook, wb *workbook, ws wbSheet) *fastSheet {
	if testHookFast != nil {
		testHookFast(r.path, ws.name, 0)
	}
	ctx, cancel := context.WithCancel(r.ctx)
	f := &fastSheet{r: r, wb: wb, ws: ws, side: newSideScan(), ch: make(chan fastBatch, 4), free: make(chan *rowSlab, 8), stop: cancel}
	f.wg.Add(2)
	go func() {
		defer f.wg.Done()
		f.side.run(ctx, wb.parts[ws.part])
	}()
	go func() {
		defer f.wg.Done()
		f.produce(ctx, fb.x)
	}()
	return f
}

// Close stops the producer and the side scan and waits for them.
func (f *fastSheet) Close() error {
	f.stop()
	for range f.ch {
	}
	f.wg.Wait()
	if f.slow != nil {
		return f.slow.Close()
	}
	return nil
}

func (f *fastSheet) next() (rawRow, error) {
	for {
		switch {
		case f.slow != nil:
			return f.slow.next()
		case f.final != nil:
			return rawRow{}, f.final
		case len(f.cur) > 0:
			row := f.cur[0]
			f.cur = f.cur[1:]
			f.n++
			f.last = row.num
			f.recycle()
			return row, nil
		}
		b, ok := <-f.ch
		switch {
		case !ok:
			// The producer stops without a last batch only when the read
			// is cancelled; say so rather than blame the sheet.
			f.final = cmp.Or(f.r.ctx.Err(), errors.New("the sheet reader stopped early"))
		case !b.end:
			f.cur = b.rows
			f.held = append(f.held, heldSlab{b.slab, f.n + len(b.rows)})
		case b.err == errSwitch:
			if err := f.switchToSlow(); err != nil {
				f.final = err
			}
		case b.err == io.EOF:
			f.ended = true
			f.final = io.EOF
		default:
			f.last = max(f.last, b.at)
			f.final = b.err
		}
	}
}

// recycle lets go of the slabs of rows the table can no longer hold (see
// rowsHeld); a slab returns to the producer once the rows handed on from it
// are released too.
func (f *fastSheet) recycle() {
	for len(f.held) > 0 && f.n-f.held[0].end > rowsHeld {
		f.held[0].slab.release()
		f.held = f.held[1:]
	}
}

// switchToSlow hands the rest of the sheet to the slow reader: it reads the
// sheet from the start and passes over the rows already returned.
func (f *fastSheet) switchToSlow() error {
	if testHookSwitch != nil {
		testHookSwitch(f.r.path, f.ws.name, f.n)
	}
	if err := f.wb.loadSST(); err != nil {
		f.sstErr = err
		return err
	}
	s, err := f.wb.openSheet(f.r.ctx, f.ws.part, f.r.lim.MaxCells, f.r.path, f.ws.name)
	if err != nil {
		return err
	}
	for range f.n {
		if _, err := s.next(); err != nil {
			s.Close()
			return err
		}
	}
	f.slow = s
	return nil
}

func (f *fastSheet) columnHidden(col int) bool {
	if f.slow != nil {
		return f.slow.columnHidden(col)
	}
	return f.side.columnHidden(col)
}

// notes are the slow reader's notes: formula cells without a saved value
// among the rows read. (A shared string index out of range makes the slow
// reader take over.)
func (f *fastSheet) notes() []string {
	if f.slow != nil {
		return f.slow.notes()
	}
	st := f.side.state()
	n := 0
	for _, row := range st.noCache {
		if f.ended || row <= f.last {
			n++
		}
	}
	return (&sheetReader{noCache: n}).notes()
}

// produce reads the sheet with the fast reader and sends its rows.
func (f *fastSheet) produce(ctx context.Context, x *xlsx.Workbook) {
	defer close(f.ch)
	p := &fastProducer{f: f, ctx: ctx, wb: f.wb, maxCells: f.r.lim.MaxCells}
	end := fastBatch{end: true}
	err := func() (err error) {
		defer func() {
			if pv := recover(); pv != nil {
				err = fmt.Errorf("%w: %v", errSwitch, pv)
			}
		}()
		return x.Rows(ctx, f.ws.name, p.row)
	}()
	switch {
	case err == nil:
		f.side.finished()
		if f.side.state().prefixBail {
			end.err = errSwitch
		} else {
			end.err = io.EOF
		}
	case p.failure != nil:
		end.err, end.at = p.failure, p.lastNum
	case ctx.Err() != nil:
		end.err = ctx.Err()
	default:
		// errSwitch, or a failure of the fast reader: the slow reader
		// reads the sheet as it always has.
		end.err = errSwitch
	}
	if !p.flush() {
		return
	}
	select {
	case f.ch <- end:
	case <-ctx.Done():
	}
}

// fastProducer turns the fast reader's rows into rawRows.
type fastProducer struct {
	f        *fastSheet
	ctx      context.Context
	wb       *workbook
	maxCells int64
	cells    int64
	failure  error // a failure to report as the slow reader does (the cell limit)

	lastNum int // number of the last row read
	known   int // rows up to this number have been side-scanned
	bail    int
	hidden  []int
	hi      int

	slab   *rowSlab // the current batch's
	nrows  int      // rows of the current batch
	ncells int      // cells used of the current slab
	width  int      // the widest row so far
	strs   strTable
	dates  dateCache
	numBuf []byte
}

func (p *fastProducer) row(num int, cells []xlsx.Cell) error {
	if num <= p.lastNum {
		return errSwitch // rows out of order: the side scan cannot follow them
	}
	p.lastNum = num
	if num > p.known {
		if p.f.side.waitFor(num) {
			return errSwitch
		}
		st := p.f.side.state()
		p.known, p.bail, p.hidden = st.progress, st.bail, st.hidden
		if st.done {
			p.known = math.MaxInt
		}
	}
	if p.bail > 0 && num >= p.bail {
		return errSwitch
	}
	hidden := false
	for p.hi < len(p.hidden) && p.hidden[p.hi] < num {
		p.hi++
	}
	if p.hi < len(p.hidden) && p.hidden[p.hi] == num {
		hidden = true
	}

	// The cells' text as the slow reader reads it; empty cells are left out
	// and the row runs to its last non-empty cell. The texts go straight
	// into the batch's slab, sized for the row's last cell.
	last := -1
	for i := range cells {
		switch cells[i].Kind {
		case xlsx.Blank, xlsx.Uncached:
		case xlsx.BadShared:
			return errSwitch // the slow reader notes these
		default:
			last = max(last, cells[i].Col)
		}
	}
	if last < 0 {
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
		if c.Kind == xlsx.Blank {
			continue
		}
		text, meta := p.cellText(c)
		if text == "" {
			continue
		}
		meta.cut = c.Truncated
		texts[c.Col] = text
		if meta.kind != cellText || meta.stored != "" || meta.currency != "" || meta.cut {
			metas[c.Col] = meta
		} else if metas[c.Col].kind != cellText {
			metas[c.Col] = cellMeta{} // a later cell of the same column
		}
		width = max(width, c.Col+1)
		if blank && (text[0] > ' ' && text[0] < utf8.RuneSelf || strings.TrimSpace(text) != "") {
			blank = false
		}
	}
	if blank {
		clear(texts)
		clear(metas)
		return nil
	}
	if p.cells += int64(width); p.cells > p.maxCells {
		p.failure = &FileError{Path: p.f.r.path, Sheet: p.f.ws.name, Kind: ErrTooLarge,
			Reason: fmt.Sprintf("sheet %q has more than %d cells, the limit for one sheet", p.f.ws.name, p.maxCells), Hint: hintSplit}
		return p.failure
	}
	p.slab.rows[p.nrows] = rawRow{num: num, hidden: hidden, cells: texts[:width:width], meta: metas[:width:width], slab: p.slab}
	p.nrows++
	p.ncells += width
	if p.nrows == len(p.slab.rows) && !p.flush() {
		return p.ctx.Err()
	}
	return nil
}

// newSlab starts a batch: a slab the table has handed back, else a new one.
func (p *fastProducer) newSlab() {
	cells := fastBatchRows * p.width
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
	case p.f.ch <- fastBatch{rows: p.slab.rows[:p.nrows], slab: p.slab}:
		p.slab, p.nrows, p.ncells = nil, 0, 0
		return true
	case <-p.ctx.Done():
		return false
	}
}

// cellText is the slow reader's cellValue for a cell of the fast reader.
func (p *fastProducer) cellText(c *xlsx.Cell) (string, cellMeta) {
	switch c.Kind {
	case xlsx.String:
		return p.str(c.Col, c.Value), cellMeta{}
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
		// A Date is a number with a date style here: the side scan hands
		// ISO date cells (t="d") to the slow reader. The workbook's own
		// styles decide how it reads, as for the slow reader.
		return p.number(c.Col, c.Value, c.Style)
	}
	return "", cellMeta{}
}

// number is cellValue's number path: the stored number as a spreadsheet
// shows it in the General format (normalizeNumber), then read by the
// cell's number format.
func (p *fastProducer) number(col int, v []byte, style int) (string, cellMeta) {
	if len(v) == 0 {
		return "", cellMeta{}
	}
	var (
		text string
		f    float64
	)
	if n, ok := plainInt(v); ok {
		// A whole number of up to 15 digits reads as it is written.
		text, f = p.str(col, v), float64(n)
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
			text = p.str(col, v)
		default:
			text = p.str(col, plain)
		}
	}
	var xf xfInfo
	if style >= 0 && style < len(p.wb.xfs) {
		xf = p.wb.xfs[style]
	}
	switch xf.kind {
	case fmtDate:
		return p.dates.iso(f, text, p.wb.date1904), cellMeta{kind: cellDate, stored: text}
	case fmtTime:
		return clockTime(f), cellMeta{kind: cellTime}
	case fmtElapsed:
		hours := strconv.FormatFloat(math.Round(f*24*1e6)/1e6, 'f', -1, 64)
		return elapsedTime(f), cellMeta{kind: cellElapsed, stored: hours}
	}
	return text, cellMeta{kind: cellNumber, currency: xf.currency}
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
	if len(b) == 0 {
		return ""
	}
	if len(b) > 48 || col >= 1<<12 {
		return string(b)
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
		return string(b)
	}
	c.lookups++
	e := &t.slots[(maphash.Bytes(t.seed, b)+uint64(col)*0x9E3779B97F4A7C15)&(strSlots-1)]
	if *e == string(b) {
		c.hits++
		return *e
	}
	if c.lookups >= strProbe && c.hits < c.lookups/4 {
		c.off = true
	}
	s := string(b)
	*e = s
	return s
}
