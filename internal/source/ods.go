package source

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	kflate "github.com/klauspost/compress/flate"

	"github.com/laborcheck/laborcheck/internal/xlsx"
)

// OpenDocument spreadsheets (.ods) are a zip of XML parts; the sheets are
// the table:table elements of content.xml, inflated with the klauspost
// inflater and streamed one row at a time by a byte scanner of their own
// (ods_scan.go), as the xlsx reader reads worksheets. A row or cell
// repeated (table:number-rows-repeated, table:number-columns-repeated)
// costs nothing while it is blank, so the million blank rows LibreOffice
// writes after the data are passed over without being made; a repeated row
// with values is handed on once for each row it stands for, within the
// cell limit.

// odsMaxRows is the most rows a sheet is read to, as in Excel.
const odsMaxRows = 1 << 20

// odsMaxCellBytes bounds the text read from one cell: more than a cell holds
// (MaxCellChars), so that an over-long cell is still reported as one.
const odsMaxCellBytes = 4*MaxCellChars + 4

// errODSContent is wrapped by errors reading content.xml.
var errODSContent = errors.New("spreadsheet content")

// readODS reads an OpenDocument spreadsheet whose zip has been checked
// against the limits.
func (r *reader) readODS(zr *zip.Reader) error {
	zr.RegisterDecompressor(zip.Deflate, newODSFlateReader)
	var content, manifest, meta *zip.File
	for _, p := range zipParts(zr) {
		switch p.name {
		case "content.xml":
			content = p.f
		case "meta-inf/manifest.xml":
			manifest = p.f
		case "meta.xml":
			meta = p.f
		}
	}
	if manifest != nil && odsEncrypted(manifest) {
		r.in.Err = r.fileError(ErrEncrypted, "the OpenDocument spreadsheet is encrypted with a password, which laborcheck does not open",
			"open it in LibreOffice with the password and save it without one (or as .xlsx with a password, and scan that with -password)")
		return nil
	}
	if content == nil {
		r.in.Err = r.fileError(ErrCorrupt, "an OpenDocument spreadsheet without its content (no content.xml part)", "get the file again from its sender, or "+hintResave)
		return nil
	}
	want := -1
	if name := r.opts.Sheet; name != "" {
		names, err := odsSheetNames(content, name)
		if err != nil {
			r.in.Err = r.odsError(zr, err)
			return nil
		}
		i, ok := findSheet(names, name)
		if !ok {
			r.in.Err = r.fileError(ErrNotFound, fmt.Sprintf("the workbook has no sheet named %q", name), "its sheets are "+quoteList(names))
			return nil
		}
		want = i
	}
	// A read of the first rows of each sheet (inspect's) ends with the
	// sheet wanted, or with the last sheet the file's statistics count:
	// content.xml is not inflated past it, so that a million-row sheet
	// costs what its first rows do. A read of every row goes on to the end
	// of the content, whatever the statistics say.
	count := 0
	if r.opts.MaxRows > 0 && r.cells == nil && want < 0 && meta != nil {
		count = odsTableCount(meta)
	}
	rc, err := content.Open()
	if err != nil {
		r.in.Err = r.odsError(zr, err)
		return nil
	}
	defer rc.Close()
	sc := newODSScanner(rc)
	r.in.Format = FormatODS
	hiddenStyles := map[string]bool{}
	style := ""
	tables := 0
	seen := map[string]bool{}
	var cache *odsCache
	for {
		tok, err := sc.next()
		if err != nil {
			if len(r.in.Sheets) == 0 {
				r.in.Format = ""
				r.in.Err = r.odsError(zr, err)
				return nil
			}
			r.in.Notes = append(r.in.Notes, "the spreadsheet's content is damaged after its last sheet read: "+err.Error())
			return nil
		}
		if tok == odsEOF {
			break
		}
		if tok != odsStart {
			continue
		}
		switch string(sc.local) {
		case "style":
			style = ""
			if string(sc.attr("family")) == "table" {
				style = string(sc.attr("name"))
			}
		case "table-properties":
			if style != "" && string(sc.attr("display")) == "false" {
				hiddenStyles[style] = true
			}
		case "table":
			i := tables
			tables++
			name := string(sc.attr("name"))
			if want >= 0 && i != want {
				uniqueSheetName(seen, name, i)
				if err := sc.skip(); err != nil {
					r.in.Notes = append(r.in.Notes, "the spreadsheet's content is damaged: "+err.Error())
					return nil
				}
				continue
			}
			sh := &Sheet{Name: uniqueSheetName(seen, name, i), Hidden: hiddenStyles[string(sc.attr("style-name"))]}
			if cache == nil {
				cache = newODSCache()
			}
			// A read of the first rows passes over the rest of a sheet
			// by its brackets; one of every row reads on token by token, so
			// that it tells what a damaged sheet's XML holds as it always did.
			head := r.opts.MaxRows > 0 && r.cells == nil
			src := &odsSheetReader{r: r, sc: sc, name: sh.Name, cache: cache, fast: head}
			last := head && (want >= 0 || (count > 0 && tables >= count))
			if err := r.readODSSheet(sh, src, want >= 0, !last); err != nil {
				return err
			}
			if src.broken || last {
				return nil // the XML cannot be read past this sheet, or need not be
			}
		}
	}
	if tables == 0 {
		r.in.Format = ""
		r.in.Err = r.fileError(ErrCorrupt, "the OpenDocument spreadsheet holds no sheets", hintResave)
	}
	return nil
}

