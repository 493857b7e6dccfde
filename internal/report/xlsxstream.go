package report

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	kflate "github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"
)

// Streaming the table sheets of the XLSX report.
//
// excelize builds a workbook in memory and its StreamWriter keeps every row
// it is given until the workbook is saved, so a report of hundreds of
// thousands of contracts would be held whole, twice. Instead, excelize
// writes the workbook with each table's header row only, and assemble then
// copies its package to the output, streaming each table's rows into its
// sheet part. The rows are rendered as excelize's StreamWriter renders them
// (inline strings with its escaping, numbers, styles, row heights), so a
// spreadsheet program, or excelize reading the file back, sees the same
// workbook; but texts that repeat from row to row (a rule's references, a
// contract's file and supplier) refer to the workbook's shared-string
// table instead (see xlsxshared.go), and the cells are written more
// briefly. A row writes a cell for every column, the empty ones included,
// so its cells go without their references (r="D7"): SpreadsheetML puts a
// cell without one in the column after the cell before it, the first in
// column A. An empty cell is an empty element (<c s="3"/>). A table
// sheet of 200,000 contracts is a quarter smaller for it, and so is the
// work of compressing it.

// xcell is one cell of a table row.
type xcell struct {
	kind  uint8
	s     string
	n     int
	style int // 0: the column's style
}

const (
	xText = iota
	xNum
)

func text(s string) xcell { return xcell{kind: xText, s: s} }
func num(n int) xcell     { return xcell{kind: xNum, n: n} }

// table is a streamed table: its columns, its number of rows and what
// emits them.
type table struct {
	cols []column
	n    int
	emit func(put func([]xcell) error) error
}

// assemble copies the excelize package pkg to w, streaming the rows of
// x.tables into their sheets. Each table's sheet part is rendered and
// compressed in a goroutine of its own into a temporary file, and copied
// into the package when its turn comes.
func (x *xlsxWriter) assemble(w io.Writer, pkg []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		return err
	}
	parts, err := sheetParts(zr)
	if err != nil {
		return err
	}
	byPart := map[string]*table{}
	for name, t := range x.tables {
		p, ok := parts[name]
		if !ok {
			return fmt.Errorf("sheet %q is not in the package", name)
		}
		byPart[p] = t
	}
	if x.sst, err = x.sharedStrings(zr); err != nil {
		return err
	}
	pending := map[string]*compressedPart{}
	defer func() {
		for _, cp := range pending {
			cp.discard()
		}
	}()
	for _, zf := range zr.File {
		if t, ok := byPart[zf.Name]; ok {
			pending[zf.Name] = x.compressSheet(zf, t)
		}
	}
	zw := zip.NewWriter(w)
	for _, zf := range partOrder(zr.File) {
		if zf.Name == "[Content_Types].xml" {
			if err := copyContentTypes(zw, zf); err != nil {
				return err
			}
			continue
		}
		if zf.Name == sharedStringsPart && x.sst.grown() {
			h := zf.FileHeader
			pw, err := zw.CreateHeader(&h)
			if err != nil {
				return err
			}
			if err := x.sst.write(pw); err != nil {
				return err
			}
			continue
		}
		cp, ok := pending[zf.Name]
		if !ok {
			if err := zw.Copy(zf); err != nil {
				return err
			}
			continue
		}
		if err := cp.copyTo(zw, zf); err != nil {
			return fmt.Errorf("sheet part %s: %w", zf.Name, err)
		}
	}
	return zw.Close()
}

// sharedStrings makes the workbook's shared-string table: excelize's
// entries and the texts of the report that repeat in its tables. Without
// a table of excelize's (it writes one whenever a sheet of its own holds
// text), there is none, and every text is inline.
func (x *xlsxWriter) sharedStrings(zr *zip.Reader) (*sharedStrings, error) {
	f, err := zr.Open(sharedStringsPart)
	if err != nil || !shareTexts {
		return nil, nil
	}
	part, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return nil, err
	}
	t, err := newSharedStrings(part)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sharedStringsPart, err)
	}
	t.addReport(x.r)
	return t, nil
}

