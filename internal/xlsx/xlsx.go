// Package xlsx is laborcheck's fast streaming reader for the cells of
// .xlsx/.xlsm workbooks (Office Open XML spreadsheets, transitional or
// strict).
//
// It reads a worksheet part straight from the inflated zip stream with a
// byte-level scanner instead of encoding/xml, so a roster of hundreds of
// thousands of rows reads in a small multiple of the time it takes just to
// inflate the sheet. Cell values come back as the text written in the file
// (numbers exactly as stored, shared and inline strings resolved), tagged
// with a kind; numbers with a date number format are reported as dates so a
// caller can convert the serial number with the workbook's Date1904 flag.
//
// It is laborcheck's one reader of sheet XML. What it reads besides values:
// hidden rows and columns, merged ranges, formulas without a saved value
// (Uncached, an unknown value rather than a blank), ISO 8601 date cells,
// inline and shared strings. What a sheet cannot hold is never read as
// something else: a reference past column XFD or row 1,048,576 is a
// *RefError, an entity reference XML does not define an *EntityError, text
// longer than a cell holds is cut to MaxCellText characters as it is read
// (Cell.Truncated), and a shared strings table over its Limits is a
// *SharedStringsError.
//
// Formats this package does not read (binary .xlsb, encrypted workbooks,
// legacy .xls, OpenDocument) give errors wrapping ErrUnsupported; an
// encrypted workbook decrypted in memory is opened with OpenZip.
package xlsx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"sync"

	kflate "github.com/klauspost/compress/flate"
)

// Errors returned by Open and Rows. ErrEncrypted, ErrLegacyXLS, ErrXLSB and
// ErrODS wrap ErrUnsupported; damaged files give errors wrapping ErrFormat.
var (
	// ErrUnsupported marks a file this package cannot read but another
	// reader might (for example with a password).
	ErrUnsupported = errors.New("xlsx: unsupported workbook format")
	// ErrEncrypted: a password-protected (encrypted) workbook.
	ErrEncrypted = fmt.Errorf("%w: encrypted (password-protected) workbook", ErrUnsupported)
	// ErrLegacyXLS: an Excel 97–2003 .xls (BIFF) workbook.
	ErrLegacyXLS = fmt.Errorf("%w: legacy Excel 97-2003 (.xls) workbook", ErrUnsupported)
	// ErrXLSB: an Excel binary (.xlsb) workbook.
	ErrXLSB = fmt.Errorf("%w: Excel binary (.xlsb) workbook", ErrUnsupported)
	// ErrODS: an OpenDocument spreadsheet (.ods).
	ErrODS = fmt.Errorf("%w: OpenDocument (.ods) spreadsheet", ErrUnsupported)

	// ErrFormat: the file is not a zip-packaged workbook (for example CSV
	// text), or it is truncated or damaged (a broken zip entry, malformed
	// sheet XML, a shared string index out of range, a cell beyond column
	// XFD or row 1,048,576).
	ErrFormat = errors.New("xlsx: invalid or damaged .xlsx/.xlsm file")
	// ErrTooLarge: the zip directory declares more inflated data, or a
	// higher compression ratio, than the Limits allow (a zip bomb defence).
	ErrTooLarge = errors.New("xlsx: workbook exceeds size limits")
	// ErrNoSheet: Rows was asked for a sheet the workbook does not have.
	ErrNoSheet = errors.New("xlsx: no such sheet")
)

// Limits bound what Open accepts, checked against the zip central directory
// before any part is read. A zero field takes its default; a negative one
// disables that check. The declared sizes then hold while reading:
// archive/zip refuses to inflate an entry past its declared size.
type Limits struct {
	// MaxInflated is the largest total uncompressed size of all zip
	// entries. Default 4 GiB.
	MaxInflated int64
	// MaxRatio is the largest uncompressed/compressed ratio allowed for any
	// entry bigger than 1 MiB uncompressed. Deflate cannot exceed about
	// 1032:1; spreadsheet XML is typically 5–30:1 and rarely above 200:1.
	// Default 500.
	MaxRatio float64
	// MaxSharedStrings is the most strings the shared strings table may
	// hold. Default 8,000,000.
	MaxSharedStrings int
	// MaxSharedBytes is the most bytes of text the shared strings table
	// may hold once read (each string already cut to MaxCellText
	// characters). Default 128 MiB.
	MaxSharedBytes int64
}

