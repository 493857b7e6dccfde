package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// Small parts (package and workbook relationships, workbook.xml, styles.xml)
// are read whole and parsed with encoding/xml, matching element and
// attribute local names only, so transitional and strict namespaces and any
// prefixes work alike.

const maxSmallPart = 256 << 20

type relationship struct {
	id, typ, target string // target resolved to a part name
}

// relType reports whether a relationship type URI names the given kind
// (transitional ".../2006/relationships/worksheet" and strict
// ".../relationships/worksheet" alike).
func relType(uri, kind string) bool {
	return strings.HasSuffix(uri, "/"+kind)
}

func (w *Workbook) load() error {
	wbPath := ""
	if rels, err := w.readRels("", "_rels/.rels"); err != nil {
		return err
	} else {
		for _, r := range rels {
			if relType(r.typ, "officeDocument") && w.part(r.target) != nil {
				wbPath = r.target
				break
			}
		}
	}
	if wbPath == "" && w.part("xl/workbook.xml") != nil {
		wbPath = "xl/workbook.xml"
	}
	if wbPath == "" {
		return w.whyNoWorkbook()
	}
	if strings.HasSuffix(strings.ToLower(wbPath), ".bin") {
		return ErrXLSB
	}
	wbDir := path.Dir(wbPath)
	if wbDir == "." {
		wbDir = ""
	}
	rels, err := w.readRels(wbDir, path.Join(wbDir, "_rels", path.Base(wbPath)+".rels"))
	if err != nil {
		return err
	}
	byID := make(map[string]relationship, len(rels))
	stylesPath := ""
	for _, r := range rels {
		byID[r.id] = r
		switch {
		case relType(r.typ, "sharedStrings") && w.sstPath == "":
			w.sstPath = r.target
		case relType(r.typ, "styles") && stylesPath == "":
			stylesPath = r.target
		}
	}
	if w.sstPath == "" || w.part(w.sstPath) == nil {
		w.sstPath = path.Join(wbDir, "sharedStrings.xml")
	}
	if stylesPath == "" || w.part(stylesPath) == nil {
		stylesPath = path.Join(wbDir, "styles.xml")
	}

	data, err := w.readSmall(wbPath)
	if err != nil {
		return err
	}
	if err := w.parseWorkbook(data, byID); err != nil {
		return err
	}
	if w.part(stylesPath) != nil {
		data, err := w.readSmall(stylesPath)
		if err != nil {
			return err
		}
		if w.xfFmt, w.fmts, err = parseStyles(data); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrFormat, stylesPath, err)
		}
		w.isDate = make([]bool, len(w.xfFmt))
		for i, id := range w.xfFmt {
			w.isDate[i] = IsDateFormat(id, w.fmts[id])
		}
	}
	return nil
}

// whyNoWorkbook explains a zip without a workbook part.
func (w *Workbook) whyNoWorkbook() error {
	if w.part("xl/workbook.bin") != nil {
		return ErrXLSB
	}
	if zf := w.part("mimetype"); zf != nil {
		if b, err := w.readSmall("mimetype"); err == nil && bytes.Contains(b, []byte("opendocument")) {
			return ErrODS
		}
		_ = zf
	}
	if w.part("content.xml") != nil && w.part("meta-inf/manifest.xml") != nil {
		return ErrODS
	}
	return fmt.Errorf("%w: the zip has no workbook part", ErrFormat)
}

// readSmall reads a whole part, transcoding UTF-16 and dropping a BOM.
func (w *Workbook) readSmall(name string) ([]byte, error) {
	zf := w.part(name)
	if zf == nil {
		return nil, fmt.Errorf("%w: missing part %s", ErrFormat, name)
	}
	return readZipFile(zf)
}