// readODSSheet reads one table, then, when drain is set, passes over what
// readTable left of it. A panic becomes the sheet's error.
func (r *reader) readODSSheet(sh *Sheet, src *odsSheetReader, forced, drain bool) (err error) {
	r.in.Sheets = append(r.in.Sheets, sh)
	defer func() {
		if p := recover(); p != nil {
			if r.inCallback {
				panic(p)
			}
			sh.Err = r.internalError(sh.Name, p)
			src.broken = true
			err = nil
		}
	}()
	if err := r.readTable(sh, src, layout{forced: forced}); err != nil {
		return err
	}
	if sh.Err != nil {
		src.broken = true
		return nil
	}
	if drain {
		src.drain()
	}
	return nil
}

// odsTableCount returns the number of sheets meta.xml's document
// statistics give (LibreOffice writes them), or 0 when it gives none.
func odsTableCount(meta *zip.File) int {
	rc, err := meta.Open()
	if err != nil {
		return 0
	}
	defer rc.Close()
	sc := newODSScanner(io.LimitReader(rc, 1<<20))
	for {
		tok, err := sc.next()
		if err != nil || tok == odsEOF {
			return 0
		}
		if tok == odsStart && string(sc.local) == "document-statistic" {
			n, err := strconv.Atoi(string(sc.attr("table-count")))
			if err != nil || n < 1 {
				return 0
			}
			return n
		}
	}
}

// odsError explains a content.xml that cannot be read.
func (r *reader) odsError(zr *zip.Reader, err error) *FileError {
	for _, p := range zipParts(zr) {
		if p.name == "content.xml" {
			if cerr := checkPart(p.f); cerr != nil {
				return r.diagnose(zr, cerr)
			}
		}
	}
	return r.fileError(ErrCorrupt, "the spreadsheet's content (content.xml) could not be read: "+err.Error(), hintResave)
}

var odsFlatePool sync.Pool

// newODSFlateReader inflates the parts of an .ods: the klauspost inflater,
// which the xlsx reader uses too, is markedly faster than compress/flate.
func newODSFlateReader(r io.Reader) io.ReadCloser {
	if fr, ok := odsFlatePool.Get().(io.ReadCloser); ok {
		if err := fr.(kflate.Resetter).Reset(r, nil); err == nil {
			return &odsFlate{fr}
		}
	}
	return &odsFlate{kflate.NewReader(r)}
}

type odsFlate struct{ io.ReadCloser }

