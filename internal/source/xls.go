package source

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
)

// Excel 97-2003 workbooks (.xls) are BIFF8 record streams inside an OLE
// compound file. The container is read with mscfb, which bounds its
// allocation chains (a loop in them is an error, not a hang); the records
// are read here. Only what a roster needs is read: sheet names and
// visibility, the date system, number formats, shared strings and the cell
// records, with their hidden rows and columns.

// BIFF record types.
const (
	biffFormula    = 0x0006
	biffEOF        = 0x000A
	biffDateMode   = 0x0022
	biffFilePass   = 0x002F
	biffContinue   = 0x003C
	biffColInfo    = 0x007D
	biffBoundSheet = 0x0085
	biffMulRK      = 0x00BD
	biffRString    = 0x00D6
	biffXF         = 0x00E0
	biffSST        = 0x00FC
	biffLabelSST   = 0x00FD
	biffNumber     = 0x0203
	biffLabel      = 0x0204
	biffBoolErr    = 0x0205
	biffString     = 0x0207
	biffRow        = 0x0208
	biffArray      = 0x0221
	biffTable      = 0x0236
	biffRK         = 0x027E
	biffFormat     = 0x041E
	biffShrFmla    = 0x04BC
	biffBOF        = 0x0809
)

// errXLS is wrapped by the errors of a workbook stream that cannot be read.
var errXLS = errors.New("damaged .xls workbook")

// xlsRefusal is a BIFF stream laborcheck recognises but does not read.
type xlsRefusal struct {
	kind   error
	reason string
	hint   string
}

func (e *xlsRefusal) Error() string { return e.reason }

// xlsBook is the workbook globals of a BIFF8 stream.
type xlsBook struct {
	data     []byte // the whole Workbook stream
	date1904 bool
	sheets   []xlsSheet
	xfs      []xfInfo
	sst      []string
	sstShort bool // the shared strings end before the count they declare
}

// xlsSheet is one sheet as BOUNDSHEET8 lists it.
type xlsSheet struct {
	name   string
	pos    int // the stream offset of its BOF record
	hidden bool
	kind   byte // 0 worksheet or dialog, 1 macro sheet, 2 chart, 6 VBA module
}

// biffRecord returns the record at pos: its type, its body and the offset
// of the record after it; ok is false past the end of the stream or for a
// record that runs past it.
func biffRecord(data []byte, pos int) (typ uint16, body []byte, next int, ok bool) {
	if pos < 0 || pos+4 > len(data) {
		return 0, nil, pos, false
	}
	typ = binary.LittleEndian.Uint16(data[pos:])
	n := int(binary.LittleEndian.Uint16(data[pos+2:]))
	end := pos + 4 + n
	if end > len(data) {
		return typ, nil, pos, false
	}
	return typ, data[pos+4 : end], end, true
}

// continued returns the body of the record at pos with the bodies of the
// CONTINUE records after it, and the offset after the last.
func continued(data []byte, pos int) ([][]byte, int) {
	_, body, next, ok := biffRecord(data, pos)
	if !ok {
		return nil, pos
	}
	segs := [][]byte{body}
	for {
		typ, b, n, ok := biffRecord(data, next)
		if !ok || typ != biffContinue {
			return segs, next
		}
		segs = append(segs, b)
		next = n
	}
}

// biffVersion names the BIFF version of a BOF record body, for refusals.
func biffVersion(typ uint16, body []byte) string {
	switch typ {
	case 0x0009:
		return "Excel 2"
	case 0x0209:
		return "Excel 3"
	case 0x0409:
		return "Excel 4"
	}
	if len(body) >= 2 {
		switch binary.LittleEndian.Uint16(body) {
		case 0x0500:
			return "Excel 5.0 or 95"
		case 0x0400:
			return "Excel 4"
		case 0x0300:
			return "Excel 3"
		case 0x0200:
			return "Excel 2"
		}
	}
	return ""
}