// compressedPart is a sheet part compressed into a temporary file.
type compressedPart struct {
	done         chan struct{}
	f            *os.File
	crc          uint32
	csize, usize int64
	err          error
	panic        *PanicError
}

// compressSheet starts rendering and compressing the sheet part zf, with t's
// rows after its header row.
func (x *xlsxWriter) compressSheet(zf *zip.File, t *table) *compressedPart {
	cp := &compressedPart{done: make(chan struct{})}
	go func() {
		defer close(cp.done)
		defer func() {
			// Raised again where the part is awaited, on the writer's
			// goroutine: a bug here is a crash, not a failed write.
			if p := recover(); p != nil {
				cp.panic = asPanic(p)
			}
		}()
		cp.err = x.renderSheet(cp, zf, t)
	}()
	return cp
}

func (x *xlsxWriter) renderSheet(cp *compressedPart, zf *zip.File, t *table) (err error) {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	head, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return err
	}
	end := bytes.LastIndex(head, []byte("</sheetData>"))
	if end < 0 {
		return fmt.Errorf("no sheetData")
	}
	if cp.f, err = os.CreateTemp(x.r.tempDir, "laborcheck-xlsx-*.tmp"); err != nil {
		return err
	}
	unlinkOpen(cp.f)
	out := bufio.NewWriterSize(cp.f, 256<<10)
	counted := &countingWriter{w: out}
	fw, err := kflate.NewWriter(counted, 1)
	if err != nil {
		return err
	}
	sum := crc32.NewIEEE()
	bw := bufio.NewWriterSize(io.MultiWriter(sum, fw), 256<<10)
	bw.Write(head[:end])
	rw := newRowWriter(x, bw, t.cols)
	if err := t.emit(rw.put); err != nil {
		return err
	}
	if rw.next != t.n+1 {
		return fmt.Errorf("wrote %d rows, want %d", rw.next-1, t.n)
	}
	bw.Write(head[end:])
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := fw.Close(); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	cp.crc, cp.csize, cp.usize = sum.Sum32(), counted.n, rw.bytes+int64(len(head))
	return nil
}

// copyTo waits for the part and writes it into the package as zf's entry.
func (cp *compressedPart) copyTo(zw *zip.Writer, zf *zip.File) error {
	<-cp.done
	if cp.panic != nil {
		panic(cp.panic)
	}
	if cp.err != nil {
		return cp.err
	}
	pw, err := zw.CreateRaw(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: zf.Modified,
		CRC32: cp.crc, CompressedSize64: uint64(cp.csize), UncompressedSize64: uint64(cp.usize)})
	if err != nil {
		return err
	}
	if _, err := cp.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err = io.Copy(pw, cp.f)
	return err
}

// discard waits for the part and removes its temporary file.
func (cp *compressedPart) discard() {
	<-cp.done
	if cp.f != nil {
		cp.f.Close()
		removeTemp(cp.f.Name())
	}
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// sheetParts maps sheet names to their parts in the package.
func sheetParts(zr *zip.Reader) (map[string]string, error) {
	read := func(name string) ([]byte, error) {
		f, err := zr.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return io.ReadAll(f)
	}
	wb, err := read("xl/workbook.xml")
	if err != nil {
		return nil, err
	}
	rels, err := read("xl/_rels/workbook.xml.rels")
	if err != nil {
		return nil, err
	}
	var book struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rs struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(wb, &book); err != nil {
		return nil, err
	}
	if err := xml.Unmarshal(rels, &rs); err != nil {
		return nil, err
	}
	targets := map[string]string{}
	for _, r := range rs.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		targets[r.ID] = t
	}
	out := map[string]string{}
	for _, s := range book.Sheets {
		out[s.Name] = targets[s.RID]
	}
	return out, nil
}

