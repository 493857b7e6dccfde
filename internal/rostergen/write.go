package rostergen

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	kflate "github.com/klauspost/compress/flate"
)

// WriteFile writes a roster to path: a workbook for .xlsx, CSV for .csv.
// The file is written whole or not at all.
func WriteFile(path string, opts Options) (err error) {
	var write func(io.Writer, Options) error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx":
		write = WriteXLSX
	case ".csv":
		write = WriteCSV
	default:
		return fmt.Errorf("rostergen: %s: want a .xlsx or .csv name", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err = write(bw, opts); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// WriteCSV writes the roster as comma-separated text with a header line.
func WriteCSV(w io.Writer, opts Options) error {
	cw := csv.NewWriter(w)
	var rec []string
	err := Each(opts, func(_ int, cells []Cell) error {
		rec = rec[:0]
		for _, c := range cells {
			rec = append(rec, c.String())
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

const (
	nsMain  = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	nsRel   = `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	relNS   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	xmlDecl = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
)

// Cell styles of the generated workbook (indexes into cellXfs).
const (
	styleGeneral = 0
	styleDate    = 1 // DD/MM/YYYY
	styleHeader  = 2 // bold
)

// WriteXLSX writes the roster as a workbook laid out as LibreOffice Calc
// saves one: strings in the shared strings table, dates as serial numbers
// with a date style, every row and column with LibreOffice's attributes.
func WriteXLSX(w io.Writer, opts Options) error {
	opts = opts.withDefaults()
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return kflate.NewWriter(w, kflate.DefaultCompression)
	})
	put := func(name, content string) error {
		pw, err := zw.Create(name)
		if err != nil {
			return err
		}
		_, err = io.WriteString(pw, content)
		return err
	}
	parts := []struct{ name, content string }{
		{"_rels/.rels", xmlDecl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>`},
		{"docProps/core.xml", xmlDecl + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dcterms:created xsi:type="dcterms:W3CDTF">2024-05-02T08:00:00Z</dcterms:created><dc:title>Worker roster</dc:title></cp:coreProperties>`},
		{"docProps/app.xml", xmlDecl + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/60$Build-1</Application></Properties>`},
		{"xl/_rels/workbook.xml.rels", xmlDecl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relNS + `/styles" Target="styles.xml"/><Relationship Id="rId2" Type="` + relNS + `/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId3" Type="` + relNS + `/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		{"xl/workbook.xml", xmlDecl + `<workbook ` + nsMain + ` ` + nsRel + `><fileVersion appName="Calc"/><workbookPr backupFile="false" showObjects="all" date1904="false"/><workbookProtection/><bookViews><workbookView showHorizontalScroll="true" showVerticalScroll="true" showSheetTabs="true" xWindow="0" yWindow="0" windowWidth="16384" windowHeight="8192" tabRatio="500" firstSheet="0" activeTab="0"/></bookViews><sheets><sheet name="` + xmlText(opts.Sheet) + `" sheetId="1" state="visible" r:id="rId2"/></sheets><calcPr iterateCount="100" refMode="A1" iterate="false" iterateDelta="0.001"/></workbook>`},
		{"xl/styles.xml", xmlDecl + `<styleSheet ` + nsMain + `><numFmts count="2"><numFmt numFmtId="164" formatCode="General"/><numFmt numFmtId="165" formatCode="DD/MM/YYYY"/></numFmts><fonts count="2"><font><sz val="10"/><name val="Arial"/><family val="2"/></font><font><b val="true"/><sz val="10"/><name val="Arial"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border diagonalUp="false" diagonalDown="false"><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="164" fontId="0" fillId="0" borderId="0" applyFont="true" applyBorder="true" applyAlignment="true" applyProtection="true"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="164" fontId="0" fillId="0" borderId="0" applyFont="false" applyBorder="false" applyAlignment="false" applyProtection="false" xfId="0"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" applyFont="false" applyBorder="false" applyAlignment="false" applyProtection="false" xfId="0"/><xf numFmtId="164" fontId="1" fillId="0" borderId="0" applyFont="true" applyBorder="false" applyAlignment="false" applyProtection="false" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`},
	}
	if err := put("[Content_Types].xml", xmlDecl+`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`); err != nil {
		return err
	}
	for _, p := range parts {
		if err := put(p.name, p.content); err != nil {
			return err
		}
	}

	sst := &sharedStrings{index: map[string]int{}}
	sw, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	if err := writeSheet(sw, opts, sst); err != nil {
		return err
	}
	ssw, err := zw.Create("xl/sharedStrings.xml")
	if err != nil {
		return err
	}
	if err := sst.write(ssw); err != nil {
		return err
	}
	return zw.Close()
}

// sharedStrings collects the shared strings table as the sheet is written.
type sharedStrings struct {
	index map[string]int
	list  []string
	refs  int
}

func (s *sharedStrings) id(v string) int {
	s.refs++
	if i, ok := s.index[v]; ok {
		return i
	}
	s.index[v] = len(s.list)
	s.list = append(s.list, v)
	return len(s.list) - 1
}

func (s *sharedStrings) write(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	fmt.Fprintf(bw, "%s<sst %s count=\"%d\" uniqueCount=\"%d\">", xmlDecl, nsMain, s.refs, len(s.list))
	for _, v := range s.list {
		bw.WriteString(`<si><t xml:space="preserve">`)
		bw.WriteString(xmlText(v))
		bw.WriteString(`</t></si>`)
	}
	bw.WriteString(`</sst>`)
	return bw.Flush()
}

func writeSheet(w io.Writer, opts Options, sst *sharedStrings) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	last := columnLetter(len(Header) - 1)
	bw.WriteString(xmlDecl + `<worksheet ` + nsMain + ` ` + nsRel + `><sheetPr filterMode="false"><pageSetUpPr fitToPage="false"/></sheetPr><dimension ref="A1:` + last + strconv.Itoa(opts.Rows+1) + `"/><sheetViews><sheetView showFormulas="false" showGridLines="true" showRowColHeaders="true" showZeros="true" rightToLeft="false" tabSelected="true" showOutlineSymbols="true" defaultGridColor="true" view="normal" topLeftCell="A1" colorId="64" zoomScale="100" zoomScaleNormal="100" zoomScalePageLayoutView="100" workbookViewId="0"><pane xSplit="0" ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="topLeft" activeCell="A1" activeCellId="0" sqref="A1"/><selection pane="bottomLeft" activeCell="A2" activeCellId="0" sqref="A2"/></sheetView></sheetViews><sheetFormatPr defaultColWidth="11.53515625" defaultRowHeight="12.8" zeroHeight="false" outlineLevelRow="0" outlineLevelCol="0"/><cols>`)
	bw.WriteString(`<col collapsed="false" customWidth="true" hidden="false" outlineLevel="0" max="` + strconv.Itoa(len(Header)) + `" min="1" style="0" width="16.5"/></cols><sheetData>`)
	cols := make([]string, len(Header))
	for i := range cols {
		cols[i] = columnLetter(i)
	}
	var buf []byte
	err := Each(opts, func(row int, cells []Cell) error {
		rs := strconv.Itoa(row)
		buf = append(buf[:0], `<row r="`...)
		buf = append(buf, rs...)
		buf = append(buf, `" customFormat="false" ht="12.8" hidden="false" customHeight="false" outlineLevel="0" collapsed="false">`...)
		for i, c := range cells {
			if c.Kind == Blank {
				continue
			}
			buf = append(buf, `<c r="`...)
			buf = append(buf, cols[i]...)
			buf = append(buf, rs...)
			switch c.Kind {
			case Text:
				style := styleGeneral
				if row == 1 {
					style = styleHeader
				}
				buf = append(buf, `" s="`...)
				buf = strconv.AppendInt(buf, int64(style), 10)
				buf = append(buf, `" t="s"><v>`...)
				buf = strconv.AppendInt(buf, int64(sst.id(c.Text)), 10)
			case Number:
				buf = append(buf, `" s="0" t="n"><v>`...)
				buf = strconv.AppendFloat(buf, c.Num, 'g', -1, 64)
			case Date:
				buf = append(buf, `" s="1" t="n"><v>`...)
				buf = strconv.AppendFloat(buf, c.Num, 'g', -1, 64)
			}
			buf = append(buf, `</v></c>`...)
		}
		buf = append(buf, `</row>`...)
		_, err := bw.Write(buf)
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString(`</sheetData><printOptions headings="false" gridLines="false" gridLinesSet="true" horizontalCentered="false" verticalCentered="false"/><pageMargins left="0.7875" right="0.7875" top="1.05277777777778" bottom="1.05277777777778" header="0.7875" footer="0.7875"/><pageSetup paperSize="9" scale="100" fitToWidth="1" fitToHeight="1" pageOrder="downThenOver" orientation="portrait" blackAndWhite="false" draft="false" cellComments="none" horizontalDpi="300" verticalDpi="300" copies="1"/><headerFooter differentFirst="false" differentOddEven="false"><oddHeader>&amp;C&amp;&quot;Times New Roman,Regular&quot;&amp;12&amp;A</oddHeader><oddFooter>&amp;C&amp;&quot;Times New Roman,Regular&quot;&amp;12Page &amp;P</oddFooter></headerFooter></worksheet>`)
	return bw.Flush()
}

// columnLetter names a 0-based column: 0 → A, 26 → AA.
func columnLetter(col int) string {
	var b [8]byte
	i := len(b)
	for n := col + 1; n > 0; n = (n - 1) / 26 {
		i--
		b[i] = byte('A' + (n-1)%26)
	}
	return string(b[i:])
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func xmlText(s string) string { return xmlEscaper.Replace(s) }