// parseXLSGlobals reads the workbook globals substream: it refuses a
// pre-BIFF8 stream, or an encrypted one decryptXLS has not decrypted (as an
// *xlsRefusal), and returns the sheets, styles, date system and shared
// strings.
func parseXLSGlobals(data []byte) (*xlsBook, error) {
	typ, body, pos, ok := biffRecord(data, 0)
	if !ok || typ&0x00FF != 0x09 {
		return nil, fmt.Errorf("%w: the workbook stream does not start with a BOF record", errXLS)
	}
	if typ != biffBOF || len(body) < 4 || binary.LittleEndian.Uint16(body) != 0x0600 {
		v := biffVersion(typ, body)
		if v == "" {
			v = "an Excel version before 97"
		}
		return nil, &xlsRefusal{kind: ErrLegacyXLS,
			reason: fmt.Sprintf("an %s workbook (.xls in a format before Excel 97), which laborcheck does not read", v), hint: hintResave}
	}
	wb := &xlsBook{data: data}
	formats := map[int]string{}
	var ifmts []int
	for {
		typ, body, next, ok := biffRecord(data, pos)
		if !ok {
			return nil, fmt.Errorf("%w: the workbook globals end early, at byte %d", errXLS, pos)
		}
		switch typ {
		case biffEOF:
			names := map[string]bool{}
			for i := range wb.sheets {
				wb.sheets[i].name = uniqueSheetName(names, wb.sheets[i].name, i)
			}
			wb.xfs = make([]xfInfo, len(ifmts))
			for i, id := range ifmts {
				wb.xfs[i] = xlsFormat(id, formats)
			}
			return wb, nil
		case biffFilePass:
			// decryptXLS clears the record of a stream it decrypts.
			return nil, &xlsRefusal{kind: ErrEncrypted,
				reason: "the .xls workbook is encrypted with a password", hint: "give it with -password"}
		case biffDateMode:
			wb.date1904 = len(body) >= 2 && binary.LittleEndian.Uint16(body) == 1
		case biffBoundSheet:
			if len(body) < 8 {
				break
			}
			c := &biffCursor{segs: [][]byte{body[6:]}}
			cch := int(c.u8())
			wb.sheets = append(wb.sheets, xlsSheet{
				pos:    int(binary.LittleEndian.Uint32(body)),
				hidden: body[4]&0x03 != 0,
				kind:   body[5],
				name:   c.chars(cch, c.u8()&0x01 != 0),
			})
		case biffFormat:
			if len(body) < 5 {
				break
			}
			c := &biffCursor{segs: [][]byte{body[2:]}}
			formats[int(binary.LittleEndian.Uint16(body))] = c.xlString()
		case biffXF:
			if len(body) >= 4 {
				ifmts = append(ifmts, int(binary.LittleEndian.Uint16(body[2:])))
			}
		case biffSST:
			segs, n := continued(data, pos)
			wb.readSST(segs)
			next = n
		}
		pos = next
	}
}

// uniqueSheetName names sheet i as its file does, or "Sheet<i+1>" when the
// file gives no name, with a number added when an earlier sheet has the
// name (which spreadsheet programs do not allow, but a damaged file can
// hold): a sheet's name says where its contracts are.
func uniqueSheetName(seen map[string]bool, name string, i int) string {
	if strings.TrimSpace(name) == "" {
		name = fmt.Sprintf("Sheet%d", i+1)
	}
	base := name
	for k := 2; seen[name]; k++ {
		name = fmt.Sprintf("%s (%d)", base, k)
	}
	seen[name] = true
	return name
}

// xlsFormat classifies a cell style's number format: the built-in formats
// of Excel 97 by their id, others by their format code.
func xlsFormat(id int, formats map[int]string) xfInfo {
	code, ok := formats[id]
	if id < 50 || !ok {
		return xfInfo{kind: builtinKind(id)}
	}
	return xfInfo{kind: classifyFormat(code), currency: formatCurrency(code)}
}

// readSST reads the shared strings from the SST record and its CONTINUE
// records. A table cut short keeps the strings read.
func (wb *xlsBook) readSST(segs [][]byte) {
	c := &biffCursor{segs: segs}
	c.skip(4)
	n := int(c.u32())
	for i := 0; i < n && !c.bad; i++ {
		s := c.richString()
		if c.bad {
			break
		}
		wb.sst = append(wb.sst, s)
	}
	wb.sstShort = len(wb.sst) < n
}

// biffCursor reads data that may run over several records (a record and
// its CONTINUE records). Numbers and skipped bytes run over record
// boundaries as they are; the characters of a string start each new record
// with a byte saying whether they are stored in one byte or two.
type biffCursor struct {
	segs [][]byte
	i, p int
	bad  bool // the data ended early
}

