package source

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// sideScan reads a worksheet part alongside the fast reader (internal/xlsx)
// for what that reader does not report but laborcheck's notes and values
// depend on: hidden rows and columns, formula cells without a saved value,
// and anything the fast reader would read differently from the encoding/xml
// reader (ISO date cells, unusual entities, comments among the rows, a
// declared encoding other than UTF-8…). It looks only for a few rare byte
// patterns, so it costs about as much as inflating the part.
//
// The fast reader hands a row on only once the side scan has passed it
// (waitFor), so that what the side scan finds about a row is known first.
// When it finds something only the slow reader handles, it sets the row
// from which the slow reader takes over (bail); rows before it are read
// alike by both.
type sideScan struct {
	mu   sync.Mutex
	cond sync.Cond
	// progress: every row numbered up to progress has been scanned. Rows
	// are numbered in ascending order in a well-formed sheet; the fast
	// reader checks that they are.
	progress int
	done     bool
	// bail is the first row the slow reader must read, or 0.
	bail int
	// prefixBail: the part's start (before <sheetData>) needs the slow
	// reader, whatever rows follow (a declared encoding, UTF-16, XML the
	// slow reader refuses).
	prefixBail bool
	hiddenCols [][2]int // 1-based inclusive column ranges hidden by <cols>
	hidden     []int    // numbers of hidden rows, ascending
	noCache    []int    // row of each formula cell without a saved value, in file order
}

func newSideScan() *sideScan {
	s := &sideScan{}
	s.cond.L = &s.mu
	return s
}

const (
	sideWindow = 1 << 20  // bytes scanned per step
	sideMargin = 64 << 10 // look-back and look-ahead around a match
	// sidePrefixMax bounds the part's start (sheet properties, views,
	// column widths) read before the rows.
	sidePrefixMax = 64 << 20
)

// waitFor blocks until row num has been scanned (or the scan has ended)
// and reports whether the slow reader must read it.
func (s *sideScan) waitFor(num int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for !s.done && s.progress < num {
		s.cond.Wait()
	}
	return s.bail > 0 && num >= s.bail
}

// finished waits for the scan to end.
func (s *sideScan) finished() {
	s.mu.Lock()
	for !s.done {
		s.cond.Wait()
	}
	s.mu.Unlock()
}

// state is a consistent view of what the scan has found so far.
type sideState struct {
	progress   int
	done       bool
	bail       int
	prefixBail bool
	hidden     []int
	noCache    []int
}

func (s *sideScan) state() sideState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sideState{s.progress, s.done, s.bail, s.prefixBail, s.hidden, s.noCache}
}

func (s *sideScan) columnHidden(col int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.hiddenCols {
		if col >= r[0] && col <= r[1] {
			return true
		}
	}
	return false
}

// finish ends the scan: every row has been scanned.
func (s *sideScan) finish() {
	s.mu.Lock()
	s.done = true
	s.mu.Unlock()
	s.cond.Broadcast()
}

// run scans the part. It never fails: what it cannot read it leaves to the
// slow reader (bail), which reports the problem as it always has.
func (s *sideScan) run(ctx context.Context, zf *zip.File) {
	defer s.finish()
	defer func() {
		if p := recover(); p != nil {
			s.mu.Lock()
			s.prefixBail = true
			s.mu.Unlock()
		}
	}()
	rc, err := zf.Open()
	if err != nil {
		s.setPrefixBail()
		return
	}
	defer rc.Close()
	w := &sideWindowBuf{r: rc}
	data, ok := s.prefix(w)
	if !ok {
		s.setPrefixBail()
		return
	}
	if !data {
		return
	}
	for {
		if ctx.Err() != nil {
			s.bailAt(s.published() + 1)
			return
		}
		w.fill(sideWindow + sideMargin)
		if w.err != nil {
			s.bailAt(s.published() + 1)
			return
		}
		limit := len(w.buf)
		if !w.eof {
			limit -= sideMargin
		}
		// The rows end at </sheetData>; what follows (conditional formats,
		// data validations with formulas of their own) is not read.
		end := sheetDataEnd(w.buf, w.from, limit)
		if end >= 0 {
			limit = end
		}
		if limit > w.from {
			if !s.scanRegion(w.buf, w.from, limit) {
				return // the slow reader takes over; nothing more is needed
			}
			w.from = limit
		}
		if w.eof || end >= 0 {
			return
		}
		s.publish(lastRowBefore(w.buf, limit))
		w.shift()
	}
}

