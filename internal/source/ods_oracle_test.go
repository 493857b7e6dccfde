package source

// The reader of content.xml as it was written over encoding/xml, kept as
// the oracle the byte scanner is compared with.

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// readODS reads an OpenDocument spreadsheet whose zip has been checked
// against the limits.
func (r *reader) oldReadODS(zr *zip.Reader) error {
	var content, manifest *zip.File
	for _, p := range zipParts(zr) {
		switch p.name {
		case "content.xml":
			content = p.f
		case "meta-inf/manifest.xml":
			manifest = p.f
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
		names, err := oldODSSheetNames(content)
		if err != nil {
			r.in.Err = r.oldODSError(zr, err)
			return nil
		}
		i, ok := findSheet(names, name)
		if !ok {
			r.in.Err = r.fileError(ErrNotFound, fmt.Sprintf("the workbook has no sheet named %q", name), "its sheets are "+quoteList(names))
			return nil
		}
		want = i
	}
	rc, err := content.Open()
	if err != nil {
		r.in.Err = r.oldODSError(zr, err)
		return nil
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	d.Strict = true
	r.in.Format = FormatODS
	hiddenStyles := map[string]bool{}
	style := ""
	tables := 0
	seen := map[string]bool{}
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if len(r.in.Sheets) == 0 {
				r.in.Format = ""
				r.in.Err = r.oldODSError(zr, err)
				return nil
			}
			r.in.Notes = append(r.in.Notes, "the spreadsheet's content is damaged after its last sheet read: "+err.Error())
			return nil
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "style":
			style = ""
			if oldAttr(se, "family") == "table" {
				style = oldAttr(se, "name")
			}
		case "table-properties":
			if style != "" && oldAttr(se, "display") == "false" {
				hiddenStyles[style] = true
			}
		case "table":
			i := tables
			tables++
			if want >= 0 && i != want {
				uniqueSheetName(seen, oldAttr(se, "name"), i)
				if err := oldSkipElement(d); err != nil {
					r.in.Notes = append(r.in.Notes, "the spreadsheet's content is damaged: "+err.Error())
					return nil
				}
				continue
			}
			sh := &Sheet{Name: uniqueSheetName(seen, oldAttr(se, "name"), i), Hidden: hiddenStyles[oldAttr(se, "style-name")]}
			src := &oldODSSheetReader{r: r, d: d, name: sh.Name}
			if err := r.oldReadODSSheet(sh, src, want >= 0); err != nil {
				return err
			}
			if src.broken {
				return nil // the XML cannot be read past this sheet
			}
		}
	}
	if tables == 0 {
		r.in.Format = ""
		r.in.Err = r.fileError(ErrCorrupt, "the OpenDocument spreadsheet holds no sheets", hintResave)
	}
	return nil
}

// oldReadODSSheet reads one table, then passes over what readTable left of
// it. A panic becomes the sheet's error.
func (r *reader) oldReadODSSheet(sh *Sheet, src *oldODSSheetReader, forced bool) (err error) {
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
	src.drain()
	return nil
}

// oldODSError explains a content.xml that cannot be read.
func (r *reader) oldODSError(zr *zip.Reader, err error) *FileError {
	for _, p := range zipParts(zr) {
		if p.name == "content.xml" {
			if cerr := checkPart(p.f); cerr != nil {
				return r.diagnose(zr, cerr)
			}
		}
	}
	return r.fileError(ErrCorrupt, "the spreadsheet's content (content.xml) could not be read: "+err.Error(), hintResave)
}

// oldODSSheetNames lists the names of a spreadsheet's tables.
func oldODSSheetNames(content *zip.File) ([]string, error) {
	rc, err := content.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var names []string
	seen := map[string]bool{}
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return names, nil
		}
		if err != nil {
			return nil, err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "table" {
			names = append(names, uniqueSheetName(seen, oldAttr(se, "name"), len(names)))
			if err := oldSkipElement(d); err != nil {
				return nil, err
			}
		}
	}
}

// attr returns the value of an element's attribute by local name, the
// office: one first where two namespaces use the name (office:value-type
// and calcext:value-type).
func oldAttr(se xml.StartElement, local string) string {
	v := ""
	for _, a := range se.Attr {
		if a.Name.Local == local {
			if a.Name.Space == "office" || a.Name.Space == "table" || a.Name.Space == "style" {
				return a.Value
			}
			if v == "" {
				v = a.Value
			}
		}
	}
	return v
}

