package source

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// workbook is the structure of an xlsx package: where its sheets are, how
// its cells are styled, and its shared strings. Worksheets themselves are
// streamed by sheetReader.
type workbook struct {
	parts    map[string]*zip.File // by normalised name (see zipParts)
	date1904 bool
	sheets   []wbSheet
	xfs      []xfInfo // by cell style index
	sstPath  string   // the shared strings part, when the package has one
	sst      []string // loaded by loadSST
	sstErr   error
	sstDone  bool
}

// wbSheet is one sheet as the workbook lists it.
type wbSheet struct {
	name   string
	hidden bool   // state "hidden" or "veryHidden"
	part   string // normalised part name; "" when the workbook does not say
	kind   string // "worksheet", "chartsheet", "dialogsheet", "macrosheet"
}

// xfInfo is what laborcheck needs of a cell style: how its number format
// shows numbers, and the currency it names.
type xfInfo struct {
	kind     fmtKind
	currency string
}

// errPart is wrapped by errors about a missing or unreadable package part.
var errPart = errors.New("workbook part")

// openWorkbook reads a workbook's structure and shared strings from its
// package.
func openWorkbook(zr *zip.Reader) (*workbook, error) {
	wb, err := openStructure(zr)
	if err != nil {
		return nil, err
	}
	if err := wb.loadSST(); err != nil {
		return nil, err
	}
	return wb, nil
}

// openStructure reads a workbook's structure (sheets, styles, date system)
// from its package; the shared strings are left to loadSST.
func openStructure(zr *zip.Reader) (*workbook, error) {
	wb := &workbook{parts: map[string]*zip.File{}}
	for _, p := range zipParts(zr) {
		if _, dup := wb.parts[p.name]; !dup {
			wb.parts[p.name] = p.f
		}
	}
	wbPath := wb.officeDocument()
	if wbPath == "" {
		return nil, fmt.Errorf("%w: no workbook part (xl/workbook.xml) in the package", errPart)
	}
	rels, err := wb.readRels(wbPath)
	if err != nil {
		return nil, err
	}
	if err := wb.readWorkbookXML(wbPath, rels); err != nil {
		return nil, err
	}
	dir := path.Dir(wbPath)
	stylesPath := rels.target("/styles", dir, "xl/styles.xml")
	if err := wb.readStyles(stylesPath); err != nil {
		return nil, err
	}
	wb.sstPath = rels.target("/sharedStrings", dir, "xl/sharedstrings.xml")
	return wb, nil
}

// loadSST reads the shared strings, once.
func (wb *workbook) loadSST() error {
	if !wb.sstDone {
		wb.sstErr = wb.readSST(wb.sstPath)
		wb.sstDone = true
	}
	return wb.sstErr
}

// officeDocument finds the workbook part through the package relationships,
// else at its usual place, else under any name ending in workbook.xml.
func (wb *workbook) officeDocument() string {
	if rels, err := wb.readRels(""); err == nil {
		if t := rels.target("/officeDocument", "", ""); t != "" {
			if _, ok := wb.parts[t]; ok {
				return t
			}
		}
	}
	if _, ok := wb.parts["xl/workbook.xml"]; ok {
		return "xl/workbook.xml"
	}
	best := ""
	for name := range wb.parts {
		if strings.HasSuffix(name, "workbook.xml") && (best == "" || name < best) {
			best = name
		}
	}
	return best
}

// openPart opens a part for reading as UTF-8, transcoding UTF-16 ones.
func (wb *workbook) openPart(name string) (io.ReadCloser, error) {
	f, ok := wb.parts[name]
	if !ok {
		return nil, fmt.Errorf("%w %q is missing", errPart, name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", errPart, f.Name, err)
	}
	br := newPeekReader(rc)
	b, _ := br.Peek(2)
	if bytes.Equal(b, []byte{0xFE, 0xFF}) || bytes.Equal(b, []byte{0xFF, 0xFE}) {
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		return readCloser{transform.NewReader(br, dec), rc}, nil
	}
	return readCloser{br, rc}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// newDecoder returns an XML decoder for a part. Parts in UTF-16 have been
// transcoded by openPart; other declared encodings are decoded by name.
func newDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		l := strings.ToLower(strings.TrimSpace(label))
		if strings.HasPrefix(l, "utf-16") || l == "utf-8" || l == "utf8" || l == "us-ascii" || l == "ascii" {
			return in, nil
		}
		e, err := htmlindex.Get(l)
		if err != nil {
			return nil, fmt.Errorf("unknown XML encoding %q", label)
		}
		return transform.NewReader(in, e.NewDecoder()), nil
	}
	return d
}