func (p *odsFlate) Close() error {
	if p.ReadCloser == nil {
		return nil
	}
	err := p.ReadCloser.Close()
	odsFlatePool.Put(p.ReadCloser)
	p.ReadCloser = nil
	return err
}

// odsEncrypted reports a manifest that lists encrypted parts.
func odsEncrypted(f *zip.File) bool {
	if f.UncompressedSize64 > 1<<20 {
		return false
	}
	rc, err := f.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 1<<20))
	return strings.Contains(string(b), "encryption-data")
}

// odsSheetNames lists the names of a spreadsheet's tables, up to the
// first one named want.
func odsSheetNames(content *zip.File, want string) ([]string, error) {
	rc, err := content.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	sc := newODSScanner(rc)
	var names []string
	seen := map[string]bool{}
	for {
		tok, err := sc.next()
		if err != nil {
			return nil, err
		}
		switch {
		case tok == odsEOF:
			return names, nil
		case tok == odsStart && string(sc.local) == "table":
			names = append(names, uniqueSheetName(seen, string(sc.attr("name")), len(names)))
			if names[len(names)-1] == want {
				// findSheet takes the first sheet of the very name: the
				// sheets after it do not change which.
				return names, nil
			}
			if err := sc.skip(); err != nil {
				return nil, err
			}
		}
	}
}

// odsSheetReader yields the rows of one table:table, reading content.xml
// from just after its start tag.
type odsSheetReader struct {
	r      *reader
	sc     *odsScanner
	cache  *odsCache
	name   string
	depth  int  // open elements inside the table
	done   bool // the table's end tag has been read
	broken bool // the XML could not be read
	fast   bool // drain passes over the rest of the table by its brackets
	row    int  // the number of the last row read or passed over
	col    int  // columns declared so far, for hidden ranges
	hidden [][2]int
	rep    rawRow // a row with values still repeated repLeft times
	repN   int
	cells  int64
	count  int
	width  int // cells in the last row with values, to size the next
	// noCache counts formula cells with no saved value.
	noCache int
	text    []byte // the text of the cell being read
	arena   []byte // the attributes of the cell being read
}

func (s *odsSheetReader) next() (rawRow, error) {
	for {
		if s.repN > 0 {
			s.repN--
			s.row++
			row := s.rep
			row.num = s.row
			if err := s.addCells(len(row.cells)); err != nil {
				return rawRow{}, err
			}
			return row, nil
		}
		if s.done || s.broken {
			return rawRow{}, io.EOF
		}
		tok, err := s.sc.next()
		if err == nil && tok == odsEOF {
			err = fmt.Errorf("the sheet's data ends early: %w", io.ErrUnexpectedEOF)
		}
		if err != nil {
			s.broken = true
			return rawRow{}, err
		}
		switch tok {
		case odsStart:
			switch string(s.sc.local) {
			case "table-row":
				if s.count++; s.count&0xFF == 0 {
					if err := s.r.ctx.Err(); err != nil {
						return rawRow{}, err
					}
				}
				row, n, err := s.readRow()
				if err != nil {
					s.broken = true
					return rawRow{}, err
				}
				start := s.row + 1
				if start > odsMaxRows {
					s.row = odsMaxRows
					continue
				}
				if isBlank(row.cells) {
					s.row = min(s.row+n, odsMaxRows)
					continue
				}
				s.row, row.num = start, start
				if n > 1 {
					s.rep, s.repN = row, min(n-1, odsMaxRows-start)
				}
				if err := s.addCells(len(row.cells)); err != nil {
					return rawRow{}, err
				}
				return row, nil
			case "table-column":
				n := odsRepeat(s.sc.attr("number-columns-repeated"))
				if v := string(s.sc.attr("visibility")); (v == "collapse" || v == "filter") && s.col < maxColumns {
					s.hidden = append(s.hidden, [2]int{s.col + 1, min(s.col+n, maxColumns)})
				}
				s.col = min(s.col+n, maxColumns+1)
				s.depth++
			case "shapes", "forms", "named-expressions", "scenario", "table-source", "dde-source":
				if err := s.sc.skip(); err != nil {
					s.broken = true
					return rawRow{}, err
				}
			default:
				s.depth++
			}
		case odsEnd:
			if s.depth == 0 {
				s.done = true
				continue
			}
			s.depth--
		}
	}
}