// Default limits.
const (
	DefaultMaxInflated      = 4 << 30
	DefaultMaxRatio         = 500
	DefaultMaxSharedStrings = 8_000_000
	DefaultMaxSharedBytes   = 128 << 20
	ratioFloor              = 1 << 20 // entries this small are never ratio-checked
)

// CellKind is the type of a cell's value.
type CellKind uint8

// Cell kinds.
const (
	// Blank: the cell exists (it may carry a style or an uncomputed formula)
	// but has no value. Value is empty.
	Blank CellKind = iota
	// Number: Value is the number's text exactly as stored (e.g. "0.1",
	// "1.5E-3", "42").
	Number
	// String: shared, inline or formula string; Value is the text, possibly
	// empty.
	String
	// Bool: Value is "1" (true) or "0" (false) as stored.
	Bool
	// Error: Value is the error text, e.g. "#N/A", "#DIV/0!".
	Error
	// Date: a number shown with a date or time format. Value is the serial
	// number's text; convert it with the workbook's Date1904 flag.
	Date
	// ISODate: an ISO 8601 date cell (t="d") converted to a serial number,
	// as for Date. (One whose text is not an ISO date is a String.)
	ISODate
	// Uncached: a formula the program that wrote the file never calculated,
	// so the file holds no value for it. Its value is unknown, which is not
	// the same as blank. Value is empty.
	Uncached
	// BadShared: a shared-string cell whose index the workbook's shared
	// strings table does not have: its value is unknown. Value is the index
	// as written.
	BadShared
)

var kindNames = [...]string{"Blank", "Number", "String", "Bool", "Error", "Date", "ISODate", "Uncached", "BadShared"}

func (k CellKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("CellKind(%d)", k)
}

// MaxCellText is the most characters a cell holds in Excel, and the most
// this package reads of one value: a longer text is cut to its first
// MaxCellText characters as it is read, never copied whole, and its cell
// marked Truncated.
const MaxCellText = 32767

// Cell is one cell of a row.
type Cell struct {
	Col  int // 0-based column (0 is column A)
	Kind CellKind
	// Truncated is set when the cell's text was longer than MaxCellText
	// characters: Value holds the first MaxCellText of them. (It sits
	// beside Kind, where it takes no room.)
	Truncated bool
	// Shared is one more than the index of a shared string cell's string
	// in the workbook's shared strings table, 0 for any other cell. Two
	// cells of a workbook with the same Shared have the same text, so a
	// reader that remembers what it made of a text may look it up by this
	// number rather than by the text. (It too sits beside Kind.)
	Shared int32
	// Style is the cell's style (its index into the workbook's cell
	// formats); Workbook.NumberFormat tells its number format.
	Style int
	Value []byte // valid only during the Rows callback; copy to keep it
	// Text is Value as a string for a shared string (Kind String): it
	// stays valid, and may be kept without a copy. It is "" otherwise.
	Text string
}

// SheetInfo describes a sheet in workbook order.
type SheetInfo struct {
	Name string
	// Hidden is true for hidden and "very hidden" sheets.
	Hidden bool
	// Kind is the sheet's kind, from its relationship type: "worksheet",
	// "chartsheet", "dialogsheet", "macrosheet"…; "worksheet" when the
	// workbook does not say.
	Kind string
	// Part is the sheet's part name in the package (normalised: lower
	// case, no leading slash), "" when the workbook's relationships do not
	// name one.
	Part string
	// Missing is set when the workbook names a part for the sheet that the
	// package does not hold.
	Missing bool
}