var debugBail func(int)

func (s *sideScan) setPrefixBail() {
	if debugBail != nil {
		debugBail(-1)
	}
	s.mu.Lock()
	s.prefixBail = true
	s.mu.Unlock()
}

func (s *sideScan) published() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.progress
}

// bailAt hands rows from num on to the slow reader (the earliest such row
// wins).
func (s *sideScan) bailAt(num int) {
	if debugBail != nil {
		debugBail(num)
	}
	s.mu.Lock()
	if s.bail == 0 || num < s.bail {
		s.bail = max(num, 1)
	}
	s.mu.Unlock()
}

// publish records that the rows before row next (whose start tag is the
// last one scanned) have been scanned. next is 0 when unknown.
func (s *sideScan) publish(next int) {
	if next <= 1 {
		return
	}
	s.mu.Lock()
	if next-1 > s.progress {
		s.progress = next - 1
	}
	s.mu.Unlock()
	s.cond.Broadcast()
}

// sideWindowBuf is a sliding window over the part: buf holds the bytes not
// yet scanned (from w.from) and up to sideMargin bytes before them.
type sideWindowBuf struct {
	r    io.Reader
	buf  []byte
	from int // first byte not yet scanned
	eof  bool
	err  error
}

// fill reads until buf holds n bytes or the part ends.
func (w *sideWindowBuf) fill(n int) {
	if cap(w.buf) < n {
		nb := make([]byte, len(w.buf), n)
		copy(nb, w.buf)
		w.buf = nb
	}
	for len(w.buf) < n && !w.eof && w.err == nil {
		k, err := w.r.Read(w.buf[len(w.buf):n])
		w.buf = w.buf[:len(w.buf)+k]
		if err == io.EOF {
			w.eof = true
		} else if err != nil {
			w.err = err
		}
	}
}

// shift drops bytes more than sideMargin before w.from.
func (w *sideWindowBuf) shift() {
	keep := max(0, w.from-sideMargin)
	n := copy(w.buf, w.buf[keep:])
	w.buf = w.buf[:n]
	w.from -= keep
}

// prefix reads the part up to <sheetData> as the slow reader does (the
// same decoder), recording hidden columns. It reports whether rows follow
// (data) and whether the start is one the fast reader reads alike (ok). On
// return, the window starts right after the <sheetData> start tag.
func (s *sideScan) prefix(w *sideWindowBuf) (data, ok bool) {
	w.fill(4)
	if len(w.buf) >= 2 && (w.buf[0] == 0xFE && w.buf[1] == 0xFF || w.buf[0] == 0xFF && w.buf[1] == 0xFE) {
		return false, false // UTF-16: left to the slow reader
	}
	// Feed the decoder from the window, reading more as it asks.
	src := &prefixReader{w: w}
	d := xml.NewDecoder(src)
	charsetOK := true
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		l := strings.ToLower(strings.TrimSpace(label))
		if !(strings.HasPrefix(l, "utf-16") || l == "utf-8" || l == "utf8" || l == "us-ascii" || l == "ascii") {
			charsetOK = false
		}
		return in, nil
	}
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			// No rows: both readers read none.
			return false, charsetOK && src.err == nil
		}
		if err != nil || !charsetOK {
			return false, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "col":
				if r, ok := hiddenColumns(t); ok {
					s.mu.Lock()
					s.hiddenCols = append(s.hiddenCols, r)
					s.mu.Unlock()
				}
			case "sheetData":
				w.from = int(d.InputOffset())
				return true, true
			}
		case xml.Directive, xml.Comment:
			// as the slow reader: nothing
		}
	}
}

// prefixReader reads the window's bytes for the prefix decoder, filling
// the window as needed, up to sidePrefixMax.
type prefixReader struct {
	w   *sideWindowBuf
	off int
	err error
}