// take returns the next n bytes, copied when they run over a boundary.
func (c *biffCursor) take(n int) []byte {
	for c.i < len(c.segs) && c.p >= len(c.segs[c.i]) {
		c.i, c.p = c.i+1, 0
	}
	if c.i >= len(c.segs) {
		c.bad = true
		return nil
	}
	if seg := c.segs[c.i]; c.p+n <= len(seg) {
		b := seg[c.p : c.p+n]
		c.p += n
		return b
	}
	out := make([]byte, 0, n)
	for len(out) < n {
		if c.i >= len(c.segs) {
			c.bad = true
			return nil
		}
		seg := c.segs[c.i]
		k := min(n-len(out), len(seg)-c.p)
		out = append(out, seg[c.p:c.p+k]...)
		c.p += k
		if c.p >= len(seg) {
			c.i, c.p = c.i+1, 0
		}
	}
	return out
}

func (c *biffCursor) u8() byte {
	if b := c.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (c *biffCursor) u16() uint16 {
	if b := c.take(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (c *biffCursor) u32() uint32 {
	if b := c.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

// skip passes over n bytes, whatever the boundaries.
func (c *biffCursor) skip(n int) {
	for n > 0 && !c.bad {
		if c.i >= len(c.segs) {
			c.bad = true
			return
		}
		k := min(n, len(c.segs[c.i])-c.p)
		c.p += k
		n -= k
		if c.p >= len(c.segs[c.i]) {
			c.i, c.p = c.i+1, 0
		}
	}
}

// chars reads cch characters, one or two bytes each as high says; at each
// record boundary the next record's first byte says it again.
func (c *biffCursor) chars(cch int, high bool) string {
	u := make([]uint16, 0, min(cch, 1024))
	for len(u) < cch {
		if c.i >= len(c.segs) {
			c.bad = true
			break
		}
		seg := c.segs[c.i]
		if c.p >= len(seg) {
			c.i, c.p = c.i+1, 0
			if c.i >= len(c.segs) || len(c.segs[c.i]) == 0 {
				c.bad = true
				break
			}
			high = c.segs[c.i][0]&0x01 != 0
			c.p = 1
			continue
		}
		rest := seg[c.p:]
		if high {
			k := min(cch-len(u), len(rest)/2)
			if k == 0 {
				c.bad = true // half a character
				break
			}
			for j := range k {
				u = append(u, binary.LittleEndian.Uint16(rest[2*j:]))
			}
			c.p += 2 * k
		} else {
			k := min(cch-len(u), len(rest))
			for _, b := range rest[:k] {
				u = append(u, uint16(b))
			}
			c.p += k
		}
	}
	return string(utf16.Decode(u))
}

// xlString reads an XLUnicodeString: a 16-bit count, flags, characters.
func (c *biffCursor) xlString() string {
	cch := int(c.u16())
	return c.chars(cch, c.u8()&0x01 != 0)
}

// richString reads an XLUnicodeRichExtendedString, as the shared strings
// hold them: the formatting runs and phonetic data after the characters
// are skipped.
func (c *biffCursor) richString() string {
	cch := int(c.u16())
	flags := c.u8()
	runs, ext := 0, 0
	if flags&0x08 != 0 {
		runs = int(c.u16())
	}
	if flags&0x04 != 0 {
		ext = int(c.u32())
	}
	if c.bad {
		return ""
	}
	s := c.chars(cch, flags&0x01 != 0)
	c.skip(4*runs + ext)
	return s
}

// readXLS reads an Excel 97-2003 workbook from its OLE container.
func (r *reader) readXLS(f file, size int64) error {
	stream, ferr := r.xlsStream(f, size)
	if ferr != nil {
		r.in.Err = ferr
		return nil
	}
	stream, how, err := decryptXLS(stream, r.opts.Password)
	var wb *xlsBook
	if err == nil {
		wb, err = parseXLSGlobals(stream)
	}
	if err != nil {
		var ref *xlsRefusal
		if errors.As(err, &ref) {
			r.in.Err = r.fileError(ref.kind, ref.reason, ref.hint)
		} else {
			r.in.Err = r.fileError(ErrCorrupt, "the .xls workbook could not be read: "+err.Error(), hintResave)
		}
		return nil
	}
	r.in.Format = FormatXLS
	if how != "" {
		r.in.Notes = append(r.in.Notes, how)
	}
	if wb.date1904 {
		r.in.Notes = append(r.in.Notes, "the workbook uses the 1904 date system")
	}
	if wb.sstShort {
		r.in.Notes = append(r.in.Notes, "the workbook's table of shared strings ends early; cells pointing past it are read as blank")
	}
	sheets := wb.sheets
	forced := false
	if want := r.opts.Sheet; want != "" {
		names := make([]string, len(sheets))
		for i, s := range sheets {
			names[i] = s.name
		}
		i, ok := findSheet(names, want)
		if !ok {
			r.in.Format = ""
			r.in.Err = r.fileError(ErrNotFound, fmt.Sprintf("the workbook has no sheet named %q", want), "its sheets are "+quoteList(names))
			return nil
		}
		sheets, forced = sheets[i:i+1], true
	}
	if len(sheets) == 0 {
		r.in.Format = ""
		r.in.Err = r.fileError(ErrCorrupt, "the workbook lists no sheets", hintResave)
		return nil
	}
	for _, s := range sheets {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		if err := r.readXLSSheet(wb, s, layout{date1904: wb.date1904, forced: forced}); err != nil {
			return err
		}
	}
	return nil
}

// xlsStream finds and reads the Workbook stream of an OLE file.
func (r *reader) xlsStream(f file, size int64) ([]byte, *FileError) {
	doc, err := mscfb.New(f)
	if err != nil {
		return nil, r.fileError(ErrCorrupt, "the .xls file's container (an OLE compound file) is damaged: "+strings.TrimPrefix(err.Error(), "mscfb: "), "get the file again from its sender, or "+hintResave)
	}
	book := false
	for {
		e, err := doc.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, r.fileError(ErrCorrupt, "the .xls file's container (an OLE compound file) is damaged: "+strings.TrimPrefix(err.Error(), "mscfb: "), "get the file again from its sender, or "+hintResave)
		}
		if len(e.Path) > 0 {
			continue // a stream in a storage, not the workbook's
		}
		switch {
		case strings.EqualFold(e.Name, "Workbook"):
			if e.Size > size {
				return nil, r.fileError(ErrCorrupt, fmt.Sprintf("the .xls file's workbook stream claims %s, more than the file's %s", byteSize(e.Size), byteSize(size)), hintResave)
			}
			data, err := io.ReadAll(io.LimitReader(e, e.Size))
			if err != nil {
				return nil, r.fileError(ErrCorrupt, "the .xls file's workbook stream could not be read: "+strings.TrimPrefix(err.Error(), "mscfb: "), "get the file again from its sender, or "+hintResave)
			}
			return data, nil
		case strings.EqualFold(e.Name, "Book"):
			book = true
		}
	}
	if book {
		return nil, r.fileError(ErrLegacyXLS, "an Excel 5.0 or 95 workbook (.xls in a format before Excel 97), which laborcheck does not read", hintResave)
	}
	return nil, r.fileError(ErrCorrupt, "an OLE compound file (the container of legacy Office files) in which no workbook can be found: damaged, or not a spreadsheet", hintResave)
}

// readXLSSheet reads one sheet of a BIFF8 workbook. A failure, even a
// panic, becomes the sheet's error.
func (r *reader) readXLSSheet(wb *xlsBook, ws xlsSheet, lay layout) (err error) {
	sh := &Sheet{Name: ws.name, Hidden: ws.hidden}
	r.in.Sheets = append(r.in.Sheets, sh)
	defer func() {
		if p := recover(); p != nil {
			if r.inCallback {
				panic(p)
			}
			sh.Err = r.internalError(ws.name, p)
			err = nil
		}
	}()
	switch ws.kind {
	case 0:
	case 2:
		sh.Skipped = "a chart sheet: no cells"
		return nil
	case 6:
		sh.Skipped = "a macro module, not a table"
		return nil
	default:
		sh.Skipped = "a dialog or macro sheet, not a table"
		return nil
	}
	src, skip, ferr := openXLSSheet(r, wb, ws)
	switch {
	case ferr != nil:
		sh.Err = ferr
		return nil
	case skip != "":
		sh.Skipped = skip
		return nil
	}
	return r.readTable(sh, src, lay)
}

// xlsRef is a cell record of a sheet whose cells are not in row order: its
// row and where it is.
type xlsRef struct {
	row uint16
	pos int
}

// xlsSheetReader yields the rows of one worksheet substream.
type xlsSheetReader struct {
	r        *reader
	wb       *xlsBook
	ws       xlsSheet
	start    int      // the first record after the sheet's BOF
	end      int      // the offset of the sheet's EOF record
	pos      int      // the next record, reading in stream order
	index    []xlsRef // the cell records in row order, when the stream is not
	ix       int
	hidden   [][2]int // hidden column ranges, 1-based and inclusive
	hiddenRw map[int]bool
	badRef   int
	cells    int64
	count    int

	cur     rawRow // the row being gathered
	curOpen bool
}

// openXLSSheet checks a worksheet substream and indexes what it needs
// before the rows are read: its hidden rows and columns, and whether its
// cells come in row order. For a substream that is not a worksheet it
// returns why the sheet is skipped.
func openXLSSheet(r *reader, wb *xlsBook, ws xlsSheet) (*xlsSheetReader, string, *FileError) {
	fail := func(format string, args ...any) *FileError {
		return &FileError{Path: r.path, Sheet: ws.name, Kind: ErrCorrupt,
			Reason: fmt.Sprintf("sheet %q could not be read: ", ws.name) + fmt.Sprintf(format, args...), Hint: hintResave}
	}
	typ, body, pos, ok := biffRecord(wb.data, ws.pos)
	if !ok || typ != biffBOF || len(body) < 4 {
		return nil, "", fail("the workbook points to byte %d for it, where no sheet starts", ws.pos)
	}
	switch binary.LittleEndian.Uint16(body[2:]) {
	case 0x0010:
	case 0x0020:
		return nil, "a chart sheet: no cells", nil
	case 0x0006:
		return nil, "a macro module, not a table", nil
	case 0x0040:
		return nil, "a dialog or macro sheet, not a table", nil
	default:
		return nil, "", fail("the workbook points to byte %d for it, where no sheet starts", ws.pos)
	}
	s := &xlsSheetReader{r: r, wb: wb, ws: ws, start: pos, pos: pos}
	depth, lastRow, sorted := 1, -1, true
	var index []xlsRef
	for {
		typ, body, next, ok := biffRecord(wb.data, pos)
		if !ok {
			return nil, "", fail("its records end early, at byte %d", pos)
		}
		switch typ {
		case biffBOF:
			depth++ // an embedded chart's substream
		case biffEOF:
			if depth--; depth == 0 {
				s.end = pos
				if !sorted {
					slices.SortStableFunc(index, func(a, b xlsRef) int { return int(a.row) - int(b.row) })
					s.index = index
				}
				return s, "", nil
			}
		case biffColInfo:
			if depth == 1 && len(body) >= 10 && body[8]&0x01 != 0 {
				lo, hi := int(binary.LittleEndian.Uint16(body))+1, int(binary.LittleEndian.Uint16(body[2:]))+1
				if hi >= lo {
					s.hidden = append(s.hidden, [2]int{lo, min(hi, maxColumns)})
				}
			}
		case biffRow:
			if depth == 1 && len(body) >= 13 && body[12]&0x20 != 0 {
				if s.hiddenRw == nil {
					s.hiddenRw = map[int]bool{}
				}
				s.hiddenRw[int(binary.LittleEndian.Uint16(body))+1] = true
			}
		default:
			if depth == 1 && isCellRecord(typ) && len(body) >= 2 {
				row := int(binary.LittleEndian.Uint16(body))
				if row < lastRow {
					sorted = false
				}
				lastRow = max(lastRow, row)
				index = append(index, xlsRef{row: uint16(row), pos: pos})
			}
		}
		pos = next
	}
}

func isCellRecord(typ uint16) bool {
	switch typ {
	case biffNumber, biffRK, biffMulRK, biffLabelSST, biffLabel, biffRString, biffBoolErr, biffFormula:
		return true
	}
	return false
}

// nextCell returns the next cell record: its offset, type and body.
func (s *xlsSheetReader) nextCell() (int, uint16, []byte, bool) {
	if s.index != nil {
		if s.ix >= len(s.index) {
			return 0, 0, nil, false
		}
		pos := s.index[s.ix].pos
		s.ix++
		typ, body, _, _ := biffRecord(s.wb.data, pos)
		return pos, typ, body, true
	}
	depth := 0
	for s.pos < s.end {
		pos := s.pos
		typ, body, next, ok := biffRecord(s.wb.data, pos)
		if !ok {
			return 0, 0, nil, false
		}
		s.pos = next
		switch {
		case typ == biffBOF:
			depth++
		case typ == biffEOF:
			depth--
		case depth == 0 && isCellRecord(typ) && len(body) >= 2:
			return pos, typ, body, true
		}
	}
	return 0, 0, nil, false
}

func (s *xlsSheetReader) next() (rawRow, error) {
	for {
		if s.count++; s.count&0xFF == 0 {
			if err := s.r.ctx.Err(); err != nil {
				return rawRow{}, err
			}
		}
		pos, typ, body, ok := s.nextCell()
		if !ok {
			if s.curOpen {
				s.curOpen = false
				if row, ok := s.finish(); ok {
					return row, nil
				}
			}
			return rawRow{}, io.EOF
		}
		if s.cells > s.r.lim.MaxCells {
			return rawRow{}, &FileError{Path: s.r.path, Sheet: s.ws.name, Kind: ErrTooLarge,
				Reason: fmt.Sprintf("sheet %q has more than %d cells, the limit for one sheet", s.ws.name, s.r.lim.MaxCells), Hint: hintSplit}
		}
		num := int(binary.LittleEndian.Uint16(body)) + 1
		if s.curOpen && num != s.cur.num {
			row, ok := s.finish()
			s.start1(num)
			s.cell(pos, typ, body)
			if ok {
				return row, nil
			}
			continue
		}
		if !s.curOpen {
			s.start1(num)
		}
		s.cell(pos, typ, body)
	}
}

// start1 opens row num.
func (s *xlsSheetReader) start1(num int) {
	s.cur = rawRow{num: num, hidden: s.hiddenRw[num]}
	s.curOpen = true
}

// finish closes the row gathered; ok is false for a blank one, or when
// the sheet is over its cell limit (then the error comes next).
func (s *xlsSheetReader) finish() (rawRow, bool) {
	row := s.cur
	s.cur = rawRow{}
	if isBlank(row.cells) {
		return rawRow{}, false
	}
	return row, true
}

// cell adds one cell record to the row being gathered.
func (s *xlsSheetReader) cell(pos int, typ uint16, body []byte) {
	if len(body) < 6 {
		return
	}
	col := int(binary.LittleEndian.Uint16(body[2:])) + 1
	switch typ {
	case biffMulRK:
		// rw, colFirst, then 6 bytes (ixfe, RK) a cell, then colLast.
		for k := 0; 4+6*k+6 <= len(body)-2; k++ {
			off := 4 + 6*k
			xf := int(binary.LittleEndian.Uint16(body[off:]))
			f := rkValue(binary.LittleEndian.Uint32(body[off+2:]))
			text, meta := s.number(f, xf)
			s.set(col+k, text, meta)
		}
		return
	}
	xf := int(binary.LittleEndian.Uint16(body[4:]))
	var (
		text string
		meta cellMeta
	)
	switch typ {
	case biffNumber:
		if len(body) < 14 {
			return
		}
		text, meta = s.number(math.Float64frombits(binary.LittleEndian.Uint64(body[6:])), xf)
	case biffRK:
		if len(body) < 10 {
			return
		}
		text, meta = s.number(rkValue(binary.LittleEndian.Uint32(body[6:])), xf)
	case biffLabelSST:
		if len(body) < 10 {
			return
		}
		i := int(binary.LittleEndian.Uint32(body[6:]))
		if i < 0 || i >= len(s.wb.sst) {
			s.badRef++
			return
		}
		text = s.wb.sst[i]
	case biffLabel, biffRString:
		segs, _ := continued(s.wb.data, pos)
		if len(segs) == 0 {
			return
		}
		segs[0] = segs[0][6:]
		c := &biffCursor{segs: segs}
		text = c.xlString()
	case biffBoolErr:
		if len(body) < 8 {
			return
		}
		text, meta = boolErr(body[6], body[7] != 0)
	case biffFormula:
		if len(body) < 14 {
			return
		}
		v := body[6:14]
		if v[6] != 0xFF || v[7] != 0xFF {
			text, meta = s.number(math.Float64frombits(binary.LittleEndian.Uint64(v)), xf)
			break
		}
		switch v[0] {
		case 0:
			text = s.formulaString(pos)
		case 1:
			text, meta = boolErr(v[2], false)
		case 2:
			text, meta = boolErr(v[2], true)
		}
	}
	s.set(col, text, meta)
}

// formulaString reads the STRING record that holds the string result of
// the formula at pos.
func (s *xlsSheetReader) formulaString(pos int) string {
	_, _, next, _ := biffRecord(s.wb.data, pos)
	for range 4 {
		typ, _, n, ok := biffRecord(s.wb.data, next)
		if !ok {
			return ""
		}
		switch typ {
		case biffShrFmla, biffArray, biffTable:
			next = n
			continue
		case biffString:
			segs, _ := continued(s.wb.data, next)
			c := &biffCursor{segs: segs}
			return c.xlString()
		}
		return ""
	}
	return ""
}

// set puts a cell's text into the row being gathered.
func (s *xlsSheetReader) set(col int, text string, meta cellMeta) {
	if text == "" || col > maxColumns {
		return
	}
	row := &s.cur
	for len(row.cells) < col {
		row.cells = append(row.cells, "")
		row.meta = append(row.meta, cellMeta{})
	}
	if row.cells[col-1] == "" {
		s.cells++
	}
	row.cells[col-1], row.meta[col-1] = text, meta
}

// number renders a number cell by its style.
func (s *xlsSheetReader) number(f float64, xf int) (string, cellMeta) {
	var info xfInfo
	if xf >= 0 && xf < len(s.wb.xfs) {
		info = s.wb.xfs[xf]
	}
	return numberCell(f, info, s.wb.date1904)
}

// numberCell renders a stored number as the xlsx reader does: by its
// number format, as a number, an ISO date, a time of day or a duration.
func numberCell(f float64, xf xfInfo, date1904 bool) (string, cellMeta) {
	text, f, ok := normalizeNumber(strconv.FormatFloat(f, 'g', -1, 64))
	if !ok {
		return "", cellMeta{}
	}
	switch xf.kind {
	case fmtDate:
		return isoDate(f, text, date1904), cellMeta{kind: cellDate, stored: text}
	case fmtTime:
		return clockTime(f), cellMeta{kind: cellTime}
	case fmtElapsed:
		hours := strconv.FormatFloat(math.Round(f*24*1e6)/1e6, 'f', -1, 64)
		return elapsedTime(f), cellMeta{kind: cellElapsed, stored: hours}
	}
	return text, cellMeta{kind: cellNumber, currency: xf.currency}
}

// rkValue decodes an RK number: a 30-bit integer or the high 30 bits of a
// double, perhaps divided by 100.
func rkValue(rk uint32) float64 {
	var f float64
	if rk&0x02 != 0 {
		f = float64(int32(rk) >> 2)
	} else {
		f = math.Float64frombits(uint64(rk&0xFFFFFFFC) << 32)
	}
	if rk&0x01 != 0 {
		f /= 100
	}
	return f
}

// boolErr renders a boolean or an error value.
func boolErr(v byte, isErr bool) (string, cellMeta) {
	if !isErr {
		if v != 0 {
			return "TRUE", cellMeta{kind: cellBool}
		}
		return "FALSE", cellMeta{kind: cellBool}
	}
	name := map[byte]string{0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}[v]
	if name == "" {
		name = "#N/A"
	}
	return name, cellMeta{kind: cellError}
}

// columnHidden reports whether the sheet hides column col (1-based).
func (s *xlsSheetReader) columnHidden(col int) bool {
	for _, r := range s.hidden {
		if col >= r[0] && col <= r[1] {
			return true
		}
	}
	return false
}

// notes says what the sheet's cells held that could not be read.
func (s *xlsSheetReader) notes() []string {
	if s.badRef > 0 {
		return []string{fmt.Sprintf("%s to a shared string the workbook does not have and read as blank", plural(s.badRef, "cell points", "cells point"))}
	}
	return nil
}