// Workbook is an open .xlsx/.xlsm file. Rows may be called from several
// goroutines at once.
type Workbook struct {
	// Date1904 is true when the workbook uses the 1904 date system: serial
	// numbers of Date cells count days from 1904-01-01 instead of
	// 1899-12-30.
	Date1904 bool

	file   io.Closer
	lim    Limits
	zr     *zip.Reader
	parts  map[string]*zip.File // normalised lower-case name → entry
	sheets []SheetInfo
	isDate []bool         // by cellXfs index: the style's number format is a date
	xfFmt  []int          // by cellXfs index: the number format id
	fmts   map[int]string // number format codes the workbook defines

	sstPath string
	sstMu   sync.Mutex
	sst     *sharedStrings
	sstErr  error
}

// Open opens the workbook at path, checks it against lim, and reads its
// workbook, relationship and style parts. Worksheets and shared strings are
// read later, by Rows.
func Open(filename string, lim Limits) (*Workbook, error) {
	f, err := os.Open(filename)
	if err != nil {
		return nil, err
	}
	w, err := open(f, lim)
	if err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	// "EncryptionInfo" as an OLE directory entry name (UTF-16LE).
	oleEncryptionInfo = []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o\x00")
)

func open(f *os.File, lim Limits) (*Workbook, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	var head [8]byte
	n, _ := f.ReadAt(head[:], 0)
	if n == 8 && bytes.Equal(head[:], oleMagic) {
		return nil, sniffOLE(f, st.Size(), lim)
	}
	if n < 4 || head[0] != 'P' || head[1] != 'K' {
		return nil, ErrFormat
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	w, err := OpenZip(zr, lim)
	if err != nil {
		return nil, err
	}
	w.file = f
	return w, nil
}

// OpenZip opens a workbook from a zip archive already opened (a file the
// caller has sniffed, or a workbook decrypted in memory), checks it against
// lim and reads its structure, as Open does. Close does not close what zr
// reads from.
func OpenZip(zr *zip.Reader, lim Limits) (*Workbook, error) {
	if err := checkLimits(zr, lim); err != nil {
		return nil, err
	}
	zr.RegisterDecompressor(zip.Deflate, newFlateReader)
	w := &Workbook{zr: zr, lim: lim, parts: make(map[string]*zip.File, len(zr.File))}
	for _, zf := range zr.File {
		name := normPart(zf.Name)
		if _, dup := w.parts[name]; dup {
			if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
				// Spreadsheet programs show one of the copies; which one
				// is not for a reader to guess.
				return nil, fmt.Errorf("%w: the package holds two parts named %q", ErrFormat, zf.Name)
			}
			continue // media and the like, which are never read
		}
		w.parts[name] = zf
	}
	if err := w.load(); err != nil {
		return nil, err
	}
	return w, nil
}

// sniffOLE tells an encrypted OOXML workbook (an OLE container with an
// EncryptionInfo stream) from a legacy .xls.
func sniffOLE(f *os.File, size int64, lim Limits) error {
	maxRead := int64(256 << 20)
	if lim.MaxInflated > 0 && lim.MaxInflated < maxRead {
		maxRead = lim.MaxInflated
	}
	data, err := io.ReadAll(io.LimitReader(f, min(size, maxRead)))
	if err != nil {
		return err
	}
	if bytes.Contains(data, oleEncryptionInfo) {
		return ErrEncrypted
	}
	return ErrLegacyXLS
}

func checkLimits(zr *zip.Reader, lim Limits) error {
	maxInflated := lim.MaxInflated
	if maxInflated == 0 {
		maxInflated = DefaultMaxInflated
	}
	maxRatio := lim.MaxRatio
	if maxRatio == 0 {
		maxRatio = DefaultMaxRatio
	}
	var total uint64
	for _, zf := range zr.File {
		u, c := zf.UncompressedSize64, zf.CompressedSize64
		total += u
		if total < u || (maxInflated > 0 && total > uint64(maxInflated)) {
			return fmt.Errorf("%w: entries inflate to more than %d bytes", ErrTooLarge, maxInflated)
		}
		if maxRatio > 0 && u > ratioFloor {
			if c == 0 || float64(u)/float64(c) > maxRatio {
				return fmt.Errorf("%w: entry %q compresses %d bytes into %d (ratio above %g)",
					ErrTooLarge, zf.Name, u, c, maxRatio)
			}
		}
	}
	return nil
}

var flatePool sync.Pool