func (p *prefixReader) Read(b []byte) (int, error) {
	if p.off >= len(p.w.buf) {
		if len(p.w.buf) >= sidePrefixMax {
			p.err = errors.New("sheet start too long")
			return 0, p.err
		}
		p.w.fill(min(len(p.w.buf)+64<<10, sidePrefixMax))
		if p.w.err != nil {
			p.err = p.w.err
			return 0, p.err
		}
		if p.off >= len(p.w.buf) {
			return 0, io.EOF
		}
	}
	n := copy(b, p.w.buf[p.off:])
	p.off += n
	return n, nil
}

// hiddenColumns reads a hidden column range from a <col> element.
func hiddenColumns(t xml.StartElement) ([2]int, bool) {
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
	return [2]int{lo, hi}, hidden && lo >= 1 && hi >= lo
}

// scanRegion looks for the rare patterns whose first byte lies in
// buf[from:to]; buf holds up to sideMargin bytes before from and after to.
// It returns false when it has handed the rest of the sheet to the slow
// reader.
func (s *sideScan) scanRegion(buf []byte, from, to int) bool {
	bail := func() bool {
		s.bailAt(s.published() + 1)
		return false
	}
	lo := max(0, from-sideMargin)

	// Row tags with a hidden attribute.
	for i := from; i < to; {
		j := bytes.Index(buf[i:min(len(buf), to+len("hidden")-1)], []byte("hidden"))
		if j < 0 {
			break
		}
		p := i + j
		i = p + 1
		start, ok := tagStart(buf, lo, p)
		if !ok {
			continue // text
		}
		name, end, ok := tagName(buf, start)
		if !ok {
			return bail()
		}
		if string(name) != "row" {
			continue
		}
		attrs, _, ok := tagAttrs(buf, end)
		if !ok {
			return bail()
		}
		var num int
		hidden := false
		for a := attrs; ; {
			n, v, rest, ok := splitAttr(a)
			if !ok {
				break
			}
			a = rest
			switch string(n) {
			case "r":
				num, _ = strconv.Atoi(strings.TrimSpace(string(v)))
			case "hidden":
				hidden = string(v) == "1" || strings.EqualFold(string(v), "true")
			}
		}
		if !hidden {
			continue
		}
		if num <= 0 {
			return bail() // the row's number depends on the rows before it
		}
		s.mu.Lock()
		if k := len(s.hidden); k == 0 || s.hidden[k-1] < num {
			s.hidden = append(s.hidden, num)
		}
		s.mu.Unlock()
		i = max(i, p+len("hidden"))
	}

	// Formula cells: is there a saved value?
	for i := from; i < to; {
		j := bytes.IndexByte(buf[i:to], 'f')
		if j < 0 {
			break
		}
		p := i + j
		i = p + 1
		if p+1 >= len(buf) || !isTagEnd(buf[p+1]) || p == 0 {
			continue
		}
		lt := p - 1
		if buf[lt] == ':' {
			k := lt - 1
			for k >= lo && isNameByte(buf[k]) {
				k--
			}
			if k < lo || buf[k] != '<' || k == lt-1 {
				continue
			}
			lt = k
		}
		if buf[lt] != '<' {
			continue
		}
		row, counted, ok := formulaCell(buf, lo, lt)
		if !ok {
			return bail()
		}
		if counted {
			s.mu.Lock()
			s.noCache = append(s.noCache, row)
			s.mu.Unlock()
		}
	}

	// ISO date cells (t="d"): the fast reader converts their text.
	for i := from; i < to; {
		j := bytes.IndexByte(buf[i:to], 'd')
		if j < 0 {
			break
		}
		p := i + j
		i = p + 1
		if p < 1 || p+1 >= len(buf) {
			continue
		}
		q := buf[p-1]
		if (q != '"' && q != '\'') || buf[p+1] != q {
			continue
		}
		k := p - 2
		for k >= lo && isSpace(buf[k]) {
			k--
		}
		if k < lo || buf[k] != '=' {
			continue
		}
		k--
		for k >= lo && isSpace(buf[k]) {
			k--
		}
		if k < lo+1 || buf[k] != 't' || !(isSpace(buf[k-1]) || buf[k-1] == ':') {
			continue
		}
		return bail()
	}

	// Entity references the two readers decode differently.
	for i := from; i < to; {
		j := bytes.IndexByte(buf[i:to], '&')
		if j < 0 {
			break
		}
		p := i + j
		i = p + 1
		if !plainEntity(buf[p:min(len(buf), p+16)]) {
			return bail()
		}
	}

	// Comments, CDATA sections, declarations and processing instructions
	// among the rows: the side scan's patterns could be fooled by them.
	for _, c := range []byte{'!', '?'} {
		for i := max(from, 1); i < to; {
			j := bytes.IndexByte(buf[i:to], c)
			if j < 0 {
				break
			}
			p := i + j
			i = p + 1
			if buf[p-1] == '<' {
				return bail()
			}
		}
	}
	return true
}