// rowWriter renders table rows as excelize's StreamWriter.SetRow does, but
// for the cells' references, left out, and empty cells, written as empty
// elements.
type rowWriter struct {
	x      *xlsxWriter
	w      *bufio.Writer
	cols   []column
	next   int // the last row written
	bytes  int64
	row    []byte
	styles []string // ` s="N"` by style ID, as far as used
	wraps  []wrapMemo
	shared []sharedRef // by column, the shared string last written
}

func newRowWriter(x *xlsxWriter, w *bufio.Writer, cols []column) *rowWriter {
	return &rowWriter{x: x, w: w, cols: cols, next: 1, wraps: make([]wrapMemo, len(cols)), shared: make([]sharedRef, len(cols))}
}

// wrapMemo remembers the wrapped lengths of the long texts of one column:
// the texts of some columns (remedies, references, waivers) repeat, one
// for each rule. It keeps copies of the texts: a text read back from Rows
// is a view of a buffer that the next row overwrites.
type wrapMemo struct {
	last      string // a text of seen, the last one looked up ("": none)
	lastLines int
	seen      map[string]wrapSeen
}

type wrapSeen struct {
	text  string // the key's own copy
	lines int
}

// wrapMemoSize bounds the texts a column's wrapMemo holds.
const wrapMemoSize = 512

// wrappedLines is wrappedLines(safeText(s), width) for the text s of
// column i.
func (rw *rowWriter) wrappedLines(i int, s string) int {
	width := rw.cols[i].width
	if len(s) < int(width) {
		// One line (safeText adds a byte at most): see wrappedLines.
		return wrappedLines(safeText(s), width)
	}
	m := &rw.wraps[i]
	if s == m.last {
		return m.lastLines
	}
	if w, ok := m.seen[s]; ok {
		m.last, m.lastLines = w.text, w.lines
		return w.lines
	}
	n := wrappedLines(safeText(s), width)
	if m.seen == nil {
		m.seen = map[string]wrapSeen{}
	}
	if len(m.seen) < wrapMemoSize {
		t := strings.Clone(s)
		m.seen[t] = wrapSeen{t, n}
		m.last, m.lastLines = t, n
	}
	return n
}

// sharedEntry returns the shared string of s, a text of column i, if the
// table has one. A column's text often repeats that of the row before (the
// file, sheet and supplier do, for rows of one roster): it is compared
// with the table's own copy of the last one before the table is looked up.
func (rw *rowWriter) sharedEntry(i int, s string) (int, bool) {
	if last := &rw.shared[i]; s == last.s && s != "" {
		return last.i, true
	}
	r, ok := rw.x.sst.lookup(s)
	if ok {
		rw.shared[i] = r
	}
	return r.i, ok
}

func (rw *rowWriter) put(cells []xcell) error {
	if len(cells) != len(rw.cols) {
		return fmt.Errorf("row %d has %d values for %d columns", rw.next+1, len(cells), len(rw.cols))
	}
	rw.next++
	var rsBuf [20]byte
	rs := strconv.AppendInt(rsBuf[:0], int64(rw.next), 10)
	x := rw.x
	lines := 1
	for i := range cells {
		if c := &cells[i]; c.kind != xNum && c.s != "" && rw.cols[i].wrap {
			lines = max(lines, rw.wrappedLines(i, c.s))
		}
	}
	b := append(rw.row[:0], `<row r="`...)
	b = append(b, rs...)
	b = append(b, '"')
	if lines > 1 {
		// Spreadsheet programs do not grow a row for wrapped text when they
		// open a file, so the height is set from the wrapped length.
		b = append(b, ` ht="`...)
		b = strconv.AppendFloat(b, min(rowHeight*float64(lines), excelize.MaxRowHeight), 'f', -1, 64)
		b = append(b, `" customHeight="1"`...)
	}
	b = append(b, '>')
	for i := range cells {
		c := &cells[i]
		style := x.st.cell
		if rw.cols[i].wrap {
			style = x.st.wrap
		}
		if c.style != 0 {
			style = c.style
		}
		b = append(b, `<c`...)
		switch c.kind {
		case xNum:
			if style == x.st.cell {
				style = x.st.num
			}
			b = append(b, rw.styleAttr(style)...)
			b = append(b, `><v>`...)
			b = strconv.AppendInt(b, int64(c.n), 10)
			b = append(b, `</v></c>`...)
		default:
			b = append(b, rw.styleAttr(style)...)
			if c.s == "" {
				b = append(b, `/>`...)
				continue
			}
			if rw.cols[i].shared {
				if k, ok := rw.sharedEntry(i, c.s); ok {
					b = append(b, ` t="s"><v>`...)
					b = strconv.AppendInt(b, int64(k), 10)
					b = append(b, `</v></c>`...)
					continue
				}
			}
			b = append(b, ` t="inlineStr"><is>`...)
			b = appendInlineText(b, safeText(c.s))
			b = append(b, `</is></c>`...)
		}
	}
	b = append(b, `</row>`...)
	rw.row = b
	rw.bytes += int64(len(b))
	_, err := rw.w.Write(b)
	return err
}

