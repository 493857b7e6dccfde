package source

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/transform"
)

// textEncoding is how a text file's bytes are decoded.
type textEncoding struct {
	name string
	bom  int                          // bytes of UTF-8 byte-order mark to skip
	dec  func() transform.Transformer // nil: UTF-8 as is
	note string                       // for Input.Notes; "" for plain UTF-8
}

// bomEncoding returns the encoding a byte-order mark names, or nil.
func bomEncoding(head []byte) *textEncoding {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return &textEncoding{name: "UTF-8", bom: 3}
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0, 0}):
		return decoded("UTF-32LE", utf32.UTF32(utf32.LittleEndian, utf32.ExpectBOM), "byte-order mark")
	case bytes.HasPrefix(head, []byte{0, 0, 0xFE, 0xFF}):
		return decoded("UTF-32BE", utf32.UTF32(utf32.BigEndian, utf32.ExpectBOM), "byte-order mark")
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return decoded("UTF-16LE", unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "byte-order mark")
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return decoded("UTF-16BE", unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "byte-order mark")
	}
	return nil
}

func decoded(name string, e encoding.Encoding, why string) *textEncoding {
	return &textEncoding{
		name: name,
		dec:  func() transform.Transformer { return e.NewDecoder() },
		note: fmt.Sprintf("text encoding: %s (%s)", name, why),
	}
}

