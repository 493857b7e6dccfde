package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/transform"
)

// The scanner is a byte-level XML tokenizer for the large parts of a workbook
// (worksheets and the shared strings table). It recognises just enough XML to
// walk elements: start tags (with their raw attribute text), end tags, text,
// CDATA, comments, processing instructions and DOCTYPE. It never allocates per
// token: names, attributes and text are slices of its read buffer, valid until
// the next call that reads more input.
//
// Namespace prefixes are stripped from element and attribute names, so
// <x:c> and <c> are the same element to the callers.

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokStart
	tokEnd
)

const (
	scanChunk     = 256 << 10
	scanMaxBuffer = 16 << 20 // longest single tag, comment or CDATA section accepted
)

var (
	errUnexpectedEOF = errors.New("unexpected end of XML")
	errTokenTooLong  = errors.New("an XML tag, comment or CDATA section longer than 16 MiB")
	errSyntax        = errors.New("malformed XML")
)

type scanner struct {
	r    io.Reader
	buf  []byte
	pos  int // first unconsumed byte
	end  int // end of valid data in buf
	eof  bool
	err  error // first read error other than io.EOF
	read int64
	max  int // upper bound on len(buf)
	// started is set once the byte order mark has been checked.
	started bool

	// Current token (valid until the next read).
	name  []byte // local name (prefix stripped)
	attrs []byte // raw attribute text of a start tag
	empty bool   // start tag was self-closing
}

func newScanner(r io.Reader) *scanner {
	return newScannerSize(r, scanChunk)
}

func newScannerSize(r io.Reader, size int) *scanner {
	return &scanner{r: r, buf: make([]byte, size), max: scanMaxBuffer}
}

// reset reuses the scanner (and its buffer) for another reader.
func (s *scanner) reset(r io.Reader) {
	s.r, s.pos, s.end, s.eof, s.err, s.read, s.started = r, 0, 0, false, nil, 0, false
	s.name, s.attrs, s.empty = nil, nil, false
}

// fill moves unconsumed data to the front of the buffer and reads more. It
// reports whether any new bytes arrived. Offsets relative to s.pos stay valid
// across a fill; slices into the buffer do not.
func (s *scanner) fill() bool {
	if !s.started {
		return s.start()
	}
	if s.eof || s.err != nil {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.end, s.pos = n, 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= s.max {
			s.err = errTokenTooLong
			return false
		}
		nb := make([]byte, min(2*len(s.buf), s.max))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	return s.readOnce() > 0
}

// readOnce reads into the free end of the buffer, retrying reads that return
// nothing; it returns the number of bytes read.
func (s *scanner) readOnce() int {
	for tries := 0; tries < 100; tries++ {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		s.read += int64(n)
		if err != nil {
			if err == io.EOF {
				s.eof = true
			} else {
				s.err = err
			}
		}
		if n > 0 || err != nil {
			return n
		}
	}
	s.err = io.ErrNoProgress
	return 0
}

// start is the first fill: it drops a UTF-8 byte order mark, and switches to
// transcoding when the part is UTF-16 (some writers emit UTF-16 parts with a
// BOM), before any byte reaches a caller.
func (s *scanner) start() bool {
	s.started = true
	for s.end < 3 && !s.eof && s.err == nil {
		s.readOnce()
	}
	b := s.buf[s.pos:s.end]
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		s.pos += 3
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}), bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		rest := append([]byte(nil), b[2:]...)
		var src io.Reader = bytes.NewReader(rest)
		if !s.eof && s.err == nil {
			src = io.MultiReader(src, s.r)
		}
		s.r = &utf16Reader{r: src, big: b[0] == 0xFE}
		s.pos, s.end, s.eof = 0, 0, false
	default:
		if err := s.declaredEncoding(); err != nil {
			s.err = err
			return false
		}
	}
	if s.end > s.pos {
		return true
	}
	return s.fill()
}