// relationships maps relationship ids to targets, keeping their types.
type relationships []relationship

type relationship struct {
	id, typ, target string
	external        bool
}

// readRels reads the relationships of a part ("" for the package's own).
func (wb *workbook) readRels(part string) (relationships, error) {
	name := "_rels/.rels"
	if part != "" {
		name = path.Join(path.Dir(part), "_rels", path.Base(part)+".rels")
	}
	if _, ok := wb.parts[name]; !ok {
		return nil, nil
	}
	rc, err := wb.openPart(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var rels relationships
	d := newDecoder(rc)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return rels, nil
		}
		if err != nil {
			return nil, partError(name, err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Relationship" {
			rel := relationship{}
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "Id":
					rel.id = a.Value
				case "Type":
					rel.typ = a.Value
				case "Target":
					rel.target = a.Value
				case "TargetMode":
					rel.external = strings.EqualFold(a.Value, "External")
				}
			}
			rels = append(rels, rel)
		}
	}
}

// resolve turns a relationship target into a normalised part name.
func resolve(dir, target string) string {
	t := strings.ReplaceAll(target, "\\", "/")
	if strings.HasPrefix(t, "/") {
		t = path.Clean(t)
	} else {
		t = path.Clean(path.Join("/", dir, t))
	}
	return strings.ToLower(strings.TrimPrefix(t, "/"))
}

// target returns the part of the first relationship whose type ends in
// suffix, resolved against dir, or def.
func (rs relationships) target(suffix, dir, def string) string {
	for _, r := range rs {
		if strings.HasSuffix(r.typ, suffix) && !r.external {
			return resolve(dir, r.target)
		}
	}
	return def
}

func (rs relationships) byID(id string) (relationship, bool) {
	for _, r := range rs {
		if r.id == id {
			return r, true
		}
	}
	return relationship{}, false
}

// readWorkbookXML reads the date system and the list of sheets.
func (wb *workbook) readWorkbookXML(name string, rels relationships) error {
	rc, err := wb.openPart(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	dir := path.Dir(name)
	d := newDecoder(rc)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return partError(name, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "workbookPr":
			for _, a := range se.Attr {
				if a.Name.Local == "date1904" {
					wb.date1904 = a.Value == "1" || strings.EqualFold(a.Value, "true")
				}
			}
		case "sheet":
			sh := wbSheet{kind: "worksheet"}
			var rid string
			for _, a := range se.Attr {
				switch {
				case a.Name.Local == "name":
					sh.name = a.Value
				case a.Name.Local == "state":
					sh.hidden = a.Value == "hidden" || a.Value == "veryHidden"
				case a.Name.Local == "id" && a.Name.Space != "":
					rid = a.Value
				}
			}
			if r, ok := rels.byID(rid); ok && !r.external {
				sh.part = resolve(dir, r.target)
				if i := strings.LastIndexByte(r.typ, '/'); i >= 0 {
					sh.kind = r.typ[i+1:]
				}
			}
			wb.sheets = append(wb.sheets, sh)
		}
	}
}