// flateBuffer is how much of an entry's compressed bytes one read of the
// file takes: the inflater's own buffer is 4 KiB, a system call each.
const flateBuffer = 64 << 10

// newFlateReader is the zip decompressor for Deflate entries: the klauspost
// inflater is markedly faster than compress/flate.
func newFlateReader(r io.Reader) io.ReadCloser {
	if in, ok := flatePool.Get().(*inflater); ok {
		in.br.Reset(r)
		in.fr.(kflate.Resetter).Reset(in.br, nil)
		return &pooledFlate{in}
	}
	br := bufio.NewReaderSize(r, flateBuffer)
	return &pooledFlate{&inflater{fr: kflate.NewReader(br), br: br}}
}

// inflater is an inflater and the buffer it reads through.
type inflater struct {
	fr io.ReadCloser
	br *bufio.Reader
}

// pooledFlate reads an entry with an inflater, which goes back to
// flatePool when it is closed.
type pooledFlate struct{ in *inflater }

func (p *pooledFlate) Read(b []byte) (int, error) {
	if p.in == nil {
		return 0, errors.New("xlsx: read after close")
	}
	return p.in.fr.Read(b)
}

func (p *pooledFlate) Close() error {
	if p.in == nil {
		return nil
	}
	err := p.in.fr.Close()
	p.in.br.Reset(nil)
	flatePool.Put(p.in)
	p.in = nil
	return err
}

// normPart normalises a zip entry name or part name for lookup: forward
// slashes, no leading slash, lower case (part names are case-insensitive).
func normPart(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = strings.TrimLeft(name, "/")
	return strings.ToLower(name)
}

func (w *Workbook) part(name string) *zip.File {
	return w.parts[normPart(name)]
}

// Sheets returns the workbook's sheets in workbook order, with those whose
// part is missing from the package (Missing) or not named (Part "").
func (w *Workbook) Sheets() []SheetInfo {
	return append([]SheetInfo(nil), w.sheets...)
}

// NumberFormat returns the number format of a cell style (Cell.Style): its
// id and, when the workbook defines the format (custom formats, or a
// built-in id the workbook redefines), its code. code is "" for a built-in
// format, which IsDateFormat(id, "") classifies. An unknown style has format
// 0 (General).
func (w *Workbook) NumberFormat(style int) (id int, code string) {
	id, code, _ = w.CellFormat(style)
	return id, code
}

// CellFormat is NumberFormat that also says whether the workbook defines
// the format's code itself (defined), even as "".
func (w *Workbook) CellFormat(style int) (id int, code string, defined bool) {
	if style < 0 || style >= len(w.xfFmt) {
		return 0, "", false
	}
	id = w.xfFmt[style]
	code, defined = w.fmts[id]
	return id, code, defined
}

// Styles is the number of cell styles (cellXfs) the workbook defines.
func (w *Workbook) Styles() int { return len(w.xfFmt) }

// Close releases the file.
func (w *Workbook) Close() error {
	if w.file == nil {
		return nil
	}
	err := w.file.Close()
	w.file = nil
	return err
}

// sheetByName finds a sheet's index: exact name first, then
// case-insensitively (as spreadsheet programs compare sheet names).
func (w *Workbook) sheetByName(name string) (int, bool) {
	for i, s := range w.sheets {
		if s.Name == name {
			return i, true
		}
	}
	for i, s := range w.sheets {
		if strings.EqualFold(s.Name, name) {
			return i, true
		}
	}
	return -1, false
}

// openPart opens a part for streaming. The inflater runs ahead in its own
// goroutine for big parts, so inflating and scanning overlap.
func (w *Workbook) openPart(ctx context.Context, zf *zip.File) (io.ReadCloser, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	if zf.UncompressedSize64 < 4*scanChunk {
		return rc, nil
	}
	return newPrefetch(ctx, rc), nil
}

// resolveTarget turns a relationship target into a package part name: an
// absolute target ("/xl/worksheets/sheet1.xml") is taken from the package
// root, a relative one from the source part's folder.
func resolveTarget(sourceDir, target string) string {
	target = strings.ReplaceAll(target, "\\", "/")
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean(path.Join("/", sourceDir, target)), "/")
}