// declaredEncoding switches to transcoding when the XML declaration at the
// start names an encoding other than UTF-8 (windows-1252, iso-8859-1,
// shift_jis… as some writers declare); an encoding it does not know is an
// error.
func (s *scanner) declaredEncoding() error {
	if len(s.buf)-s.pos < 512 {
		nb := make([]byte, s.end-s.pos, max(512, len(s.buf)))
		copy(nb, s.buf[s.pos:s.end])
		s.buf, s.end, s.pos = nb[:cap(nb)], s.end-s.pos, 0
	}
	for s.end-s.pos < 256 && !s.eof && s.err == nil {
		s.readOnce()
	}
	b := s.buf[s.pos:s.end]
	if !bytes.HasPrefix(b, []byte("<?xml")) {
		return nil
	}
	decl, _, ok := bytes.Cut(b, []byte("?>"))
	if !ok {
		return nil
	}
	label := xmlDeclEncoding(decl)
	switch strings.ToLower(label) {
	case "", "utf-8", "utf8", "us-ascii", "ascii", "utf-16", "utf-16le", "utf-16be":
		// UTF-16 declared on bytes that are not UTF-16 (they would start
		// with a byte order mark) is UTF-8 with a wrong declaration.
		return nil
	}
	enc, err := htmlindex.Get(label)
	if err != nil {
		return fmt.Errorf("%w: the XML declares the encoding %q, which laborcheck does not know", ErrFormat, label)
	}
	rest := append([]byte(nil), b...)
	var src io.Reader = bytes.NewReader(rest)
	if !s.eof && s.err == nil {
		src = io.MultiReader(src, s.r)
	}
	s.r = transform.NewReader(src, enc.NewDecoder())
	s.pos, s.end, s.eof = 0, 0, false
	return nil
}

// xmlDeclEncoding returns the encoding an XML declaration names, or "".
func xmlDeclEncoding(decl []byte) string {
	i := bytes.Index(decl, []byte("encoding"))
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	if len(rest) == 0 || rest[0] != '=' {
		return ""
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) == 0 || rest[0] != '"' && rest[0] != '\'' {
		return ""
	}
	q := bytes.IndexByte(rest[1:], rest[0])
	if q < 0 {
		return ""
	}
	return strings.TrimSpace(string(rest[1 : 1+q]))
}

// find returns the offset (relative to s.pos) of the first c at or after
// offset from, reading more input as needed; -1 at end of input.
func (s *scanner) find(c byte, from int) int {
	for {
		if i := bytes.IndexByte(s.buf[s.pos+from:s.end], c); i >= 0 {
			return from + i
		}
		from = s.end - s.pos
		if !s.fill() {
			return -1
		}
	}
}

// findWithin is find that gives up (-1) rather than hold more than max
// bytes after s.pos.
func (s *scanner) findWithin(c byte, from, max int) int {
	for {
		if i := bytes.IndexByte(s.buf[s.pos+from:s.end], c); i >= 0 {
			return from + i
		}
		from = s.end - s.pos
		if from > max || !s.fill() {
			return -1
		}
	}
}

// fastValueMax is the longest value the fast path of fastValue takes; a
// longer one is read (and capped) by text.
const fastValueMax = 4 << 10

// findSeq is find for a byte sequence.
func (s *scanner) findSeq(seq []byte, from int) int {
	for {
		if i := bytes.Index(s.buf[s.pos+from:s.end], seq); i >= 0 {
			return from + i
		}
		from = max(from, s.end-s.pos-len(seq)+1)
		if !s.fill() {
			return -1
		}
	}
}

// ensure makes at least n bytes available after s.pos when the input has
// them; it reports whether it could.
func (s *scanner) ensure(n int) bool {
	for s.end-s.pos < n {
		if !s.fill() {
			return false
		}
	}
	return true
}

func (s *scanner) failure() error {
	if s.err != nil {
		return s.err
	}
	return errUnexpectedEOF
}

// skipSpecial skips markup at s.pos that starts with "<!" or "<?"
// (comment, CDATA, DOCTYPE, processing instruction).
func (s *scanner) skipSpecial() error {
	s.ensure(9)
	b := s.buf[s.pos:s.end]
	var term []byte
	switch {
	case bytes.HasPrefix(b, []byte("<!--")):
		term = []byte("-->")
	case bytes.HasPrefix(b, []byte("<![CDATA[")):
		term = []byte("]]>")
	case bytes.HasPrefix(b, []byte("<?")):
		term = []byte("?>")
	default: // <!DOCTYPE ...> and other declarations
		return s.skipDecl()
	}
	i := s.findSeq(term, 2)
	if i < 0 {
		return s.failure()
	}
	s.pos += i + len(term)
	return nil
}

// skipDecl skips a <!...> declaration, allowing for a bracketed internal
// subset and quoted strings. Declared entities are never expanded.
func (s *scanner) skipDecl() error {
	depth := 0
	for i := 2; ; i++ {
		if s.pos+i >= s.end && !s.fill() {
			return s.failure()
		}
		switch s.buf[s.pos+i] {
		case '"', '\'':
			j := s.find(s.buf[s.pos+i], i+1)
			if j < 0 {
				return s.failure()
			}
			i = j
		case '[':
			depth++
		case ']':
			depth--
		case '>':
			if depth <= 0 {
				s.pos += i + 1
				return nil
			}
		}
	}
}