// readStyles reads the number format of each cell style.
func (wb *workbook) readStyles(name string) error {
	if _, ok := wb.parts[name]; !ok {
		return nil // no styles: every cell is General
	}
	rc, err := wb.openPart(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	custom := map[int]string{}
	var ids []int
	inXfs, inFmts := false, false
	d := newDecoder(rc)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return partError(name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "numFmts":
				inFmts = true
			case "numFmt":
				if !inFmts {
					continue // a differential format of conditional formatting
				}
				id, code, code16 := -1, "", ""
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "numFmtId":
						id, _ = strconv.Atoi(strings.TrimSpace(a.Value))
					case "formatCode":
						if a.Name.Space == "" {
							code = a.Value
						} else {
							code16 = a.Value
						}
					case "formatCode16":
						code16 = a.Value
					}
				}
				if code16 != "" {
					code = code16
				}
				custom[id] = code
			case "cellXfs":
				inXfs = true
			case "xf":
				if inXfs {
					id := 0
					for _, a := range t.Attr {
						if a.Name.Local == "numFmtId" {
							id, _ = strconv.Atoi(strings.TrimSpace(a.Value))
						}
					}
					ids = append(ids, id)
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "cellXfs":
				inXfs = false
			case "numFmts":
				inFmts = false
			}
		}
	}
	wb.xfs = make([]xfInfo, len(ids))
	for i, id := range ids {
		if code, ok := custom[id]; ok {
			wb.xfs[i] = xfInfo{kind: classifyFormat(code), currency: formatCurrency(code)}
		} else {
			wb.xfs[i] = xfInfo{kind: builtinKind(id)}
		}
	}
	return nil
}

// readSST reads the shared strings.
func (wb *workbook) readSST(name string) error {
	if _, ok := wb.parts[name]; !ok {
		return nil
	}
	rc, err := wb.openPart(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := newDecoder(rc)
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return partError(name, err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "si" {
			s, err := richText(d, "si")
			if err != nil {
				return partError(name, err)
			}
			wb.sst = append(wb.sst, s)
		}
	}
}

func partError(name string, err error) error {
	return fmt.Errorf("%w %q: %v", errPart, name, err)
}

// richText reads the text of a string item (<si>) or inline string (<is>)
// up to the end of the element named end: every <t>, plain or in rich-text
// runs, but not the phonetic guides (<rPh>) of East Asian text. Escaped
// characters (_x000D_) are decoded.
func richText(d *xml.Decoder, end string) (string, error) {
	var b strings.Builder
	inT, inPh, depth := false, 0, 0
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
			depth++
			switch t.Name.Local {
			case "t":
				inT = inPh == 0
			case "rPh":
				inPh++
			}
		case xml.EndElement:
			if depth == 0 {
				if t.Name.Local == end {
					return unescapeBSTR(b.String()), nil
				}
				continue
			}
			depth--
			switch t.Name.Local {
			case "t":
				inT = false
			case "rPh":
				inPh--
			}
		case xml.CharData:
			if inT {
				b.Write(t)
			}
		}
	}
}

// unescapeBSTR decodes the _xHHHH_ escapes spreadsheets use for characters
// XML cannot hold; _x005F_ is a literal underscore, so "_x005F_x000D_"
// reads "_x000D_".
func unescapeBSTR(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '_' && i+7 <= len(s) && s[i+1] == 'x' && s[i+6] == '_' {
			if v, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				if v == 0x5F {
					b.WriteByte('_')
				} else {
					b.WriteRune(rune(v))
				}
				i += 7
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// peekReader is a minimal buffered reader with Peek, to look at a part's
// byte-order mark without bufio's 4 KiB buffer per part.
type peekReader struct {
	r   io.Reader
	buf []byte
}

func newPeekReader(r io.Reader) *peekReader { return &peekReader{r: r} }

func (p *peekReader) Peek(n int) ([]byte, error) {
	for len(p.buf) < n {
		var b [4]byte
		k, err := p.r.Read(b[:n-len(p.buf)])
		p.buf = append(p.buf, b[:k]...)
		if err != nil {
			return p.buf, err
		}
	}
	return p.buf[:n], nil
}

func (p *peekReader) Read(b []byte) (int, error) {
	if len(p.buf) > 0 {
		n := copy(b, p.buf)
		p.buf = p.buf[n:]
		return n, nil
	}
	return p.r.Read(b)
}
