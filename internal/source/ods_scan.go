package source

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/laborcheck/laborcheck/internal/xlsx"
)

// odsScanner is a byte-level XML tokenizer for content.xml, in the manner
// of the xlsx reader's: it walks start and end tags, passes over comments,
// processing instructions and declarations, and hands text to the callers
// that want it. Names and attributes are slices of its read buffer, valid
// until the next call that reads more input. Unlike the xlsx scanner it
// keeps namespace prefixes: OpenDocument readers tell office:value-type from
// calcext:value-type, and drawings by their draw: prefix, by the prefix as
// written (as encoding/xml's raw tokens do), while elements are matched by
// their local names whatever their prefix.
//
// What it refuses, encoding/xml refused too: a tag cut short, an attribute
// without a quoted value, a name with two colons, an entity reference XML
// does not define (entities a document declares are never expanded), an
// encoding other than UTF-8.
type odsScanner struct {
	r       io.Reader
	buf     []byte
	pos     int // first unconsumed byte
	end     int // end of valid data in buf
	eof     bool
	err     error // first error other than io.EOF
	started bool
	line    int // newlines in the input before buf[0]

	// The current tag (valid until the next read).
	prefix, local []byte
	attrs         []odsAttr
	empty         bool
	// pendingEnd: the last start tag was self-closing, and its end tag is
	// the next token, as encoding/xml gives it.
	pendingEnd bool
}

// odsAttr is one attribute of the current tag: its prefix, local name and
// raw value (escaped when esc is set).
type odsAttr struct {
	prefix, local, val []byte
	esc                bool
}

type odsTok uint8

const (
	odsEOF odsTok = iota
	odsStart
	odsEnd
)

const (
	odsScanChunk     = 256 << 10
	odsScanMaxBuffer = 16 << 20 // the longest tag, comment or CDATA section read
	odsMaxRefLen     = 12       // the longest entity or character reference read
)

// odsSyntaxError is content.xml that is not well-formed XML.
type odsSyntaxError struct {
	line int
	msg  string
}

func (e *odsSyntaxError) Error() string {
	return fmt.Sprintf("XML syntax error on line %d: %s", e.line, e.msg)
}

func newODSScanner(r io.Reader) *odsScanner {
	return &odsScanner{r: r, buf: make([]byte, odsScanChunk)}
}

func (s *odsScanner) syntax(format string, args ...any) error {
	if s.err != nil {
		return s.err
	}
	s.err = &odsSyntaxError{line: s.line + 1 + bytes.Count(s.buf[:s.pos], []byte{'\n'}), msg: fmt.Sprintf(format, args...)}
	return s.err
}

// fill moves unconsumed data to the front of the buffer and reads more; it
// reports whether new bytes arrived. Offsets relative to s.pos stay valid
// across a fill; slices into the buffer do not.
func (s *odsScanner) fill() bool {
	if !s.started {
		return s.start()
	}
	if s.eof || s.err != nil {
		return false
	}
	if s.pos > 0 {
		s.line += bytes.Count(s.buf[:s.pos], []byte{'\n'})
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.end, s.pos = n, 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= odsScanMaxBuffer {
			s.err = errors.New("an XML tag, comment or CDATA section longer than 16 MiB")
			return false
		}
		nb := make([]byte, min(2*len(s.buf), odsScanMaxBuffer))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			if err == io.EOF {
				s.eof = true
			} else {
				s.err = err
			}
		}
		if n > 0 || err != nil {
			return n > 0
		}
	}
	s.err = io.ErrNoProgress
	return false
}

// start is the first fill: it drops a UTF-8 byte order mark and checks
// the XML declaration, which must declare version 1.0 and UTF-8 if
// anything.
func (s *odsScanner) start() bool {
	s.started = true
	for s.end < 512 && !s.eof && s.err == nil {
		s.fill()
	}
	if bytes.HasPrefix(s.buf[:s.end], []byte{0xEF, 0xBB, 0xBF}) {
		s.pos = 3
	}
	return s.end > s.pos
}