// tagEnd returns the offset of the '>' closing the tag at s.pos, skipping
// quoted attribute values. Tags are short, so one loop over their bytes
// (with the quote state kept across reads) beats searching for each quote.
func (s *scanner) tagEnd() int {
	i := 1
	var q byte // the open quote, or 0
	for {
		if s.pos+i >= s.end && !s.fill() {
			return -1
		}
		b := s.buf[s.pos+i : s.end]
		for k, c := range b {
			switch {
			case q != 0:
				if c == q {
					q = 0
				}
			case c == '>':
				return i + k
			case c == '"' || c == '\'':
				q = c
			}
		}
		i += len(b)
	}
}

// next advances to the next start or end tag, skipping text, comments, CDATA,
// processing instructions and declarations.
func (s *scanner) next() (tokKind, error) {
	for {
		i := bytes.IndexByte(s.buf[s.pos:s.end], '<')
		if i < 0 {
			// Text between tags is passed over as it comes, so that a long
			// run of it never has to fit in the buffer.
			s.pos = s.end
			if s.fill() {
				continue
			}
			if s.err != nil {
				return tokEOF, s.err
			}
			return tokEOF, nil
		}
		s.pos += i
		if !s.ensure(2) {
			return tokEOF, s.failure()
		}
		switch s.buf[s.pos+1] {
		case '!', '?':
			if err := s.skipSpecial(); err != nil {
				return tokEOF, err
			}
			continue
		}
		return s.tag()
	}
}