// addCells counts a row's cells against the sheet's limit.
func (s *odsSheetReader) addCells(n int) error {
	if s.cells += int64(n); s.cells > s.r.lim.MaxCells {
		return &FileError{Path: s.r.path, Sheet: s.name, Kind: ErrTooLarge,
			Reason: fmt.Sprintf("sheet %q has more than %d cells, the limit for one sheet", s.name, s.r.lim.MaxCells), Hint: hintSplit}
	}
	return nil
}

// drain reads up to the end of the table, so that the next one can be read.
func (s *odsSheetReader) drain() {
	s.repN = 0
	for !s.done && !s.broken {
		if s.fast {
			depth, end, err := s.sc.passOver(s.depth)
			s.depth = depth
			switch {
			case err != nil:
				s.broken = true
				return
			case end:
				s.done = true
				return
			}
		}
		tok, err := s.sc.next()
		if err != nil || tok == odsEOF {
			s.broken = true
			return
		}
		switch tok {
		case odsStart:
			s.depth++
		case odsEnd:
			if s.depth == 0 {
				s.done = true
				return
			}
			s.depth--
		}
	}
}

// readRow reads the table:table-row whose start tag was just read: its
// cells and how many rows it stands for. Blank cells, covered cells of a
// merge among them, are only counted, so that a blank cell repeated 16,384
// times costs nothing.
func (s *odsSheetReader) readRow() (rawRow, int, error) {
	n := odsRepeat(s.sc.attr("number-rows-repeated"))
	v := string(s.sc.attr("visibility"))
	row := rawRow{hidden: v == "collapse" || v == "filter"}
	col := 0
	for {
		tok, err := s.sc.next()
		if err == nil && tok == odsEOF {
			err = fmt.Errorf("the sheet's data ends inside row %d: %w", s.row+1, io.ErrUnexpectedEOF)
		}
		if err != nil {
			return row, n, err
		}
		if tok == odsEnd {
			if len(row.cells) > 0 {
				s.width = len(row.cells)
			}
			return row, n, nil
		}
		if l := string(s.sc.local); l != "table-cell" && l != "covered-table-cell" {
			if err := s.sc.skip(); err != nil {
				return row, n, err
			}
			continue
		}
		text, meta, rep, err := s.readCell()
		if err != nil {
			return row, n, err
		}
		if text == "" || col >= maxColumns {
			col = min(col+rep, maxColumns)
			continue
		}
		if row.cells == nil {
			w := max(s.width, col+rep, 8)
			row.cells = make([]string, 0, w)
			row.meta = make([]cellMeta, 0, w)
		}
		for len(row.cells) < col {
			row.cells = append(row.cells, "")
			row.meta = append(row.meta, cellMeta{})
		}
		for k := 0; k < rep && col < maxColumns; k++ {
			row.cells = append(row.cells, text)
			row.meta = append(row.meta, meta)
			col++
		}
	}
}

// odsCell is what a cell's attributes say, by local name with the
// office:, table: or style: attribute first (see odsScanner.attr).
type odsCell struct {
	valueType, calcType, value, formula, currency   []byte
	dateValue, timeValue, booleanValue, stringValue []byte
	repeat                                          int
}

const (
	odsAValueType = iota
	odsAValue
	odsAFormula
	odsACurrency
	odsADateValue
	odsATimeValue
	odsABooleanValue
	odsAStringValue
	odsARepeat
	odsANum
)

