package source

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestSniff(t *testing.T) {
	ole := append(append([]byte{}, magicOLE...), make([]byte, 504)...)
	tests := []struct {
		name string
		head []byte
		want kind
	}{
		{"ole", ole, kindOLE},
		{"zip", []byte("PK\x03\x04\x14\x00"), kindZip},
		{"empty zip", []byte("PK\x05\x06" + strings.Repeat("\x00", 18)), kindZip},
		{"gzip", []byte{0x1F, 0x8B, 0x08, 0x00}, kindGzip},
		{"7z", []byte("7z\xBC\xAF\x27\x1C\x00\x04"), kindArchive},
		{"pdf", []byte("%PDF-1.7\n"), kindPDF},
		{"rtf", []byte(`{\rtf1\ansi`), kindRTF},
		{"html", []byte("\r\n<!DOCTYPE html><html><table><tr><td>Name</td></tr></table>"), kindHTML},
		{"html table", []byte("<table border=1><tr><td>Name</td></tr></table>"), kindHTML},
		{"excel 2003 xml", []byte(`<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">`), kindXMLSpreadsheet},
		{"csv", []byte("Name,Employee ID\nAna,E1\n"), kindText},
		{"csv with bom", []byte("\xEF\xBB\xBFName;DOB\n"), kindText},
		{"utf-16le bom", []byte("\xFF\xFEN\x00a\x00"), kindText},
		{"utf-16le without bom", []byte("N\x00a\x00m\x00e\x00,\x00I\x00D\x00\r\x00\n\x00"), kindText},
		{"latin-1 text", []byte("Nom;Salaire\nJos\xe9;1200\n"), kindText},
		{"xml that is not a spreadsheet", []byte(`<?xml version="1.0"?><roster><w name="Ana"/></roster>`), kindText},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), kindBinary},
		{"nul bytes", []byte("abc\x00\x00\x00\x01def"), kindBinary},
		{"empty", nil, kindText},
		{"excel 4 worksheet", []byte{0x09, 0x04, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00}, kindOldExcel},
		{"excel 4 workbook", []byte{0x09, 0x04, 0x06, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}, kindOldExcel},
		{"excel 3 worksheet", []byte{0x09, 0x02, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00}, kindOldExcel},
		{"excel 2 worksheet", []byte{0x09, 0x00, 0x04, 0x00, 0x02, 0x00, 0x10, 0x00}, kindOldExcel},
		{"lotus 1-2-3 wk1", []byte{0x00, 0x00, 0x02, 0x00, 0x06, 0x04, 0x06, 0x00}, kindLotus},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := sniff(tc.head); got != tc.want {
				t.Errorf("sniff(%q) = %v, want %v", tc.head, got, tc.want)
			}
		})
	}
}