// guessUTF16 recognises UTF-16 without a byte-order mark by its zero bytes
// (text that is mostly ASCII has a zero in every other byte) and checks that
// the head then decodes to text.
func guessUTF16(head []byte) (*textEncoding, bool) {
	n := min(len(head), 4096) &^ 1
	if n < 8 {
		return nil, false
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	pairs := n / 2
	var order unicode.Endianness
	switch {
	case odd*10 >= pairs*4 && even*20 < pairs:
		order = unicode.LittleEndian
	case even*10 >= pairs*4 && odd*20 < pairs:
		order = unicode.BigEndian
	default:
		return nil, false
	}
	text, err := unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder().Bytes(head[:n])
	if err != nil || !utf8.Valid(text) || looksBinary(text) || bytes.ContainsRune(text, utf8.RuneError) {
		return nil, false
	}
	name := "UTF-16LE"
	if order == unicode.BigEndian {
		name = "UTF-16BE"
	}
	return decoded(name, unicode.UTF16(order, unicode.IgnoreBOM), "no byte-order mark"), true
}

// detectEncoding decides how to decode a text file from its first bytes and
// whether the whole of it is valid UTF-8.
func detectEncoding(head []byte, validUTF8 bool) *textEncoding {
	if e := bomEncoding(head); e != nil {
		return e
	}
	if e, ok := guessUTF16(head); ok {
		return e
	}
	if validUTF8 {
		return &textEncoding{name: "UTF-8"}
	}
	return decoded("windows-1252", charmap.Windows1252, "not valid UTF-8")
}

// textFile is delimited text opened for reading: the decoded stream, its
// delimiter, and the lines dropped before the first record.
type textFile struct {
	br      *bufio.Reader
	comma   rune
	skipped int // lines before the csv reader's first line (a "sep=" line)
	notes   []string
	blank   bool // the text holds nothing but white space
	format  string
	delimOK bool // the delimiter was seen splitting records consistently
	loneCR  *loneCR
}

// openText decodes a text file and sniffs its delimiter. ext is the file's
// lower-case extension; head and validUTF8 come from scanning the raw bytes.
func openText(src io.Reader, head []byte, validUTF8 bool, ext string) (*textFile, error) {
	enc := detectEncoding(head, validUTF8)
	tf := &textFile{}
	if enc.note != "" {
		tf.notes = append(tf.notes, enc.note)
	}
	var rd io.Reader = src
	if enc.bom > 0 {
		if _, err := io.CopyN(io.Discard, rd, int64(enc.bom)); err != nil {
			return nil, err
		}
	}
	if enc.dec != nil {
		rd = transform.NewReader(rd, enc.dec())
	}
	br := bufio.NewReaderSize(rd, headSize)
	peek, err := br.Peek(headSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	if len(bytes.TrimSpace(peek)) == 0 {
		tf.blank = true
		return tf, nil
	}
	// Classic Mac line endings: a lone CR ends a line, in the whole file or
	// in part of it (a file pieced together from several exports). CR LF
	// stays as it is.
	if bytes.IndexByte(peek, '\n') < 0 && bytes.IndexByte(peek, '\r') >= 0 {
		tf.notes = append(tf.notes, "line endings: carriage return only")
	}
	tf.loneCR = &loneCR{r: br}
	br = bufio.NewReaderSize(tf.loneCR, headSize)
	if peek, err = br.Peek(headSize); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	tf.br = br
	if c, n, ok := sepLine(peek); ok {
		if _, err := br.Discard(n); err != nil {
			return nil, err
		}
		tf.comma, tf.skipped, tf.delimOK = c, 1, true
		tf.notes = append(tf.notes, fmt.Sprintf("delimiter: %s (from the file's \"sep=\" line)", delimName(c)))
	} else {
		sample := peek
		if len(peek) == headSize {
			if i := bytes.LastIndexByte(peek, '\n'); i > 0 {
				sample = peek[:i+1]
			}
		}
		tf.comma, tf.delimOK = sniffDelimiter(sample, ext == ".tsv")
		def := ','
		if ext == ".tsv" {
			def = '\t'
		}
		if tf.comma != def {
			tf.notes = append(tf.notes, "delimiter: "+delimName(tf.comma))
		}
	}
	tf.format = FormatCSV
	if tf.comma == '\t' {
		tf.format = FormatTSV
	}
	return tf, nil
}

func delimName(c rune) string {
	if c == '\t' {
		return "tab"
	}
	return fmt.Sprintf("'%c'", c)
}

// sepLine recognises Excel's "sep=;" first line, returning the delimiter and
// the length of the line.
func sepLine(peek []byte) (rune, int, bool) {
	end := bytes.IndexByte(peek, '\n')
	if end < 0 {
		end = len(peek)
	}
	line := strings.TrimRight(string(peek[:end]), "\r")
	line = strings.Trim(line, `"`)
	if len(line) < 5 || !strings.EqualFold(line[:4], "sep=") {
		return 0, 0, false
	}
	c, size := utf8.DecodeRuneInString(line[4:])
	if size != len(line)-4 || !validDelim(c) {
		return 0, 0, false
	}
	return c, min(end+1, len(peek)), true
}

func validDelim(c rune) bool {
	return c != utf8.RuneError && c != '"' && c != '\r' && c != '\n' && c != 0xFEFF && utf8.ValidRune(c)
}

// sniffCandidates are the delimiters sniffing chooses among, in the order
// that breaks ties.
var sniffCandidates = []rune{',', ';', '\t', '|'}

// sniffDelimiter chooses the delimiter that splits the sample's records into
// the most consistent number of fields (more than one), preferring more
// fields among equally consistent ones. ok is false when no candidate splits
// the records at all; the delimiter is then ',' (or tab for .tsv).
func sniffDelimiter(sample []byte, preferTab bool) (rune, bool) {
	best, bestCons, bestMode := ',', -1, 0
	if preferTab {
		best = '\t'
	}
	for _, d := range sniffCandidates {
		mode, cons := splitStats(sample, d)
		if mode < 2 {
			continue
		}
		if preferTab && d == '\t' && cons >= 10 {
			return '\t', true
		}
		if cons > bestCons || cons == bestCons && mode > bestMode {
			best, bestCons, bestMode = d, cons, mode
		}
	}
	return best, bestCons >= 0
}

// splitStats parses up to 100 records of sample with delimiter d and returns
// the most common number of fields and how consistent it is, in twentieths
// of the records that have it (so near-equal shares tie).
func splitStats(sample []byte, d rune) (mode, consistency int) {
	cr := csv.NewReader(bytes.NewReader(sample))
	cr.Comma = d
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	counts := map[int]int{}
	n := 0
	for n < 100 {
		rec, err := cr.Read()
		if err != nil {
			break
		}
		if isBlank(rec) {
			continue
		}
		counts[len(rec)]++
		n++
	}
	if n == 0 {
		return 0, 0
	}
	top := 0
	for k, c := range counts {
		if c > top || c == top && k > mode {
			mode, top = k, c
		}
	}
	return mode, top * 20 / n
}

// looksDelimited reports whether a file's start reads as delimited text:
// some delimiter splits its records consistently into several fields.
func looksDelimited(sc *scan) bool {
	tf, err := openText(bytes.NewReader(sc.head), sc.head, sc.validUTF8, "")
	if err != nil || tf.blank {
		return false
	}
	peek, _ := tf.br.Peek(headSize)
	mode, cons := splitStats(peek, tf.comma)
	return tf.delimOK && mode >= 2 && cons >= 16
}

// loneCR turns a carriage return that no line feed follows into a line
// feed, so that lines ended the classic Mac way are lines, wherever in the
// file they are. It counts those it turned.
type loneCR struct {
	r       io.Reader
	pending bool // the last byte read was a CR, not yet passed on
	turned  int
}

func (c *loneCR) Read(p []byte) (int, error) {
	if len(p) < 2 {
		return 0, io.ErrShortBuffer // no room for a CR and the byte that decides it
	}
	for {
		start := 0
		if c.pending {
			p[0] = '\r'
			start = 1
		}
		n, err := c.r.Read(p[start:])
		n += start
		c.pending = false
		end := n
		if err == nil && n > 0 && p[n-1] == '\r' {
			end, c.pending = n-1, true // decided by the next byte
		}
		for i := 0; i < end; {
			k := bytes.IndexByte(p[i:end], '\r')
			if k < 0 {
				break
			}
			i += k
			if i+1 == n || p[i+1] != '\n' {
				p[i] = '\n'
				c.turned++
			}
			i++
		}
		if end > 0 || err != nil {
			return end, err
		}
	}
}

// readText reads a delimited text file.
func (r *reader) readText(sc *scan) error {
	f, err := r.open()
	if err != nil {
		r.in.Err = r.ioError(err)
		return nil
	}
	defer f.Close()
	return r.readTextFrom(f, sc)
}

// readTextFrom reads delimited text from src, whose first bytes and UTF-8
// validity sc describes.
func (r *reader) readTextFrom(src io.Reader, sc *scan) error {
	ext := r.ext
	tf, err := openText(src, sc.head, sc.validUTF8, ext)
	if err != nil {
		r.in.Err = r.ioError(err)
		return nil
	}
	if tf.blank {
		r.in.Err = r.fileError(ErrEmpty, "the file holds only white space", "")
		return nil
	}
	r.in.Notes = append(r.in.Notes, tf.notes...)
	r.in.Format = tf.format
	sh := &Sheet{}
	r.in.Sheets = append(r.in.Sheets, sh)
	lim := &recordLimit{r: tf.br, max: r.lim.MaxRecord}
	cr := csv.NewReader(lim)
	cr.Comma = tf.comma
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	rows := &textRows{ctx: r.ctx, cr: cr, lim: lim, offset: tf.skipped, maxCells: r.lim.MaxCells, path: r.path}
	err = r.readTable(sh, rows, layout{text: true})
	if n := tf.loneCR.turned; n > 0 && !slices.Contains(tf.notes, "line endings: carriage return only") {
		r.in.Notes = append(r.in.Notes, fmt.Sprintf("line endings: %s ended by a carriage return alone, read as line ends", plural(n, "line", "lines")))
	}
	return err
}

// recordLimit fails a read when one record has grown past max bytes.
type recordLimit struct {
	r    io.Reader
	n    int64 // bytes read
	mark int64 // bytes read when the last record ended
	max  int64
}

var errRecordTooLong = errors.New("record too long")

func (l *recordLimit) Read(p []byte) (int, error) {
	if l.n-l.mark > l.max {
		return 0, errRecordTooLong
	}
	k, err := l.r.Read(p)
	l.n += int64(k)
	return k, err
}

// textRows yields the records of delimited text.
type textRows struct {
	ctx      context.Context
	cr       *csv.Reader
	lim      *recordLimit
	offset   int // lines dropped before the csv reader's first line
	lastLine int // the line of the last record returned
	count    int
	cells    int64
	maxCells int64
	path     string
	width    int // the most cells a record has had
}

// swallowed reports a quoted cell that has taken in what look like rows: a
// stray quote at the start of a cell runs to the next quote, lines and
// delimiters included, and the rows in between would be lost without a
// word. A cell of several lines that each hold about as many delimiters as
// a row does is that, not an address written over lines.
func (t *textRows) swallowed(rec []string) error {
	if t.width < 3 {
		return nil
	}
	need := max(2, (t.width-1)/2) // delimiters a line needs to look like a row
	for i, f := range rec {
		if j := strings.IndexByte(f, '\n'); j < 0 || strings.IndexByte(f[j+1:], '\n') < 0 {
			continue // fewer than two line breaks: most cells have none
		}
		rowLike := 0
		lines := strings.Split(f, "\n")
		for _, l := range lines {
			if strings.Count(l, string(t.cr.Comma)) >= need {
				rowLike++
			}
		}
		if rowLike >= 2 {
			line, col := t.cr.FieldPos(i)
			return &FileError{Path: t.path, Kind: ErrCorrupt,
				Reason: fmt.Sprintf("a quote at line %d, cell %d, opens a cell that runs across %d lines and takes in %d that look like rows; those rows would be lost", line+t.offset, i+1, len(lines), rowLike),
				Hint:   fmt.Sprintf("remove the stray quote (\") at line %d, column %d, or close it, and review the file again", line+t.offset, col)}
		}
	}
	return nil
}

func (t *textRows) next() (rawRow, error) {
	for {
		if t.count++; t.count&0xFF == 0 {
			if err := t.ctx.Err(); err != nil {
				return rawRow{}, err
			}
		}
		rec, err := t.cr.Read()
		t.lim.mark = t.cr.InputOffset()
		if errors.Is(err, io.EOF) {
			return rawRow{}, io.EOF
		}
		if err != nil {
			if errors.Is(err, errRecordTooLong) {
				return rawRow{}, &FileError{Path: t.path, Kind: ErrTooLarge,
					Reason: fmt.Sprintf("the record after line %d is longer than %s: a quote left open, or a cell far longer than a spreadsheet cell holds (32,767 characters)", t.lastLine, byteSize(t.lim.max)),
					Hint:   "check the quotes after that line, and cut any very long text out of the file"}
			}
			return rawRow{}, fmt.Errorf("after line %d: %w", t.lastLine, err)
		}
		if isBlank(rec) {
			continue
		}
		if t.cells += int64(len(rec)); t.cells > t.maxCells {
			return rawRow{}, &FileError{Path: t.path, Kind: ErrTooLarge,
				Reason: fmt.Sprintf("the file has more than %d cells, the limit for one table", t.maxCells), Hint: hintSplit}
		}
		line, _ := t.cr.FieldPos(0)
		t.lastLine = line + t.offset
		if err := t.swallowed(rec); err != nil {
			return rawRow{}, err
		}
		t.width = max(t.width, len(rec))
		return rawRow{num: t.lastLine, cells: rec}, nil
	}
}