// styleAttr is appendStyle's attribute for style, made once.
func (rw *rowWriter) styleAttr(style int) string {
	if style <= 0 || style > 1<<16 {
		return string(appendStyle(nil, style))
	}
	if style >= len(rw.styles) {
		rw.styles = append(rw.styles, make([]string, style+1-len(rw.styles))...)
	}
	if rw.styles[style] == "" {
		rw.styles[style] = string(appendStyle(nil, style))
	}
	return rw.styles[style]
}

func appendStyle(b []byte, style int) []byte {
	if style == 0 {
		return b
	}
	b = append(b, ` s="`...)
	b = strconv.AppendInt(b, int64(style), 10)
	return append(b, '"')
}

// appendInlineText appends <t>s</t> as excelize writes an inline string:
// cut to 32,767 UTF-16 units, xml:space="preserve" when it starts or ends
// with white space, escaped as encoding/xml escapes text but for line
// feeds, and with "_xHHHH_" sequences escaped so that spreadsheet programs
// do not read them as escapes.
func appendInlineText(b []byte, s string) []byte {
	if len(s) > excelize.TotalCellChars && countUTF16(s) > excelize.TotalCellChars {
		s = truncateUTF16(s, excelize.TotalCellChars)
	}
	b = append(b, `<t`...)
	if s != "" {
		switch first, last := s[0], s[len(s)-1]; {
		case first == 9 || first == 10 || first == 13 || first == 32, last == 9 || last == 10 || last == 13 || last == 32:
			b = append(b, ` xml:space="preserve"`...)
		}
	}
	b = append(b, '>')
	start := len(b)
	b = appendEscaped(b, s)
	// Escaping neither makes nor breaks "_x" (no escape holds '_' or
	// starts with 'x'), so the text has it when its escape does.
	if strings.Contains(s, "_x") {
		v := bstrMarshal(string(b[start:]))
		b = append(b[:start], v...)
	}
	return append(b, `</t>`...)
}

func countUTF16(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func truncateUTF16(s string, length int) string {
	n := 0
	for i, r := range s {
		if n += utf16.RuneLen(r); n > length {
			return s[:i]
		}
	}
	return s
}

// appendEscaped escapes text as xml.EscapeText does, leaving line feeds
// as they are.
func appendEscaped(b []byte, s string) []byte {
	i := 0
	for i < len(s) && xmlPlain[s[i]] {
		i++
	}
	if i == len(s) {
		return append(b, s...)
	}
	last := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			esc := xmlEscapes[c]
			if esc == "" {
				continue
			}
			b = append(b, s[last:i-1]...)
			b = append(b, esc...)
			last = i
			continue
		}
		r, width := utf8.DecodeRuneInString(s[i:])
		i += width
		if isXMLChar(r) && !(r == utf8.RuneError && width == 1) {
			continue
		}
		b = append(b, s[last:i-width]...)
		b = append(b, "\uFFFD"...)
		last = i
	}
	return append(b, s[last:]...)
}