// sheetDataEnd returns the position of the </sheetData> end tag that
// starts in buf[from:to], or -1.
func sheetDataEnd(buf []byte, from, to int) int {
	const name = "sheetData"
	for i := from; i < to; {
		j := bytes.Index(buf[i:min(len(buf), to+len(name)+2)], []byte(name))
		if j < 0 {
			return -1
		}
		p := i + j
		i = p + 1
		if p+len(name) >= len(buf) || !isTagEnd(buf[p+len(name)]) || p < 2 {
			continue
		}
		k := p - 1
		if buf[k] == ':' {
			k--
			for k > 0 && isNameByte(buf[k]) {
				k--
			}
		}
		if k >= 1 && buf[k] == '/' && buf[k-1] == '<' && k-1 < to {
			return k - 1
		}
	}
	return -1
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// isTagEnd reports a byte that can follow an element name.
func isTagEnd(c byte) bool { return c == '>' || c == '/' || isSpace(c) }

// isNameByte reports a byte of an XML name (ASCII names only; others make
// the caller bail).
func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.' || c >= 0x80
}

// tagStart finds the '<' of the tag p lies in, looking back no further than
// lo; ok is false when p is in text (a '>' comes first).
func tagStart(buf []byte, lo, p int) (int, bool) {
	for k := p - 1; k >= lo; k-- {
		switch buf[k] {
		case '<':
			return k, true
		case '>':
			return 0, false
		}
	}
	return 0, false
}

// tagName returns the local name of the start tag at buf[start] ('<') and
// the index after the name; ok is false for an end tag or markup that is
// not an element.
func tagName(buf []byte, start int) (name []byte, end int, ok bool) {
	k := start + 1
	if k >= len(buf) || buf[k] == '/' || buf[k] == '!' || buf[k] == '?' {
		return nil, 0, false
	}
	e := k
	for e < len(buf) && isNameByte(buf[e]) || e < len(buf) && buf[e] == ':' {
		e++
	}
	if e >= len(buf) || !isTagEnd(buf[e]) {
		return nil, 0, false
	}
	name = buf[k:e]
	if c := bytes.LastIndexByte(name, ':'); c >= 0 {
		name = name[c+1:]
	}
	return name, e, true
}

// tagAttrs returns the attribute text of the tag whose name ends at end,
// up to its '>' (or "/>"), and whether the tag closes itself.
func tagAttrs(buf []byte, end int) (attrs []byte, empty, ok bool) {
	lim := min(len(buf), end+sideMargin)
	for k := end; k < lim; k++ {
		switch buf[k] {
		case '>':
			a := buf[end:k]
			if n := len(a); n > 0 && a[n-1] == '/' {
				return a[:n-1], true, true
			}
			return a, false, true
		case '"', '\'':
			q := bytes.IndexByte(buf[k+1:lim], buf[k])
			if q < 0 {
				return nil, false, false
			}
			k += q + 1
		}
	}
	return nil, false, false
}

// splitAttr splits the first attribute off attribute text: its local name,
// its raw value and the rest.
func splitAttr(b []byte) (name, val, rest []byte, ok bool) {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	st := i
	for i < len(b) && b[i] != '=' && !isSpace(b[i]) {
		i++
	}
	name = b[st:i]
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	if len(name) == 0 || i >= len(b) || b[i] != '=' {
		return nil, nil, nil, false
	}
	i++
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	if i >= len(b) || b[i] != '"' && b[i] != '\'' {
		return nil, nil, nil, false
	}
	q := bytes.IndexByte(b[i+1:], b[i])
	if q < 0 {
		return nil, nil, nil, false
	}
	val = b[i+1 : i+1+q]
	rest = b[i+2+q:]
	if c := bytes.LastIndexByte(name, ':'); c >= 0 {
		name = name[c+1:]
	}
	return name, val, rest, true
}

