package source

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"unicode/utf8"
)

// headSize is how much of a file's start sniffing and text detection look at.
const headSize = 64 << 10

// scan is what one streaming pass over a file learns: its digest, its first
// bytes and whether all of it is valid UTF-8.
type scan struct {
	sum       string
	head      []byte
	size      int64
	validUTF8 bool
}

func scanReader(rd io.Reader) (*scan, error) {
	h := sha256.New()
	u := utf8Checker{ok: true}
	sc := &scan{}
	buf := make([]byte, 256<<10)
	for {
		n, err := rd.Read(buf)
		if n > 0 {
			p := buf[:n]
			h.Write(p)
			u.write(p)
			if len(sc.head) < headSize {
				sc.head = append(sc.head, p[:min(n, headSize-len(sc.head))]...)
			}
			sc.size += int64(n)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	sc.sum = hex.EncodeToString(h.Sum(nil))
	sc.validUTF8 = u.done()
	return sc, nil
}

// utf8Checker validates a stream of bytes as UTF-8 chunk by chunk, carrying an
// incomplete sequence over a chunk boundary.
type utf8Checker struct {
	ok    bool
	carry []byte
}

func (u *utf8Checker) write(p []byte) {
	if !u.ok {
		return
	}
	if len(u.carry) > 0 {
		// Complete the sequence carried over from the last chunk.
		for len(p) > 0 && !utf8.FullRune(u.carry) {
			u.carry = append(u.carry, p[0])
			p = p[1:]
		}
		if !utf8.FullRune(u.carry) {
			return
		}
		if !utf8.Valid(u.carry) {
			u.ok = false
			return
		}
		u.carry = u.carry[:0]
	}
	cut := len(p)
	for j := len(p) - 1; j >= 0 && j >= len(p)-utf8.UTFMax; j-- {
		if utf8.RuneStart(p[j]) {
			if !utf8.FullRune(p[j:]) {
				cut = j
			}
			break
		}
	}
	if !utf8.Valid(p[:cut]) {
		u.ok = false
		return
	}
	u.carry = append(u.carry[:0], p[cut:]...)
}

func (u *utf8Checker) done() bool {
	return u.ok && len(u.carry) == 0
}

// kind is what a file's first bytes say it is.
type kind int

const (
	kindText kind = iota
	kindZip
	kindOLE
	kindGzip
	kindArchive // 7z, rar, bzip2, xz
	kindPDF
	kindHTML
	kindXMLSpreadsheet // Excel 2003 XML
	kindRTF
	kindOldExcel // Excel 2.x, 3.0 or 4.0: a bare BIFF stream, before OLE files
	kindLotus    // Lotus 1-2-3 or Symphony
	kindBinary
)

var (
	magicOLE  = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	magicZip  = []byte("PK\x03\x04")
	magicZipE = []byte("PK\x05\x06") // an empty zip: only the end record
	magicGzip = []byte{0x1F, 0x8B}
)

// sniff classifies a file by its first bytes, never by its name.
func sniff(head []byte) kind {
	switch {
	case bytes.HasPrefix(head, magicOLE):
		return kindOLE
	case bytes.HasPrefix(head, magicZip), bytes.HasPrefix(head, magicZipE), bytes.HasPrefix(head, []byte("PK\x07\x08")):
		return kindZip
	case bytes.HasPrefix(head, magicGzip):
		return kindGzip
	case bytes.HasPrefix(head, []byte("7z\xBC\xAF\x27\x1C")), bytes.HasPrefix(head, []byte("Rar!")),
		bytes.HasPrefix(head, []byte("BZh")) && len(head) > 3 && head[3] >= '1' && head[3] <= '9',
		bytes.HasPrefix(head, []byte("\xFD7zXZ\x00")):
		return kindArchive
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return kindPDF
	case bytes.HasPrefix(head, []byte("{\\rtf")):
		return kindRTF
	case oldExcelVersion(head) != "":
		return kindOldExcel
	case bytes.HasPrefix(head, []byte{0x00, 0x00, 0x02, 0x00}) && len(head) >= 6 && head[4] >= 0x04 && head[4] <= 0x06 && head[5] == 0x04,
		bytes.HasPrefix(head, []byte{0x00, 0x00, 0x1A, 0x00}):
		return kindLotus
	}
	if enc := bomEncoding(head); enc != nil {
		return kindText
	}
	if _, ok := guessUTF16(head); ok {
		return kindText
	}
	if looksBinary(head) {
		return kindBinary
	}
	return sniffMarkup(head)
}

// sniffMarkup tells HTML pages and Excel 2003 XML from delimited text.
func sniffMarkup(head []byte) kind {
	s := bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	s = bytes.TrimLeft(s, " \t\r\n")
	if len(s) == 0 || s[0] != '<' {
		return kindText
	}
	low := bytes.ToLower(s[:min(len(s), 4096)])
	switch {
	case bytes.Contains(low, []byte("urn:schemas-microsoft-com:office:spreadsheet")), bytes.Contains(low, []byte("<?mso-application progid=\"excel.sheet\"")):
		return kindXMLSpreadsheet
	case bytes.HasPrefix(low, []byte("<!doctype html")), bytes.HasPrefix(low, []byte("<html")), bytes.HasPrefix(low, []byte("<table")),
		bytes.Contains(low, []byte("<html")):
		return kindHTML
	}
	return kindText
}

// looksBinary reports whether head holds bytes that text does not: NULs, or
// more than a few control characters.
func looksBinary(head []byte) bool {
	if len(head) == 0 {
		return false
	}
	ctrl := 0
	for _, b := range head {
		switch {
		case b == 0:
			return true
		case b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x1A && b != 0x1B:
			ctrl++
		}
	}
	return ctrl*100 > len(head)
}

// unsupportedKind describes a file kind laborcheck does not read.
func unsupportedKind(k kind) (error, string, string) {
	switch k {
	case kindGzip:
		return ErrUnsupported, "a gzip-compressed file", "decompress it (gunzip) and scan the result"
	case kindArchive:
		return ErrUnsupported, "a compressed archive (7z, rar, bzip2 or xz)", "extract it and scan the files inside"
	case kindPDF:
		return ErrUnsupported, "a PDF document, not a spreadsheet", "export the roster from its source program as .xlsx or .csv"
	case kindHTML:
		return ErrUnsupported, "an HTML page, not a spreadsheet (some systems export web tables with a spreadsheet name)", hintResave
	case kindXMLSpreadsheet:
		return ErrUnsupported, "an Excel 2003 XML spreadsheet", hintResave
	case kindRTF:
		return ErrUnsupported, "a rich-text (RTF) document, not a spreadsheet", "export the roster as .xlsx or .csv"
	case kindOldExcel:
		return ErrUnsupported, "an Excel 2, 3 or 4 worksheet (a format of 1987–1992) that laborcheck does not read", hintResave
	case kindLotus:
		return ErrUnsupported, "a Lotus 1-2-3 worksheet, which laborcheck does not read", hintResave
	}
	return ErrUnsupported, "not a spreadsheet or delimited text (unrecognised binary content)", "laborcheck reads .xlsx, .xlsm, .xls, .ods, .csv and .tsv files"
}

// OLE compound files hold legacy Office documents and encrypted OOXML. The
// names of their streams are stored as UTF-16LE in directory entries; finding
// them by a byte search works even when the container's tables are damaged
// (a loop in the allocation table cannot make it spin).
var (
	oleEncryptionInfo = utf16le("EncryptionInfo")
	oleEncryptedPkg   = utf16le("EncryptedPackage")
	oleWorkbook       = utf16le("Workbook")
	oleBook           = utf16le("Book\x00") // Excel 5/95: the name is "Book", NUL-terminated
	oleWord           = utf16le("WordDocument")
	olePowerPoint     = utf16le("PowerPoint Document")
)

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return b
}

// oleStreams reports which known stream names occur in an OLE file.
type oleStreams struct {
	encrypted, workbook, word, powerPoint bool
}

func scanOLE(rd io.Reader) (oleStreams, error) {
	var st oleStreams
	const overlap = 64
	buf := make([]byte, 256<<10)
	keep := 0
	for {
		n, err := io.ReadFull(rd, buf[keep:])
		chunk := buf[:keep+n]
		st.encrypted = st.encrypted || bytes.Contains(chunk, oleEncryptionInfo) || bytes.Contains(chunk, oleEncryptedPkg)
		st.workbook = st.workbook || bytes.Contains(chunk, oleWorkbook) || bytes.Contains(chunk, oleBook)
		st.word = st.word || bytes.Contains(chunk, oleWord)
		st.powerPoint = st.powerPoint || bytes.Contains(chunk, olePowerPoint)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return st, nil
		}
		if err != nil {
			return st, err
		}
		keep = min(overlap, len(chunk))
		copy(buf, chunk[len(chunk)-keep:])
	}
}

// oldExcelVersion names the Excel version of a bare BIFF stream (no OLE
// container): a BOF record of BIFF2 (0x0009), BIFF3 (0x0209) or BIFF4
// (0x0409) with a worksheet, chart, macro or workbook type. "" otherwise.
func oldExcelVersion(head []byte) string {
	if len(head) < 8 {
		return ""
	}
	id := uint16(head[0]) | uint16(head[1])<<8
	size := uint16(head[2]) | uint16(head[3])<<8
	typ := uint16(head[6]) | uint16(head[7])<<8
	switch {
	case id == 0x0009 && size == 4 && (typ == 0x0010 || typ == 0x0020 || typ == 0x0040):
		return "Excel 2"
	case id == 0x0209 && size == 6 && (typ == 0x0010 || typ == 0x0020 || typ == 0x0040 || typ == 0x0100):
		return "Excel 3"
	case id == 0x0409 && size == 6 && (typ == 0x0010 || typ == 0x0020 || typ == 0x0040 || typ == 0x0100):
		return "Excel 4"
	}
	return ""
}