// declValue returns a pseudo-attribute of an XML declaration, or "".
func declValue(decl []byte, name string) string {
	i := bytes.Index(decl, []byte(name))
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(decl[i+len(name):], " \t\r\n")
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
	return string(rest[1 : 1+q])
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// ensure makes n bytes available after s.pos when the input has them.
func (s *odsScanner) ensure(n int) bool {
	for s.end-s.pos < n {
		if !s.fill() {
			return false
		}
	}
	return true
}

// findSeq returns the offset (from s.pos) of seq at or after from, reading
// more as needed; -1 at the end of the input.
func (s *odsScanner) findSeq(seq []byte, from int) int {
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

func (s *odsScanner) eofError() error {
	if s.err != nil {
		return s.err
	}
	return s.syntax("unexpected EOF")
}

// special passes over the markup at s.pos that starts with "<!" or "<?":
// a comment, processing instruction or declaration. A CDATA section is
// text: its content is appended to dst when keep is set.
func (s *odsScanner) special(dst *[]byte, keep bool, limit int) error {
	s.ensure(9)
	b := s.buf[s.pos:s.end]
	var term []byte
	switch {
	case bytes.HasPrefix(b, []byte("<!--")):
		term = []byte("-->")
	case bytes.HasPrefix(b, []byte("<![CDATA[")):
		j := s.findSeq([]byte("]]>"), 9)
		if j < 0 {
			return s.eofError()
		}
		if err := checkXMLChars(s.buf[s.pos+9 : s.pos+j]); err != nil {
			return s.syntax("%v", err)
		}
		if keep && len(*dst) < limit {
			*dst = xlsx.AppendCDATA(*dst, s.buf[s.pos+9:s.pos+j])
		}
		s.pos += j + 3
		return nil
	case bytes.HasPrefix(b, []byte("<?")):
		return s.procInst()
	case bytes.HasPrefix(b, []byte("<!-")):
		return s.syntax("invalid sequence <!- not part of <!--")
	case bytes.HasPrefix(b, []byte("<![")):
		return s.syntax("invalid <![ sequence")
	case bytes.HasPrefix(b, []byte("<!")):
		return s.decl()
	}
	if term[0] == '-' {
		// "--" ends a comment, and must be followed by '>'.
		i := s.findSeq([]byte("--"), 4)
		if i < 0 {
			return s.eofError()
		}
		if !s.ensure(i+3) || s.buf[s.pos+i+2] != '>' {
			return s.syntax(`invalid sequence "--" not allowed in comments`)
		}
		s.pos += i + 3
		return nil
	}
	i := s.findSeq(term, 2)
	if i < 0 {
		return s.eofError()
	}
	s.pos += i + len(term)
	return nil
}

// procInst passes over a processing instruction. Its target must be a
// name; an XML declaration must declare version 1.0 and UTF-8 if anything.
func (s *odsScanner) procInst() error {
	i := s.findSeq([]byte("?>"), 2)
	if i < 0 {
		return s.eofError()
	}
	b := s.buf[s.pos+2 : s.pos+i]
	n := nameLen(b)
	if !isXMLName(b[:n]) {
		return s.syntax("expected target name after <?")
	}
	if string(b[:n]) == "xml" {
		if v := declValue(b[n:], "version"); v != "" && v != "1.0" {
			return s.syntax("unsupported version %q; only version 1.0 is supported", v)
		}
		if enc := declValue(b[n:], "encoding"); enc != "" && !strings.EqualFold(enc, "utf-8") {
			s.err = fmt.Errorf("xml: encoding %q declared, and laborcheck reads OpenDocument content in UTF-8 only", enc)
			return s.err
		}
	}
	s.pos += i + 2
	return nil
}

// decl passes over a <!...> declaration as encoding/xml does: quoted
// strings, nested <...> and comments inside. Declared entities are never
// expanded.
func (s *odsScanner) decl() error {
	at := func(i int) (byte, bool) {
		if s.pos+i >= s.end && !s.fill() {
			return 0, false
		}
		return s.buf[s.pos+i], true
	}
	var inquote byte
	depth := 0
	for i := 3; ; i++ { // the byte after "<!" is taken as it is
		b, ok := at(i)
		if !ok {
			return s.eofError()
		}
		if inquote == 0 && b == '>' && depth == 0 {
			s.pos += i + 1
			return nil
		}
	handle:
		switch {
		case b == inquote:
			inquote = 0
		case inquote != 0:
		case b == '\'' || b == '"':
			inquote = b
		case b == '>':
			depth--
		case b == '<':
			for k := 0; k < 3; k++ {
				i++
				if b, ok = at(i); !ok {
					return s.eofError()
				}
				if b != "!--"[k] {
					depth++
					goto handle
				}
			}
			var b0, b1 byte
			for {
				i++
				if b, ok = at(i); !ok {
					return s.eofError()
				}
				if b0 == '-' && b1 == '-' && b == '>' {
					break
				}
				b0, b1 = b1, b
			}
		}
	}
}

// text handles the character data at s.pos up to the next '<': appended,
// decoded, to dst while keep is set and dst is shorter than limit (the
// rest is checked and dropped, and cut reports it), or only checked.
func (s *odsScanner) text(dst []byte, keep bool, limit int) ([]byte, bool, error) {
	cut := false
	add := func(b []byte) error {
		if err := checkXMLChars(b); err != nil {
			return s.syntax("%v", err)
		}
		if keep && len(dst) < limit {
			var err error
			dst, err = xlsx.AppendText(dst, b)
			return err
		}
		if keep && len(b) > 0 {
			cut = true
		}
		return xlsx.CheckText(b)
	}
	for {
		i := bytes.IndexByte(s.buf[s.pos:s.end], '<')
		if i >= 0 {
			if err := add(s.buf[s.pos : s.pos+i]); err != nil {
				return dst, cut, s.wrapText(err)
			}
			s.pos += i
			return dst, cut, nil
		}
		// Use what has arrived, but for a reference or line end that may
		// go on in the next read.
		b := s.buf[s.pos:s.end]
		n := len(b)
		if k := bytes.IndexByte(b[max(0, n-odsMaxRefLen):], '&'); k >= 0 {
			n = max(0, n-odsMaxRefLen) + k
		}
		if n > 0 && b[n-1] == '\r' {
			n--
		}
		if err := add(b[:n]); err != nil {
			return dst, cut, s.wrapText(err)
		}
		s.pos += n
		if !s.fill() {
			if s.end > s.pos {
				// The end of the input: what is left is all there is.
				if err := add(s.buf[s.pos:s.end]); err != nil {
					return dst, cut, s.wrapText(err)
				}
				s.pos = s.end
			}
			if s.err != nil {
				return dst, cut, s.err
			}
			return dst, cut, io.EOF
		}
	}
}

func (s *odsScanner) wrapText(err error) error {
	if s.err == nil {
		s.err = err
	}
	return s.err
}

// next advances to the next start or end tag, passing over (and checking)
// text, comments, processing instructions and declarations. It returns
// odsEOF at the end of the input.
func (s *odsScanner) next() (odsTok, error) {
	if s.pendingEnd {
		s.pendingEnd = false
		s.attrs = s.attrs[:0]
		return odsEnd, nil
	}
	if s.err != nil {
		return odsEOF, s.err
	}
	for {
		if _, _, err := s.text(nil, false, 0); err != nil {
			if err == io.EOF {
				return odsEOF, nil
			}
			return odsEOF, err
		}
		if !s.ensure(2) {
			return odsEOF, s.eofError()
		}
		switch s.buf[s.pos+1] {
		case '!', '?':
			if err := s.special(nil, false, 0); err != nil {
				return odsEOF, err
			}
			continue
		}
		return s.tag()
	}
}

// tag reads the tag at s.pos ('<' then a name or '/').
func (s *odsScanner) tag() (odsTok, error) {
	e := s.tagEnd()
	if e < 0 {
		return odsEOF, s.eofError()
	}
	t := s.buf[s.pos+1 : s.pos+e] // between '<' and '>'
	kind := odsStart
	if len(t) > 0 && t[0] == '/' {
		kind = odsEnd
		t = t[1:]
	}
	n := nameLen(t)
	var ok bool
	if s.prefix, s.local, ok = splitName(t[:n]); !ok || n < len(t) && !isSpace(t[n]) && (kind == odsEnd || t[n] != '/') {
		return odsEOF, s.syntax("expected element name after <")
	}
	s.empty = false
	s.attrs = s.attrs[:0]
	rest := t[n:]
	if kind == odsEnd {
		if len(bytes.TrimLeft(rest, " \t\r\n")) > 0 {
			return odsEOF, s.syntax("invalid characters between </%s and >", t[:n])
		}
		s.pos += e + 1
		return odsEnd, nil
	}
	if len(rest) > 0 && rest[len(rest)-1] == '/' {
		s.empty = true
		rest = rest[:len(rest)-1]
	}
	for {
		i := 0
		for i < len(rest) && isSpace(rest[i]) {
			i++
		}
		if i == len(rest) {
			break
		}
		rest = rest[i:]
		j := nameLen(rest)
		prefix, local, ok := splitName(rest[:j])
		if !ok {
			return odsEOF, s.syntax("expected attribute name in element")
		}
		rest = bytes.TrimLeft(rest[j:], " \t\r\n")
		if len(rest) == 0 || rest[0] != '=' {
			return odsEOF, s.syntax("attribute name without = in element")
		}
		rest = bytes.TrimLeft(rest[1:], " \t\r\n")
		if len(rest) == 0 || rest[0] != '"' && rest[0] != '\'' {
			return odsEOF, s.syntax("unquoted or missing attribute value in element")
		}
		q := bytes.IndexByte(rest[1:], rest[0])
		if q < 0 {
			return odsEOF, s.syntax("unquoted or missing attribute value in element")
		}
		val := rest[1 : 1+q]
		rest = rest[2+q:]
		esc := false
		for _, c := range val {
			if c == '&' || c == '\r' || c == '<' || c < 0x20 && c != '\t' && c != '\n' || c >= 0x80 {
				esc = true
				break
			}
		}
		if esc {
			if bytes.IndexByte(val, '<') >= 0 {
				return odsEOF, s.syntax("unescaped < inside quoted string")
			}
			if err := xlsx.CheckText(val); err != nil {
				return odsEOF, s.wrapText(err)
			}
			if err := checkXMLChars(val); err != nil {
				return odsEOF, s.syntax("%v", err)
			}
			esc = bytes.IndexByte(val, '&') >= 0 || bytes.IndexByte(val, '\r') >= 0
		}
		s.attrs = append(s.attrs, odsAttr{prefix: prefix, local: local, val: val, esc: esc})
	}
	s.pos += e + 1
	s.pendingEnd = s.empty
	return odsStart, nil
}

// splitName splits a name at its colon, as encoding/xml does: a name with
// two colons is refused, and one with an empty prefix or local part is all
// local.
func splitName(n []byte) (prefix, local []byte, ok bool) {
	if !isXMLName(n) {
		return nil, nil, false
	}
	i := bytes.IndexByte(n, ':')
	if i < 0 {
		return nil, n, true
	}
	if bytes.IndexByte(n[i+1:], ':') >= 0 {
		return nil, nil, false
	}
	if i == 0 || i == len(n)-1 {
		return nil, n, true
	}
	return n[:i], n[i+1:], true
}

// tagEnd returns the offset of the '>' closing the tag at s.pos, skipping
// quoted attribute values; -1 at the end of the input.
func (s *odsScanner) tagEnd() int {
	i := 1
	for {
		if s.pos+i >= s.end && !s.fill() {
			return -1
		}
		b := s.buf[s.pos+i : s.end]
		j := bytes.IndexByte(b, '>')
		seg := b
		if j >= 0 {
			seg = b[:j]
		}
		q := bytes.IndexByte(seg, '"')
		if k := bytes.IndexByte(seg, '\''); k >= 0 && (q < 0 || k < q) {
			q = k
		}
		if q < 0 {
			if j >= 0 {
				return i + j
			}
			i += len(b)
			continue
		}
		i += q
		c := s.buf[s.pos+i]
		for {
			if k := bytes.IndexByte(s.buf[s.pos+i+1:s.end], c); k >= 0 {
				i += k + 2
				break
			}
			if !s.fill() {
				return -1
			}
		}
	}
}

// passOver passes over content up to the end tag of the element whose
// content it is in, depth elements deep (depth open elements inside it):
// by the tags' angle brackets alone, without reading names or attributes,
// which in well-formed XML finds the same end tag as reading token by token
// does, several times faster. It reports end when it read that end tag;
// otherwise it stops before a comment, CDATA section or processing
// instruction (where a '<' need not open a tag), or a self-closing tag's
// pending end, for next to read, with depth the elements still open.
func (s *odsScanner) passOver(depth int) (int, bool, error) {
	if s.pendingEnd || s.err != nil {
		return depth, false, s.err
	}
	for {
		i := bytes.IndexByte(s.buf[s.pos:s.end], '<')
		if i < 0 {
			s.pos = s.end
			if !s.fill() {
				return depth, false, s.eofError()
			}
			continue
		}
		s.pos += i
		if !s.ensure(2) {
			return depth, false, s.eofError()
		}
		switch s.buf[s.pos+1] {
		case '!', '?':
			return depth, false, nil
		}
		e := s.tagEnd()
		if e < 0 {
			return depth, false, s.eofError()
		}
		switch {
		case s.buf[s.pos+1] == '/':
			depth--
		case s.buf[s.pos+e-1] != '/':
			depth++
		}
		s.pos += e + 1
		if depth < 0 {
			return 0, true, nil
		}
	}
}

// skip passes over the rest of the element whose start tag was just read.
func (s *odsScanner) skip() error {
	depth := 0
	for {
		k, err := s.next()
		if err != nil {
			return err
		}
		switch k {
		case odsEOF:
			return s.syntax("unexpected EOF")
		case odsStart:
			depth++
		case odsEnd:
			if depth == 0 {
				return nil
			}
			depth--
		}
	}
}

// attr returns the decoded value of the current tag's attribute by local
// name, the office:, table: or style: one first where two namespaces use
// the name (office:value-type and calcext:value-type), as the encoding/xml
// reader did.
func (s *odsScanner) attr(local string) []byte {
	var v odsAttr
	found := false
	for _, a := range s.attrs {
		if string(a.local) != local {
			continue
		}
		if strongPrefix(a.prefix) {
			return a.decoded()
		}
		if !found || len(v.val) == 0 {
			v, found = a, true
		}
	}
	if !found {
		return nil
	}
	return v.decoded()
}

func strongPrefix(p []byte) bool {
	return string(p) == "office" || string(p) == "table" || string(p) == "style"
}

func (a odsAttr) decoded() []byte {
	if !a.esc {
		return a.val
	}
	b, _ := xlsx.AppendText(nil, a.val)
	return b
}

// odsRepeat reads a repeat count: at least 1.
func odsRepeat(v []byte) int {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return 1
	}
	if len(v) > 18 {
		n, err := strconv.Atoi(string(v))
		if err != nil || n < 1 {
			return 1
		}
		return n
	}
	n, neg := 0, false
	if v[0] == '+' || v[0] == '-' {
		neg, v = v[0] == '-', v[1:]
		if len(v) == 0 {
			return 1
		}
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return 1
		}
		n = n*10 + int(c-'0')
	}
	if neg || n < 1 {
		return 1
	}
	return n
}