// formulaCell looks at the formula start tag at buf[lt] ('<'): the cell it
// belongs to, its row, and whether it is a formula without a saved value
// (counted). ok is false when the cell is not as simple as that.
func formulaCell(buf []byte, lo, lt int) (row int, counted, ok bool) {
	// The enclosing cell: the tag before the formula.
	c := bytes.LastIndexByte(buf[lo:lt], '<')
	if c < 0 {
		return 0, false, false
	}
	c += lo
	name, end, ok := tagName(buf, c)
	if !ok || string(name) != "c" {
		return 0, false, false
	}
	attrs, empty, ok := tagAttrs(buf, end)
	if !ok || empty {
		return 0, false, false
	}
	for a := attrs; ; {
		n, v, rest, ok := splitAttr(a)
		if !ok {
			break
		}
		a = rest
		if string(n) == "r" {
			row = refRow(v)
		}
	}
	if row <= 0 {
		return 0, false, false
	}
	// The cell's other children, up to its end tag.
	hasV, hasIS := false, false
	lim := min(len(buf), lt+sideMargin)
	for k := lt + 1; k < lim; k++ {
		if buf[k] != '<' {
			continue
		}
		if k+1 < lim && buf[k+1] == '/' {
			e := k + 2
			for e < lim && (isNameByte(buf[e]) || buf[e] == ':') {
				e++
			}
			n := buf[k+2 : e]
			if i := bytes.LastIndexByte(n, ':'); i >= 0 {
				n = n[i+1:]
			}
			if string(n) == "c" {
				if hasIS && !hasV {
					return 0, false, false // an inline string with a formula: left to the slow reader
				}
				return row, !hasV, true
			}
			continue
		}
		if n, _, ok := tagName(buf, k); ok {
			switch string(n) {
			case "v":
				hasV = true
			case "is":
				hasIS = true
			}
		}
	}
	return 0, false, false
}

// refRow reads the row number of a cell reference such as "AB12"; 0 when
// it has none.
func refRow(ref []byte) int {
	i := 0
	for i < len(ref) && ('A' <= ref[i] && ref[i] <= 'Z' || 'a' <= ref[i] && ref[i] <= 'z') {
		i++
	}
	if i == 0 || i == len(ref) {
		return 0
	}
	n, err := strconv.Atoi(string(ref[i:]))
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// lastRowBefore returns the number of the last row whose start tag begins
// before limit, or 0 when there is none or it has no number.
func lastRowBefore(buf []byte, limit int) int {
	lo := max(0, limit-sideMargin)
	for k := limit - 1; k >= lo; k-- {
		k = bytes.LastIndexByte(buf[lo:k+1], '<')
		if k < 0 {
			return 0
		}
		k += lo
		name, end, ok := tagName(buf, k)
		if !ok || string(name) != "row" {
			continue
		}
		attrs, _, ok := tagAttrs(buf, end)
		if !ok {
			return 0
		}
		for a := attrs; ; {
			n, v, rest, ok := splitAttr(a)
			if !ok {
				return 0
			}
			a = rest
			if string(n) == "r" {
				num, err := strconv.Atoi(strings.TrimSpace(string(v)))
				if err != nil || num <= 0 {
					return 0
				}
				return num
			}
		}
	}
	return 0
}

// plainEntity reports an entity reference at the start of b (b[0] == '&')
// that encoding/xml and the fast reader decode alike: one of the five
// predefined entities, or a character reference to a character XML allows.
func plainEntity(b []byte) bool {
	end := bytes.IndexByte(b, ';')
	if end < 2 || end > 12 {
		return false
	}
	name := b[1:end]
	switch string(name) {
	case "amp", "lt", "gt", "quot", "apos":
		return true
	}
	if name[0] != '#' {
		return false
	}
	digits, base := name[1:], 10
	if len(digits) > 0 && digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return false
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil {
		return false
	}
	r := rune(n)
	return utf8.ValidRune(r) && (r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF)
}