// readCell reads the cell whose start tag was just read: its value as
// laborcheck reads it, by its value type, what else it says, and how many
// columns it stands for.
func (s *odsSheetReader) readCell() (string, cellMeta, int, error) {
	var at [odsANum]int16 // 1 + the index of each attribute in attrs; 0 when absent
	var strong [odsANum]bool
	calc := -1
	attrs := s.sc.attrs
	for k := range attrs {
		a := &attrs[k]
		i := -1
		switch string(a.local) {
		case "value-type":
			if string(a.prefix) == "calcext" {
				calc = k
			}
			i = odsAValueType
		case "value":
			i = odsAValue
		case "formula":
			i = odsAFormula
		case "currency":
			i = odsACurrency
		case "date-value":
			i = odsADateValue
		case "time-value":
			i = odsATimeValue
		case "boolean-value":
			i = odsABooleanValue
		case "string-value":
			i = odsAStringValue
		case "number-columns-repeated":
			i = odsARepeat
		}
		if i < 0 || strong[i] || k >= 1<<15-1 {
			continue
		}
		if strongPrefix(a.prefix) {
			at[i], strong[i] = int16(k+1), true
		} else if at[i] == 0 || len(attrs[at[i]-1].val) == 0 {
			at[i] = int16(k + 1)
		}
	}
	// Copied out of the scanner's buffer, which the cell's text may move.
	s.arena = s.arena[:0]
	keep := func(k int) []byte {
		if k < 0 {
			return nil
		}
		b := attrs[k].decoded()
		if len(b) == 0 {
			return nil
		}
		start := len(s.arena)
		s.arena = append(s.arena, b...)
		return s.arena[start:len(s.arena):len(s.arena)]
	}
	var c odsCell
	for i, k := range at {
		if k == 0 {
			continue
		}
		switch i {
		case odsAValueType:
			c.valueType = keep(int(k - 1))
		case odsAValue:
			c.value = keep(int(k - 1))
		case odsAFormula:
			c.formula = keep(int(k - 1))
		case odsACurrency:
			c.currency = keep(int(k - 1))
		case odsADateValue:
			c.dateValue = keep(int(k - 1))
		case odsATimeValue:
			c.timeValue = keep(int(k - 1))
		case odsABooleanValue:
			c.booleanValue = keep(int(k - 1))
		case odsAStringValue:
			c.stringValue = keep(int(k - 1))
		}
	}
	c.repeat = 1
	if k := at[odsARepeat]; k > 0 {
		c.repeat = odsRepeat(attrs[k-1].decoded())
	}
	c.calcType = keep(calc)
	shown, cut, err := s.cellText()
	if err != nil {
		return "", cellMeta{}, 0, err
	}
	text, meta := s.cache.value(&c, shown)
	if cut && text == shown {
		meta.cut = true
	}
	if text == "" && len(c.formula) > 0 && len(c.valueType) == 0 {
		s.noCache++
	}
	return text, meta, c.repeat, nil
}

var errODSUTF8 = errors.New("invalid UTF-8")

// cellText reads the text of a cell up to its end tag: its paragraphs
// (text:p) one to a line, with spaces (text:s), tabs and line breaks, but
// not its comment (office:annotation) or drawings (draw:frame). Text past
// odsMaxCellBytes is dropped, and cut reports it.
func (s *odsSheetReader) cellText() (string, bool, error) {
	sc := s.sc
	b := s.text[:0]
	depth, inP, paras := 0, 0, 0
	cut := false
	for {
		if !sc.pendingEnd {
			var c bool
			var err error
			b, c, err = sc.text(b, inP > 0, odsMaxCellBytes)
			cut = cut || c
			if err != nil {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return "", false, err
			}
			if !sc.ensure(2) {
				return "", false, io.ErrUnexpectedEOF
			}
			if c := sc.buf[sc.pos+1]; c == '!' || c == '?' {
				if err := sc.special(&b, inP > 0, odsMaxCellBytes); err != nil {
					return "", false, err
				}
				continue
			}
		}
		tok, err := sc.next()
		if err == nil && tok == odsEOF {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return "", false, err
		}
		if tok == odsEnd {
			if depth == 0 {
				break
			}
			depth--
			if l := string(sc.local); l == "p" || l == "h" {
				inP = max(inP-1, 0)
			}
			continue
		}
		if string(sc.local) == "annotation" || string(sc.prefix) == "draw" {
			// A comment, or a drawing anchored in the cell: not its text.
			if err := sc.skip(); err != nil {
				return "", false, err
			}
			continue
		}
		write := func(t string) {
			if len(b) < odsMaxCellBytes {
				b = append(b, t...)
			} else {
				cut = true
			}
		}
		switch string(sc.local) {
		case "p", "h":
			if inP == 0 {
				if paras > 0 {
					write("\n")
				}
				paras++
			}
			inP++
		case "s":
			if inP > 0 {
				n := min(odsRepeat(sc.attr("c")), 1024)
				if len(b) < odsMaxCellBytes {
					for range n {
						b = append(b, ' ')
					}
				} else {
					cut = true
				}
			}
		case "tab":
			if inP > 0 {
				write("\t")
			}
		case "line-break":
			if inP > 0 {
				write("\n")
			}
		}
		depth++
	}
	s.text = b
	if cut {
		// Text dropped at a read boundary may have split a character.
		for k := 0; k < 3 && len(b) > 0; k++ {
			if r, size := utf8.DecodeLastRune(b); r != utf8.RuneError || size != 1 {
				break
			}
			b = b[:len(b)-1]
		}
	}
	if !utf8.Valid(b) {
		return "", false, sc.syntax("invalid UTF-8")
	}
	return s.cache.str(b), cut, nil
}