func TestRead_Kinds(t *testing.T) {
	oleWith := func(names ...string) []byte {
		b := append([]byte{}, magicOLE...)
		b = append(b, make([]byte, 1000)...)
		for _, n := range names {
			b = append(b, utf16le(n)...)
			b = append(b, make([]byte, 64)...)
		}
		return b
	}
	xlsxParts := map[string]string{"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}
	tests := []struct {
		name       string
		file       string
		data       []byte
		want       error
		wantReason string
	}{
		{"xls in a damaged container", "a.xls", oleWith("Root Entry", "Workbook", "SummaryInformation"), ErrCorrupt, ""},
		{"encrypted ooxml", "a.xlsx", oleWith("Root Entry", "EncryptionInfo", "EncryptedPackage"), ErrEncrypted, "the workbook is encrypted with a password"},
		{"word document", "a.xls", oleWith("Root Entry", "WordDocument"), ErrUnsupported, "a legacy Word document, not a spreadsheet"},
		{"damaged ole", "a.xls", oleWith("Root Entry"), ErrCorrupt, ""},
		{"xlsb", "a.xlsb", zipOf(t, map[string]string{"[Content_Types].xml": "", "xl/workbook.bin": ""}), ErrXLSB, "an Excel binary workbook (.xlsb)"},
		{"ods without sheets", "a.ods", zipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": ""}), ErrCorrupt, "the OpenDocument spreadsheet holds no sheets"},
		{"ods without mimetype or sheets", "a.ods", zipOf(t, map[string]string{"content.xml": "", "META-INF/manifest.xml": ""}), ErrCorrupt, ""},
		{"ods without content", "a.ods", zipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "META-INF/manifest.xml": ""}), ErrCorrupt, "an OpenDocument spreadsheet without its content (no content.xml part)"},
		{"encrypted ods", "a.ods", zipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "\x01\x02", "META-INF/manifest.xml": `<manifest:manifest><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry></manifest:manifest>`}), ErrEncrypted, ""},
		{"odt", "a.odt", zipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": ""}), ErrUnsupported, "an OpenDocument file that is not a spreadsheet"},
		{"numbers", "a.numbers", zipOf(t, map[string]string{"Index/Document.iwa": ""}), ErrUnsupported, "an Apple Numbers document"},
		{"docx", "a.xlsx", zipOf(t, map[string]string{"[Content_Types].xml": "", "word/document.xml": ""}), ErrUnsupported, "a Word document, not a spreadsheet"},
		{"zip of csv", "a.csv", zipOf(t, map[string]string{"table.csv": "a,b\n"}), ErrUnsupported, "a zip archive of 1 file, not a workbook"},
		{"workbook without a workbook part", "a.xlsx", zipOf(t, map[string]string{"[Content_Types].xml": "", "xl/worksheets/sheet1.xml": "<worksheet/>"}), ErrCorrupt, ""},
		{"malformed workbook xml", "a.xlsx", zipOf(t, xlsxParts), ErrCorrupt, ""},
		{"gzip", "a.csv", []byte{0x1F, 0x8B, 8, 0, 0, 0}, ErrUnsupported, "a gzip-compressed file"},
		{"pdf", "roster.xlsx", []byte("%PDF-1.4\n%\xe2\xe3"), ErrUnsupported, "a PDF document, not a spreadsheet"},
		{"html named xls", "export.xls", []byte("<html><body><table><tr><td>Name</td></tr></table></body></html>"), ErrUnsupported, ""},
		{"binary", "a.csv", []byte("\x00\x01\x02\x03\x04"), ErrUnsupported, ""},
		{"empty zip", "a.xlsx", []byte("PK\x05\x06" + strings.Repeat("\x00", 18)), ErrEmpty, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := readData(t, tc.file, tc.data, defaultOptions())
			var fe *FileError
			if !errors.As(g.in.Err, &fe) || !errors.Is(fe, tc.want) {
				t.Fatalf("Err = %#v, want %v", g.in.Err, tc.want)
			}
			if tc.wantReason != "" && fe.Reason != tc.wantReason {
				t.Errorf("Reason = %q, want %q", fe.Reason, tc.wantReason)
			}
			if fe.Reason == "" || fe.Path == "" || g.in.Format != "" || len(g.in.Sheets) != 0 {
				t.Errorf("FileError %+v, Format %q, %d sheets", fe, g.in.Format, len(g.in.Sheets))
			}
			if g.in.SHA256 == "" && len(tc.data) > 0 {
				t.Error("SHA256 not set")
			}
		})
	}
}

func TestRead_ZipBomb(t *testing.T) {
	big := strings.Repeat("\x00", 2<<20) // 2 MiB of zeros deflates about 1000 times
	parts := map[string]string{"[Content_Types].xml": "", "xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": big}
	g := readData(t, "bomb.xlsx", zipOf(t, parts), defaultOptions())
	var fe *FileError
	if !errors.As(g.in.Err, &fe) || !errors.Is(fe, ErrTooLarge) || !strings.Contains(fe.Reason, "zip bomb") {
		t.Errorf("ratio: Err = %#v, want ErrTooLarge about a zip bomb", g.in.Err)
	}
	opts := defaultOptions()
	opts.Limits.MaxInflated = 1 << 20
	opts.Limits.MaxRatio = 1e6
	g = readData(t, "big.xlsx", zipOf(t, parts), opts)
	if !errors.As(g.in.Err, &fe) || !errors.Is(fe, ErrTooLarge) || !strings.Contains(fe.Reason, "inflate to over 1 MiB") {
		t.Errorf("total: Err = %#v, want ErrTooLarge over MaxInflated", g.in.Err)
	}
	opts.Limits = Limits{MaxFileSize: 100}
	g = readData(t, "big.xlsx", zipOf(t, parts), opts)
	if !errors.Is(g.in.Err, ErrTooLarge) {
		t.Errorf("file size: Err = %v, want ErrTooLarge", g.in.Err)
	}
}

func TestRead_SHA256(t *testing.T) {
	g := readData(t, "r.csv", []byte("abc"), defaultOptions())
	if want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; g.in.SHA256 != want {
		t.Errorf("SHA256 = %s, want %s", g.in.SHA256, want)
	}
}

func TestScanOLE_SplitAcrossChunks(t *testing.T) {
	// A stream name straddling the 256 KiB read boundary is still found.
	b := append([]byte{}, magicOLE...)
	b = append(b, make([]byte, 256<<10-8-10)...)
	b = append(b, utf16le("EncryptionInfo")...)
	st, err := scanOLE(bytes.NewReader(b))
	if err != nil || !st.encrypted {
		t.Errorf("scanOLE = %+v, %v, want encrypted", st, err)
	}
}

func TestCheckZip_Ignored(t *testing.T) {
	// Small parts and media parts, which are never inflated, have no ratio limit.
	parts := map[string]string{"[Content_Types].xml": strings.Repeat(" ", 500<<10), "xl/media/blank.bmp": strings.Repeat("\xff", 2<<20)}
	data := zipOf(t, parts)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	r := &reader{lim: DefaultLimits()}
	if fe := r.checkZip(zr); fe != nil {
		t.Errorf("checkZip = %v, want nil for a small part", fe)
	}
}