// repeat reads a repeat count attribute: at least 1.
func oldRepeat(se xml.StartElement, local string) int {
	v := oldAttr(se, local)
	if v == "" {
		return 1
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// oldODSSheetReader yields the rows of one table:table, reading the content
// decoder from just after its start tag.
type oldODSSheetReader struct {
	r      *reader
	d      *xml.Decoder
	name   string
	depth  int  // open elements inside the table
	done   bool // the table's end tag has been read
	broken bool // the XML could not be read
	row    int  // the number of the last row read or passed over
	col    int  // columns declared so far, for hidden ranges
	hidden [][2]int
	rep    rawRow // a row with values still repeated repLeft times
	repN   int
	cells  int64
	count  int
	// noCache counts formula cells with no saved value.
	noCache int
}

func (s *oldODSSheetReader) next() (rawRow, error) {
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
		tok, err := s.d.RawToken()
		if err != nil {
			s.broken = true
			if errors.Is(err, io.EOF) {
				err = fmt.Errorf("the sheet's data ends early: %w", io.ErrUnexpectedEOF)
			}
			return rawRow{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "table-row":
				if s.count++; s.count&0xFF == 0 {
					if err := s.r.ctx.Err(); err != nil {
						return rawRow{}, err
					}
				}
				row, n, err := s.readRow(t)
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
				n := oldRepeat(t, "number-columns-repeated")
				if v := oldAttr(t, "visibility"); (v == "collapse" || v == "filter") && s.col < maxColumns {
					s.hidden = append(s.hidden, [2]int{s.col + 1, min(s.col+n, maxColumns)})
				}
				s.col = min(s.col+n, maxColumns+1)
				s.depth++
			case "shapes", "forms", "named-expressions", "scenario", "table-source", "dde-source":
				if err := oldSkipElement(s.d); err != nil {
					s.broken = true
					return rawRow{}, err
				}
			default:
				s.depth++
			}
		case xml.EndElement:
			if s.depth == 0 {
				s.done = true
				continue
			}
			s.depth--
		}
	}
}

// addCells counts a row's cells against the sheet's limit.
func (s *oldODSSheetReader) addCells(n int) error {
	if s.cells += int64(n); s.cells > s.r.lim.MaxCells {
		return &FileError{Path: s.r.path, Sheet: s.name, Kind: ErrTooLarge,
			Reason: fmt.Sprintf("sheet %q has more than %d cells, the limit for one sheet", s.name, s.r.lim.MaxCells), Hint: hintSplit}
	}
	return nil
}

// drain reads up to the end of the table, so that the next one can be read.
func (s *oldODSSheetReader) drain() {
	s.repN = 0
	for !s.done && !s.broken {
		tok, err := s.d.RawToken()
		if err != nil {
			s.broken = true
			return
		}
		switch tok.(type) {
		case xml.StartElement:
			s.depth++
		case xml.EndElement:
			if s.depth == 0 {
				s.done = true
				return
			}
			s.depth--
		}
	}
}

// readRow reads one table:table-row: its cells and how many rows it
// stands for. Blank cells, covered cells of a merge among them, are only
// counted, so that a blank cell repeated 16,384 times costs nothing.
func (s *oldODSSheetReader) readRow(start xml.StartElement) (rawRow, int, error) {
	n := oldRepeat(start, "number-rows-repeated")
	v := oldAttr(start, "visibility")
	row := rawRow{hidden: v == "collapse" || v == "filter"}
	col := 0
	for {
		tok, err := s.d.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = fmt.Errorf("the sheet's data ends inside row %d: %w", s.row+1, io.ErrUnexpectedEOF)
			}
			return row, n, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "table-cell" && t.Name.Local != "covered-table-cell" {
				if err := oldSkipElement(s.d); err != nil {
					return row, n, err
				}
				continue
			}
			rep := oldRepeat(t, "number-columns-repeated")
			text, meta, err := s.readCell(t)
			if err != nil {
				return row, n, err
			}
			if text == "" || col >= maxColumns {
				col = min(col+rep, maxColumns)
				continue
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
		case xml.EndElement:
			return row, n, nil
		}
	}
}