// odsCache keeps what repeats from cell to cell in a roster (short texts,
// dates) so that it is made once. It is bounded.
type odsCache struct {
	strs  map[string]string
	dates map[string]odsDateVal
}

type odsDateVal struct {
	text string
	meta cellMeta
}

const (
	odsCacheMax    = 8192
	odsCacheStrMax = 48
)

func newODSCache() *odsCache {
	return &odsCache{strs: map[string]string{}, dates: map[string]odsDateVal{}}
}

// str returns b as a string, shared with earlier cells of the same short
// text.
func (c *odsCache) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > odsCacheStrMax {
		return string(b)
	}
	if v, ok := c.strs[string(b)]; ok {
		return v
	}
	v := string(b)
	if len(c.strs) >= odsCacheMax {
		clear(c.strs)
	}
	c.strs[v] = v
	return v
}

// value interprets a cell by its office:value-type, as the xlsx reader
// does a cell by its type and number format.
func (c *odsCache) value(cell *odsCell, shown string) (string, cellMeta) {
	switch string(cell.valueType) {
	case "float", "percentage", "currency":
		if f := bytes.TrimSpace(cell.formula); len(f) > 0 {
			switch {
			case bytes.EqualFold(f, []byte("of:=true()")):
				return "TRUE", cellMeta{kind: cellBool}
			case bytes.EqualFold(f, []byte("of:=false()")):
				return "FALSE", cellMeta{kind: cellBool}
			}
		}
		text, _, ok := normalizeNumber(c.str(bytes.TrimSpace(cell.value)))
		if !ok {
			return shown, cellMeta{}
		}
		meta := cellMeta{kind: cellNumber}
		if cur := bytes.TrimSpace(cell.currency); len(cur) == 3 {
			meta.currency = c.str(bytes.ToUpper(cur))
		}
		return text, meta
	case "date":
		if v, ok := c.dates[string(cell.dateValue)]; ok {
			return v.text, v.meta
		}
		text, meta := odsDate(string(cell.dateValue), shown)
		if meta.kind == cellDate {
			if len(c.dates) >= odsCacheMax {
				clear(c.dates)
			}
			c.dates[string(cell.dateValue)] = odsDateVal{text, meta}
		}
		return text, meta
	case "time":
		days, ok := odsDuration(string(cell.timeValue))
		if !ok {
			return shown, cellMeta{}
		}
		if days >= 0 && days < 1 {
			return clockTime(days), cellMeta{kind: cellTime}
		}
		hours := strconv.FormatFloat(math.Round(days*24*1e6)/1e6, 'f', -1, 64)
		return elapsedTime(days), cellMeta{kind: cellElapsed, stored: hours}
	case "boolean":
		switch strings.ToLower(strings.TrimSpace(string(cell.booleanValue))) {
		case "true", "1":
			return "TRUE", cellMeta{kind: cellBool}
		case "false", "0":
			return "FALSE", cellMeta{kind: cellBool}
		}
		return shown, cellMeta{kind: cellBool}
	}
	if len(cell.stringValue) > 0 {
		shown = c.str(cell.stringValue)
	}
	if string(cell.calcType) == "error" && shown != "" {
		return shown, cellMeta{kind: cellError}
	}
	return shown, cellMeta{}
}