// nameLen is the length of the name at the start of b: up to the first
// byte that cannot be in a name, as encoding/xml reads names.
func nameLen(b []byte) int {
	for i, c := range b {
		if c < utf8.RuneSelf && !isNameByte(c) {
			return i
		}
	}
	return len(b)
}

func isNameByte(c byte) bool {
	return nameByte[c]
}

var nameByte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' ||
			'0' <= c && c <= '9' || c == '_' || c == ':' || c == '.' || c == '-'
	}
	return t
}()

// isXMLName reports a name encoding/xml accepts, n being what nameLen
// found. Names outside ASCII, rare in spreadsheets, are left to
// encoding/xml itself.
func isXMLName(n []byte) bool {
	if len(n) == 0 {
		return false
	}
	if c := n[0]; c < utf8.RuneSelf {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':') {
			return false
		}
		ascii := true
		for _, c := range n[1:] {
			if c >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
		if ascii {
			return true
		}
	}
	_, err := xml.NewDecoder(bytes.NewReader(append(append([]byte("<"), n...), "/>"...))).RawToken()
	return err == nil
}

// checkXMLChars refuses text that is not UTF-8, or holds a character XML
// does not allow (control characters other than tab and line ends).
func checkXMLChars(b []byte) error {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return fmt.Errorf("illegal character code %U", rune(c))
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return errors.New("invalid UTF-8")
		}
		if r == 0xFFFE || r == 0xFFFF {
			return fmt.Errorf("illegal character code %U", r)
		}
		i += size
	}
	return nil
}