// xmlPlain marks the ASCII bytes appendEscaped keeps as they are.
var xmlPlain = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = c == '\n' || c >= 0x20 && xmlEscapes[c] == ""
	}
	return t
}()

// xmlEscapes holds what appendEscaped writes for each ASCII byte it does
// not keep as it is: an entity, or U+FFFD for a control character XML does
// not allow.
var xmlEscapes = func() (t [utf8.RuneSelf]string) {
	for c := range byte(0x20) {
		t[c] = "\uFFFD"
	}
	t['\n'] = ""
	t['\t'], t['\r'] = "&#x9;", "&#xD;"
	t['"'], t['\''], t['&'], t['<'], t['>'] = "&#34;", "&#39;", "&amp;", "&lt;", "&gt;"
	return t
}()

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

var (
	bstrExp       = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	bstrEscapeExp = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// bstrMarshal is excelize's escaping of "_xHHHH_" sequences in text.
func bstrMarshal(s string) (result string) {
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	for _, match := range matches {
		result += s[cursor:match[0]]
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			if match[1]+6 <= l && bstrEscapeExp.MatchString(s[match[1]:match[1]+6]) {
				_, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`)
				if err == nil {
					result += subStr + "x005F" + subStr
					continue
				}
			}
			result += subStr + "x005F_"
			continue
		}
		if bstrExp.MatchString(subStr) {
			cursor = match[1]
			if _, err := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`); err == nil {
				result += "_x005F" + subStr
				continue
			}
		}
	}
	if cursor < l {
		result += s[cursor:]
	}
	return result
}

// joiner joins lists of names for cells. The lists of a report repeat
// (one list of references per rule, a few lists of missing fields), so
// each distinct list is joined once.
type joiner struct {
	sep  string
	done map[listKey]string
}

func (j *joiner) join(l []string) string {
	switch len(l) {
	case 0:
		return ""
	case 1:
		return l[0]
	}
	k := listKey{unsafe.SliceData(l), len(l)}
	if s, ok := j.done[k]; ok {
		return s
	}
	s := strings.Join(l, j.sep)
	if j.done == nil {
		j.done = map[listKey]string{}
	}
	if len(j.done) < 4096 {
		j.done[k] = s
	}
	return s
}

// partOrder returns a package's parts in one fixed order, whatever order
// the package was built in: the content types first, the package
// relationships next, then the rest by name. The same report then gives
// the same file, byte for byte.
func partOrder(files []*zip.File) []*zip.File {
	out := slices.Clone(files)
	rank := func(name string) int {
		switch name {
		case "[Content_Types].xml":
			return 0
		case "_rels/.rels":
			return 1
		}
		return 2
	}
	slices.SortStableFunc(out, func(a, b *zip.File) int {
		if r := rank(a.Name) - rank(b.Name); r != 0 {
			return r
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

var contentTypeDefault = regexp.MustCompile(`<Default [^>]*>(</Default>)?`)

// copyContentTypes copies the content types part with its Default
// elements in one order (by extension): excelize writes them in the
// order of a map, which differs from run to run. Their order means
// nothing to a reader.
func copyContentTypes(zw *zip.Writer, zf *zip.File) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return err
	}
	locs := contentTypeDefault.FindAllIndex(data, -1)
	if len(locs) > 1 {
		elems := make([]string, len(locs))
		var rest []byte
		last := 0
		for i, l := range locs {
			elems[i] = string(data[l[0]:l[1]])
			rest = append(rest, data[last:l[0]]...)
			last = l[1]
		}
		rest = append(rest, data[last:]...)
		slices.Sort(elems)
		at := locs[0][0]
		data = append(append([]byte(string(rest[:at])), strings.Join(elems, "")...), rest[at:]...)
	}
	h := zf.FileHeader
	w, err := zw.CreateHeader(&h)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}