// odsEpoch is day 0 of spreadsheet date serials in the 1900 date system.
var odsEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// odsDate reads an office:date-value ("2024-03-01" or with a time) as the
// xlsx reader reads a date cell: its ISO date, with its serial for Parse.
// Dates before March 1900, which serials do not hold the same way, are
// read as their ISO text.
func odsDate(v, shown string) (string, cellMeta) {
	v = strings.TrimSpace(v)
	var t time.Time
	var err error
	for _, layout := range []string{"2006-01-02", "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05.999999999Z07:00"} {
		if t, err = time.Parse(layout, v); err == nil {
			break
		}
	}
	if err != nil {
		return shown, cellMeta{}
	}
	t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	day := t.Format(time.DateOnly)
	if t.Before(time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)) {
		return day, cellMeta{}
	}
	serial := t.Sub(odsEpoch).Hours() / 24
	stored, _, ok := normalizeNumber(strconv.FormatFloat(math.Round(serial*1e9)/1e9, 'f', -1, 64))
	if !ok {
		return day, cellMeta{}
	}
	return day, cellMeta{kind: cellDate, stored: stored}
}

// odsDuration reads an ISO 8601 duration such as "PT12H30M00S" or
// "-P1DT2H" as days.
func odsDuration(v string) (float64, bool) {
	v = strings.TrimSpace(v)
	neg := strings.HasPrefix(v, "-")
	v = strings.TrimPrefix(v, "-")
	if !strings.HasPrefix(v, "P") || len(v) < 3 {
		return 0, false
	}
	v = v[1:]
	var days float64
	inTime := false
	for len(v) > 0 {
		if v[0] == 'T' {
			inTime, v = true, v[1:]
			continue
		}
		i := 0
		for i < len(v) && (v[i] >= '0' && v[i] <= '9' || v[i] == '.' || v[i] == ',') {
			i++
		}
		if i == 0 || i >= len(v) {
			return 0, false
		}
		n, err := strconv.ParseFloat(strings.ReplaceAll(v[:i], ",", "."), 64)
		if err != nil {
			return 0, false
		}
		switch unit := v[i]; {
		case unit == 'D' && !inTime:
			days += n
		case unit == 'W' && !inTime:
			days += 7 * n
		case unit == 'H' && inTime:
			days += n / 24
		case unit == 'M' && inTime:
			days += n / 1440
		case unit == 'S' && inTime:
			days += n / 86400
		default:
			return 0, false // years and months have no fixed length
		}
		v = v[i+1:]
	}
	if math.IsInf(days, 0) || math.IsNaN(days) {
		return 0, false
	}
	if neg {
		days = -days
	}
	return days, true
}

// columnHidden reports whether the table hides column col (1-based).
func (s *odsSheetReader) columnHidden(col int) bool {
	for _, r := range s.hidden {
		if col >= r[0] && col <= r[1] {
			return true
		}
	}
	return false
}

// notes says what the table's cells held that could not be read.
func (s *odsSheetReader) notes() []string {
	if s.noCache > 0 {
		return []string{fmt.Sprintf("%s no saved value and read as blank (the program that wrote the file did not calculate them; open and save it in LibreOffice or Excel to fill them in)",
			plural(s.noCache, "formula cell has", "formula cells have"))}
	}
	return nil
}

// maxColumns is the widest a sheet can be (XFD), as in .xlsx: cells further
// right are not read.
const maxColumns = xlsx.MaxColumns