// tag parses the tag at s.pos (which is '<' followed by a name or '/').
func (s *scanner) tag() (tokKind, error) {
	e := s.tagEnd()
	if e < 0 {
		return tokEOF, s.failure()
	}
	t := s.buf[s.pos+1 : s.pos+e] // between '<' and '>'
	s.pos += e + 1
	kind := tokStart
	if len(t) > 0 && t[0] == '/' {
		kind = tokEnd
		t = t[1:]
	}
	n := 0
	for n < len(t) && !isSpace(t[n]) && t[n] != '/' {
		n++
	}
	name := t[:n]
	if k := bytes.LastIndexByte(name, ':'); k >= 0 {
		name = name[k+1:]
	}
	s.name = name
	s.empty = false
	s.attrs = nil
	if kind == tokStart {
		rest := t[n:]
		if len(rest) > 0 && rest[len(rest)-1] == '/' {
			s.empty = true
			rest = rest[:len(rest)-1]
		}
		s.attrs = rest
	}
	if len(name) == 0 {
		return tokEOF, errSyntax
	}
	return kind, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// fastValue recognises, at the current position, the unprefixed
// "<v>TEXT</v></c>" that follows most cell start tags, with TEXT free of
// markup. It returns TEXT (raw, still to be decoded) and the length to
// consume, or n == 0 (consuming nothing) when the input is anything else.
func (s *scanner) fastValue() (text []byte, n int) {
	if !s.ensure(3) {
		return nil, 0
	}
	b := s.buf[s.pos:s.end]
	if b[0] != '<' || b[1] != 'v' || b[2] != '>' {
		return nil, 0
	}
	j := s.findWithin('<', 3, fastValueMax)
	if j < 0 || !s.ensure(j+8) {
		return nil, 0
	}
	b = s.buf[s.pos:s.end]
	if string(b[j:j+8]) != "</v></c>" {
		return nil, 0
	}
	return b[3:j], j + 8
}

// skip consumes the rest of the element whose start tag was just read.
func (s *scanner) skip() error {
	if s.empty {
		return nil
	}
	depth := 1
	for {
		k, err := s.next()
		if err != nil {
			return err
		}
		switch k {
		case tokEOF:
			return errUnexpectedEOF
		case tokStart:
			if !s.empty {
				depth++
			}
		case tokEnd:
			depth--
			if depth == 0 {
				return nil
			}
		}
	}
}

// text appends the decoded character data at the current position (text,
// entity and character references, CDATA sections; comments and processing
// instructions are dropped) to dst and stops before the next tag. dst keeps
// at most limit bytes from base on: the rest is read, checked and dropped,
// and cut reports that some was. Text is decoded as it arrives, so a long
// run of it never has to fit in the buffer.
func (s *scanner) text(dst []byte, base, limit int) (out []byte, cut bool, err error) {
	keep := func() {
		if len(dst)-base > limit {
			dst, cut = dst[:base+limit], true
		}
	}
	for {
		i := bytes.IndexByte(s.buf[s.pos:s.end], '<')
		if i < 0 {
			// Decode what has arrived, but for a reference or line end
			// that may continue in the next read.
			b := s.buf[s.pos:s.end]
			n := len(b)
			if k := bytes.IndexByte(b[max(0, n-maxRefLen):], '&'); k >= 0 {
				n = max(0, n-maxRefLen) + k
			}
			if n > 0 && b[n-1] == '\r' {
				n--
			}
			if dst, err = appendText(dst, b[:n]); err != nil {
				return dst, cut, err
			}
			keep()
			s.pos += n
			if !s.fill() {
				return dst, cut, s.failure()
			}
			continue
		}
		if dst, err = appendText(dst, s.buf[s.pos:s.pos+i]); err != nil {
			return dst, cut, err
		}
		keep()
		s.pos += i
		if !s.ensure(2) {
			return dst, cut, s.failure()
		}
		c := s.buf[s.pos+1]
		if c != '!' && c != '?' {
			return dst, cut, nil
		}
		s.ensure(9)
		if bytes.HasPrefix(s.buf[s.pos:s.end], []byte("<![CDATA[")) {
			j := s.findSeq([]byte("]]>"), 9)
			if j < 0 {
				return dst, cut, s.failure()
			}
			dst = appendCRLF(dst, s.buf[s.pos+9:s.pos+j])
			keep()
			s.pos += j + 3
			continue
		}
		if err := s.skipSpecial(); err != nil {
			return dst, cut, err
		}
	}
}

// maxRefLen is the longest entity or character reference decodeEntity
// reads ("&#x10FFFF;" and the like, with room to spare).
const maxRefLen = 12

// EntityError is an ampersand in sheet or shared-string text that does not
// start one of XML's five predefined entity references (&amp; &lt; &gt;
// &quot; &apos;) or a character reference to a character XML allows. An
// entity the file declares itself is not expanded either (entity bombs),
// so its use is an EntityError too. The sheet (or the workbook, for shared
// strings) is refused, as spreadsheet programs refuse such files, rather
// than read with the reference left in or dropped. It wraps ErrFormat.
type EntityError struct {
	Ref string // the text from the ampersand, up to 12 bytes
}

func (e *EntityError) Error() string {
	return fmt.Sprintf("an entity reference XML does not define: %q (only &amp; &lt; &gt; &quot; &apos; and character references are read)", e.Ref)
}

// Unwrap returns ErrFormat.
func (e *EntityError) Unwrap() error { return ErrFormat }

// appendText appends XML character data with entity and character references
// decoded and line ends normalised as encoding/xml does ("\r\n" and lone "\r"
// become "\n"). An ampersand that starts no reference XML defines is an
// *EntityError.
func appendText(dst, b []byte) ([]byte, error) {
	for {
		i := indexAmpCR(b)
		if i < 0 {
			return append(dst, b...), nil
		}
		dst = append(dst, b[:i]...)
		b = b[i:]
		if b[0] == '\r' {
			dst = append(dst, '\n')
			b = b[1:]
			if len(b) > 0 && b[0] == '\n' {
				b = b[1:]
			}
			continue
		}
		n, r := decodeEntity(b)
		if n == 0 {
			ref := b[:min(len(b), maxRefLen)]
			if k := bytes.IndexAny(ref[1:], "&<; \t\r\n"); k >= 0 {
				ref = ref[:k+1+btoi(ref[k+1] == ';')]
			}
			return dst, &EntityError{Ref: string(ref)}
		}
		dst = utf8.AppendRune(dst, r)
		b = b[n:]
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func indexAmpCR(b []byte) int {
	for i, c := range b {
		if c == '&' || c == '\r' {
			return i
		}
	}
	return -1
}

// AppendText appends XML character data as the sheet reader decodes it
// (see appendText), for laborcheck's other XML readers (.ods).
func AppendText(dst, b []byte) ([]byte, error) { return appendText(dst, b) }

// AppendCDATA appends the content of a CDATA section with its line ends
// normalised.
func AppendCDATA(dst, b []byte) []byte { return appendCRLF(dst, b) }

// CheckText reports the first reference in b that XML does not define, as
// appendText would, without keeping the text.
func CheckText(b []byte) error {
	for {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			return nil
		}
		b = b[i:]
		n, _ := decodeEntity(b)
		if n == 0 {
			_, err := appendText(nil, b[:min(len(b), maxRefLen+1)])
			return err
		}
		b = b[n:]
	}
}

// appendCRLF appends b with line ends normalised (CDATA content).
func appendCRLF(dst, b []byte) []byte {
	for {
		i := bytes.IndexByte(b, '\r')
		if i < 0 {
			return append(dst, b...)
		}
		dst = append(dst, b[:i]...)
		dst = append(dst, '\n')
		b = b[i+1:]
		if len(b) > 0 && b[0] == '\n' {
			b = b[1:]
		}
	}
}

// decodeEntity decodes the reference at the start of b ("&amp;", "&#10;",
// "&#x1F600;"). It returns the number of bytes used, 0 when b does not start
// with a reference it knows.
func decodeEntity(b []byte) (int, rune) {
	end := bytes.IndexByte(b[:min(len(b), maxRefLen+1)], ';')
	if end < 2 {
		return 0, 0
	}
	name := b[1:end]
	if name[0] == '#' {
		var v rune
		digits := name[1:]
		base := rune(10)
		if len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X') {
			base, digits = 16, digits[1:]
		}
		if len(digits) == 0 {
			return 0, 0
		}
		for _, c := range digits {
			d := hexVal(c)
			if d < 0 || rune(d) >= base {
				return 0, 0
			}
			v = v*base + rune(d)
			if v > utf8.MaxRune {
				return 0, 0
			}
		}
		if !isXMLChar(v) {
			return 0, 0
		}
		return end + 1, v
	}
	switch string(name) {
	case "amp":
		return end + 1, '&'
	case "lt":
		return end + 1, '<'
	case "gt":
		return end + 1, '>'
	case "quot":
		return end + 1, '"'
	case "apos":
		return end + 1, '\''
	}
	return 0, 0
}

// isXMLChar reports a character XML 1.0 allows in a document.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

func hexVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// nextAttr splits the first attribute off raw attribute text. It returns the
// local name (prefix stripped), the raw (still escaped) value and the rest.
func nextAttr(b []byte) (name, val, rest []byte, ok bool) {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	start := i
	for i < len(b) && b[i] != '=' && !isSpace(b[i]) {
		i++
	}
	name = b[start:i]
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
	if i >= len(b) || (b[i] != '"' && b[i] != '\'') {
		return nil, nil, nil, false
	}
	q := b[i]
	j := bytes.IndexByte(b[i+1:], q)
	if j < 0 {
		return nil, nil, nil, false
	}
	val = b[i+1 : i+1+j]
	rest = b[i+2+j:]
	if k := bytes.LastIndexByte(name, ':'); k >= 0 {
		name = name[k+1:]
	}
	return name, val, rest, true
}

// utf16Reader transcodes UTF-16 (either byte order) to UTF-8.
type utf16Reader struct {
	r       io.Reader
	big     bool
	in      [4096]byte
	inN     int
	out     []byte
	outPos  int
	pending rune // high surrogate waiting for its pair, or 0
	err     error
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for u.outPos == len(u.out) {
		u.out, u.outPos = u.out[:0], 0
		if u.err != nil {
			return 0, u.err
		}
		n, err := u.r.Read(u.in[u.inN:])
		u.inN += n
		if err != nil {
			u.err = err
		}
		m := u.inN &^ 1
		for i := 0; i < m; i += 2 {
			var c rune
			if u.big {
				c = rune(u.in[i])<<8 | rune(u.in[i+1])
			} else {
				c = rune(u.in[i+1])<<8 | rune(u.in[i])
			}
			if u.pending > 0 {
				r := utf16.DecodeRune(u.pending, c)
				u.pending = 0
				if r != utf8.RuneError {
					u.out = utf8.AppendRune(u.out, r)
					continue
				}
				u.out = utf8.AppendRune(u.out, utf8.RuneError)
			}
			if utf16.IsSurrogate(c) && c < 0xDC00 {
				u.pending = c
				continue
			}
			u.out = utf8.AppendRune(u.out, c)
		}
		copy(u.in[:], u.in[m:u.inN])
		u.inN -= m
		if u.err != nil && u.pending > 0 {
			u.out = utf8.AppendRune(u.out, utf8.RuneError)
			u.pending = 0
		}
	}
	n := copy(p, u.out[u.outPos:])
	u.outPos += n
	return n, nil
}