func readZipFile(zf *zip.File) ([]byte, error) {
	if zf.UncompressedSize64 > maxSmallPart {
		return nil, fmt.Errorf("%w: part %s is %d bytes", ErrTooLarge, zf.Name, zf.UncompressedSize64)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: damaged part %s: %v", ErrFormat, zf.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxSmallPart))
	if err != nil {
		return nil, fmt.Errorf("%w: damaged part %s: %v", ErrFormat, zf.Name, err)
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}), bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		data, err = io.ReadAll(&utf16Reader{r: bytes.NewReader(data[2:]), big: data[0] == 0xFE})
		if err != nil {
			return nil, err
		}
	}
	return data, nil
}

func newDecoder(data []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	// The data is already UTF-8 (readSmall transcodes UTF-16); a declared
	// encoding is not applied again.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	return d
}

// readRels reads a relationships part; a missing part has no relationships.
// Targets are resolved against sourceDir.
func (w *Workbook) readRels(sourceDir, name string) ([]relationship, error) {
	if w.part(name) == nil {
		return nil, nil
	}
	data, err := w.readSmall(name)
	if err != nil {
		return nil, err
	}
	var rels []relationship
	d := newDecoder(data)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return rels, nil
		}
		if err != nil {
			return nil, fmt.Errorf("xlsx: %s: %w", name, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "Relationship" {
			continue
		}
		var r relationship
		external := false
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "Id":
				r.id = a.Value
			case "Type":
				r.typ = a.Value
			case "Target":
				r.target = a.Value
			case "TargetMode":
				external = strings.EqualFold(a.Value, "External")
			}
		}
		if external {
			continue
		}
		r.target = resolveTarget(sourceDir, r.target)
		rels = append(rels, r)
	}
}

func (w *Workbook) parseWorkbook(data []byte, rels map[string]relationship) error {
	d := newDecoder(data)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("xlsx: workbook: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "workbookPr":
			for _, a := range se.Attr {
				if a.Name.Local == "date1904" {
					w.Date1904 = xmlBool(a.Value)
				}
			}
		case "sheet":
			s := SheetInfo{Kind: "worksheet"}
			var id string
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "name":
					s.Name = a.Value
				case "state":
					s.Hidden = a.Value == "hidden" || a.Value == "veryHidden"
				case "id":
					if a.Name.Space != "" {
						id = a.Value
					}
				}
			}
			if r, ok := rels[id]; ok {
				s.Part = normPart(r.target)
				s.Missing = w.part(r.target) == nil
				if i := strings.LastIndexByte(r.typ, '/'); i >= 0 && i+1 < len(r.typ) {
					s.Kind = r.typ[i+1:]
				}
			}
			w.sheets = append(w.sheets, s)
		}
	}
}

func xmlBool(v string) bool {
	v = strings.TrimSpace(v)
	return v == "1" || v == "true"
}

// parseStyles reads the number formats and cell formats (cellXfs): it
// returns each cell format's number format id and the format codes the
// workbook defines (empty codes left out).
func parseStyles(data []byte) (xfFmt []int, custom map[int]string, err error) {
	d := newDecoder(data)
	custom = map[int]string{}
	inCellXfs, inNumFmts := false, false
	depth, xfsDepth := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch t.Name.Local {
			case "numFmts":
				inNumFmts = true
			case "numFmt":
				if !inNumFmts {
					continue // a differential format of conditional formatting
				}
				id, code, code16 := -1, "", ""
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "numFmtId":
						if n, err := strconv.Atoi(strings.TrimSpace(a.Value)); err == nil {
							id = n
						}
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
				if id >= 0 {
					custom[id] = code
				}
			case "cellXfs":
				inCellXfs, xfsDepth = true, depth
			case "xf":
				if inCellXfs && depth == xfsDepth+1 {
					id := 0
					for _, a := range t.Attr {
						if a.Name.Local == "numFmtId" {
							if n, err := strconv.Atoi(strings.TrimSpace(a.Value)); err == nil {
								id = n
							}
						}
					}
					xfFmt = append(xfFmt, id)
				}
			}
		case xml.EndElement:
			if t.Name.Local == "cellXfs" && depth == xfsDepth {
				inCellXfs = false
			}
			if t.Name.Local == "numFmts" {
				inNumFmts = false
			}
			depth--
		}
	}
	return xfFmt, custom, nil
}