// readCell reads one cell: its value as laborcheck reads it, by its value
// type, and what else it says.
func (s *oldODSSheetReader) readCell(start xml.StartElement) (string, cellMeta, error) {
	shown, err := oldODSCellText(s.d)
	if err != nil {
		return "", cellMeta{}, err
	}
	var calcType string
	for _, a := range start.Attr {
		if a.Name.Local == "value-type" && a.Name.Space == "calcext" {
			calcType = a.Value
		}
	}
	text, meta := oldODSValue(start, shown, calcType)
	if text == "" && oldAttr(start, "formula") != "" && oldAttr(start, "value-type") == "" {
		s.noCache++
	}
	return text, meta, nil
}

// oldODSValue interprets a cell by its office:value-type, as the xlsx reader
// does a cell by its type and number format.
func oldODSValue(start xml.StartElement, shown, calcType string) (string, cellMeta) {
	switch oldAttr(start, "value-type") {
	case "float", "percentage", "currency":
		v := oldAttr(start, "value")
		switch strings.ToLower(strings.TrimSpace(oldAttr(start, "formula"))) {
		case "of:=true()":
			return "TRUE", cellMeta{kind: cellBool}
		case "of:=false()":
			return "FALSE", cellMeta{kind: cellBool}
		}
		text, _, ok := normalizeNumber(strings.TrimSpace(v))
		if !ok {
			return shown, cellMeta{}
		}
		meta := cellMeta{kind: cellNumber}
		if c := strings.TrimSpace(oldAttr(start, "currency")); len(c) == 3 {
			meta.currency = strings.ToUpper(c)
		}
		return text, meta
	case "date":
		return odsDate(oldAttr(start, "date-value"), shown)
	case "time":
		days, ok := odsDuration(oldAttr(start, "time-value"))
		if !ok {
			return shown, cellMeta{}
		}
		if days >= 0 && days < 1 {
			return clockTime(days), cellMeta{kind: cellTime}
		}
		hours := strconv.FormatFloat(math.Round(days*24*1e6)/1e6, 'f', -1, 64)
		return elapsedTime(days), cellMeta{kind: cellElapsed, stored: hours}
	case "boolean":
		switch strings.ToLower(strings.TrimSpace(oldAttr(start, "boolean-value"))) {
		case "true", "1":
			return "TRUE", cellMeta{kind: cellBool}
		case "false", "0":
			return "FALSE", cellMeta{kind: cellBool}
		}
		return shown, cellMeta{kind: cellBool}
	}
	if sv := oldAttr(start, "string-value"); sv != "" {
		shown = sv
	}
	if calcType == "error" && shown != "" {
		return shown, cellMeta{kind: cellError}
	}
	return shown, cellMeta{}
}

// oldODSCellText reads the text of a cell up to its end tag: its paragraphs
// (text:p) one to a line, with spaces (text:s), tabs and line breaks, but
// not its comment (office:annotation) or drawings (draw:frame).
func oldODSCellText(d *xml.Decoder) (string, error) {
	var b strings.Builder
	depth, inP, paras := 0, 0, 0
	write := func(s string) {
		if b.Len() < odsMaxCellBytes {
			b.WriteString(s)
		}
	}
	for {
		tok, err := d.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "annotation" || t.Name.Space == "draw" {
				// A comment, or a drawing anchored in the cell: not its text.
				if err := oldSkipElement(d); err != nil {
					return "", err
				}
				continue
			}
			switch t.Name.Local {
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
					write(strings.Repeat(" ", min(oldRepeat(t, "c"), 1024)))
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
		case xml.EndElement:
			if depth == 0 {
				return b.String(), nil
			}
			depth--
			if t.Name.Local == "p" || t.Name.Local == "h" {
				inP = max(inP-1, 0)
			}
		case xml.CharData:
			if inP > 0 {
				write(string(t))
			}
		}
	}
}

// columnHidden reports whether the table hides column col (1-based).
func (s *oldODSSheetReader) columnHidden(col int) bool {
	for _, r := range s.hidden {
		if col >= r[0] && col <= r[1] {
			return true
		}
	}
	return false
}

// notes says what the table's cells held that could not be read.
func (s *oldODSSheetReader) notes() []string {
	if s.noCache > 0 {
		return []string{fmt.Sprintf("%s no saved value and read as blank (the program that wrote the file did not calculate them; open and save it in LibreOffice or Excel to fill them in)",
			plural(s.noCache, "formula cell has", "formula cells have"))}
	}
	return nil
}

// oldSkipElement skips the rest of the element whose start was just read.
func oldSkipElement(d *xml.Decoder) error {
	depth := 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			depth--
		}
	}
}
