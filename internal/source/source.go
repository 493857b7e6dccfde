package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/header"
)

// Format names, as [Input].Format reports them.
const (
	FormatXLSX = "xlsx"
	FormatXLSM = "xlsm"
	FormatCSV  = "csv"
	FormatTSV  = "tsv"
	FormatXLS  = "xls" // Excel 97-2003 (BIFF8)
	FormatODS  = "ods" // OpenDocument spreadsheet
)

// Formats lists the formats laborcheck reads, for help text.
func Formats() []string {
	return []string{FormatXLSX, FormatXLSM, FormatXLS, FormatODS, FormatCSV, FormatTSV}
}

// Options control how [Read] reads a file.
type Options struct {
	Schema    *contract.Schema   // required: the fields contracts are read into
	Sheet     string             // read only this sheet; the input fails when the workbook has none of that name
	Password  string             // opens an encrypted workbook
	DateOrder contract.DateOrder // for date columns whose values do not say whether they are day- or month-first
	MaxRows   int                // contracts read per sheet; 0 = all
	Limits    Limits             // zero fields take the values of [DefaultLimits]
	// Consumed, when set, counts the bytes read from the file on disk, so
	// that a caller can show how far into a large file the reading is.
	Consumed *atomic.Int64
	// Pool, when set, supplies the contracts handed to fn (it must be made
	// for the schema's length); fn then owns them until it puts them back.
	Pool *contract.Pool
	// HeaderMap holds the user's own header spellings (-map): header text →
	// field name. They win over the vocabulary, matched after folding case,
	// spacing and punctuation.
	HeaderMap map[string]string
	// ValueMap holds the user's own cell wordings (-map), by field name:
	// cell text → the text to read instead ("Site office" → "employer").
	// Cell texts are matched after contract.NormalizeWord.
	ValueMap map[string]map[string]string
	// Matcher reads headers by meaning. Nil means one built from Schema,
	// Vocabulary and HeaderMap for each file; callers reading many files
	// build one with NewMatcher and share it.
	Matcher *header.Matcher
	// Vocabulary is the header vocabulary for a Matcher built here; nil
	// means the built-in one.
	Vocabulary *header.Vocabulary
	// Memos, when made for Schema (NewMemos), keeps the readings of cell
	// texts for every file read with it: callers reading many files make
	// one and share it, so that each file's columns start with the texts
	// the files before it read. Nil gives each file's columns memos of
	// their own.
	Memos *Memos
}

// NewMatcher returns the header matcher opts describe: its Matcher, or one
// built from its Schema, Vocabulary and HeaderMap. An unknown field in the
// HeaderMap is an error.
func (o *Options) NewMatcher() (*header.Matcher, error) {
	if o.Matcher != nil {
		return o.Matcher, nil
	}
	return header.NewMatcher(o.Schema, o.Vocabulary, o.HeaderMap)
}

// Limits bound the work and memory one file may cost. Workbook limits are
// checked against the zip directory before any part is inflated.
type Limits struct {
	// MaxFileSize bounds a workbook file (an encrypted one is decrypted in
	// memory whole). Delimited text is streamed and not bounded by it.
	MaxFileSize int64
	// MaxInflated bounds the total uncompressed size the zip directory
	// declares for a workbook's XML parts (media parts are never inflated).
	MaxInflated int64
	// MaxRatio bounds how many times its compressed size one XML part of
	// 1 MiB or more may inflate to; real workbooks stay well under 100.
	MaxRatio float64
	// MaxCells bounds the cells of non-blank rows read from one sheet or
	// text file.
	MaxCells int64
	// MaxRecord bounds the bytes of one record of delimited text (a stray
	// quote can otherwise swallow the rest of the file into one cell).
	MaxRecord int64
}

// DefaultLimits returns the limits [Read] applies where [Options].Limits has
// zero fields: 512 MiB workbooks, 2 GiB inflated, a ratio of 200, 50 million
// cells a sheet and 16 MiB records.
func DefaultLimits() Limits {
	return Limits{
		MaxFileSize: 512 << 20,
		MaxInflated: 2 << 30,
		MaxRatio:    200,
		MaxCells:    50_000_000,
		MaxRecord:   16 << 20,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileSize > 0 {
		d.MaxFileSize = l.MaxFileSize
	}
	if l.MaxInflated > 0 {
		d.MaxInflated = l.MaxInflated
	}
	if l.MaxRatio > 0 {
		d.MaxRatio = l.MaxRatio
	}
	if l.MaxCells > 0 {
		d.MaxCells = l.MaxCells
	}
	if l.MaxRecord > 0 {
		d.MaxRecord = l.MaxRecord
	}
	return d
}

// Input is what [Read] learned about one file: its identity, what could not
// be read, and each sheet's table.
type Input struct {
	Path   string   // as given
	SHA256 string   // hex digest of the file's bytes
	Format string   // FormatXLSX, FormatXLSM, FormatXLS, FormatODS, FormatCSV, FormatTSV, or "" when unread
	Err    error    // a *FileError when the file could not be read at all
	Notes  []string // how the file was read: "text encoding: windows-1252 (not valid UTF-8)", "delimiter: ';'"
	Sheets []*Sheet // in workbook order; one unnamed sheet for delimited text
}

// Sheet is one sheet of a workbook (or the one table of a text file).
type Sheet struct {
	Name      string   // "" for delimited text
	HeaderRow int      // 1-based, as the spreadsheet shows it (text: the line); 0 when none was found
	Rows      int      // contracts read
	Columns   []Column // every header cell, in order
	Hidden    bool     // hidden or very hidden in the workbook
	Skipped   string   // why the sheet holds no contract table (not a failure); "" when read
	Err       error    // why the sheet could not be read (a failure); a *FileError
	Notes     []string // how the table was read: date orders, skipped totals rows, duplicates
}

// Column is one header cell and what it maps to.
type Column struct {
	Letter    string          // "A" … "XFD" for sheets; the 1-based position for text
	Header    string          // the header text, trimmed
	Field     *contract.Field // nil when the header names no field
	Hints     contract.Hints  // what cells of this column are parsed with
	Duplicate bool            // an earlier column maps to the same field; this one is ignored
	// Match says how the column was matched: the method, any conversion,
	// the runner-up, and for an unmapped column its closest fields.
	Match header.Match
}

// Conversion says in words what reading the column's cells takes beyond
// its field's type: a unit or period converted, a share, an inverted
// question, the values a yes and a no stand for, a currency the header
// names. "" when nothing.
func (c Column) Conversion() string {
	var parts []string
	if c.Match.Conversion != "" {
		parts = append(parts, c.Match.Conversion)
	}
	if c.Hints.Invert {
		parts = append(parts, "inverted: the header asks the opposite question")
	}
	if c.Hints.Yes != "" {
		parts = append(parts, fmt.Sprintf("yes → %s, no → %s", c.Hints.Yes, c.Hints.No))
	}
	if c.Hints.Currency != "" {
		parts = append(parts, "currency "+c.Hints.Currency)
	}
	return strings.Join(parts, "; ")
}

// Read reads every contract of one file in row order and calls fn with each
// (fn owns c); issues are that row's cells that could not be read as their
// field's type. fn may be nil.
//
// Read always returns a non-nil *Input. A file that cannot be read sets
// Input.Err; a sheet that cannot be read sets that Sheet's Err; neither is
// returned. The error result is non-nil only when fn returned an error or ctx
// was cancelled (reading stops and that error is returned), or when opts has
// no Schema.
//
// Read never panics on a file's content. It is safe to call concurrently for
// different files.
func Read(ctx context.Context, path string, opts Options, fn func(c *contract.Contract, issues []contract.DataIssue) error) (*Input, error) {
	return ReadRows(ctx, path, opts, fillEach(opts, fn))
}

// fillEach adapts a contract callback to rows: each row is read into a
// contract (from opts.Pool, else new) as it comes.
func fillEach(opts Options, fn func(*contract.Contract, []contract.DataIssue) error) func(*Row) error {
	if fn == nil {
		return nil
	}
	return func(row *Row) error {
		c := opts.Pool.GetFill()
		if len(c.Values) != opts.Schema.Len() {
			c = &contract.Contract{Values: make([]contract.Value, opts.Schema.Len())}
		}
		issues := row.Fill(c)
		row.Release()
		return fn(c, issues)
	}
}

// ReadRows is Read handing on each row that is a contract before its cells
// are read as field values: fn receives a *Row, and Row.Fill reads it into
// a contract. Fill may run on another goroutine, later, so that a caller
// can read rows where it evaluates them; rows come in the order Read gives
// contracts, and the same data issues come out of Fill.
func ReadRows(ctx context.Context, path string, opts Options, fn func(*Row) error) (*Input, error) {
	in := &Input{Path: path}
	if opts.Schema == nil {
		return in, errors.New("read " + path + ": no schema given")
	}
	m, err := opts.NewMatcher()
	if err != nil {
		return in, fmt.Errorf("read %s: %w", path, err)
	}
	opts.Matcher = m
	r := newReader(ctx, path, opts, fn, in)
	r.open = func() (file, error) {
		f, err := os.Open(path)
		if err != nil || opts.Consumed == nil {
			return f, err
		}
		return countingFile{f, opts.Consumed}, nil
	}
	r.stat = true
	err = r.read()
	if in.Err != nil {
		in.Format = ""
	}
	return in, err
}

// readBytes reads a file's content from memory, as Read reads it from disk;
// name stands for its path.
func readBytes(ctx context.Context, name string, data []byte, opts Options, fn func(*contract.Contract, []contract.DataIssue) error) (*Input, error) {
	in := &Input{Path: name}
	m, err := opts.NewMatcher()
	if err != nil {
		return in, fmt.Errorf("read %s: %w", name, err)
	}
	opts.Matcher = m
	r := newReader(ctx, name, opts, fillEach(opts, fn), in)
	r.open = func() (file, error) { return memFile{bytes.NewReader(data)}, nil }
	err = r.read()
	if in.Err != nil {
		in.Format = ""
	}
	return in, err
}

func newReader(ctx context.Context, path string, opts Options, fn func(*Row) error, in *Input) *reader {
	return &reader{
		ctx:  ctx,
		path: path,
		ext:  strings.ToLower(filepath.Ext(path)),
		opts: opts,
		lim:  opts.Limits.withDefaults(),
		fn:   fn,
		in:   in,
	}
}

// file is what the reader needs of an open file.
type file interface {
	io.ReadSeeker
	io.ReaderAt
	io.Closer
}

// countingFile counts the bytes read from a file into n.
type countingFile struct {
	*os.File
	n *atomic.Int64
}

func (f countingFile) Read(p []byte) (int, error) {
	k, err := f.File.Read(p)
	f.n.Add(int64(k))
	return k, err
}

func (f countingFile) ReadAt(p []byte, off int64) (int, error) {
	k, err := f.File.ReadAt(p, off)
	f.n.Add(int64(k))
	return k, err
}

type memFile struct{ *bytes.Reader }

func (memFile) Close() error { return nil }

// reader is the state of one Read call.
type reader struct {
	ctx        context.Context
	open       func() (file, error) // opens the file from its start
	stat       bool                 // the file is on disk: check what kind of file it is first
	path       string
	ext        string // lower case, with the dot
	opts       Options
	lim        Limits
	fn         func(*Row) error
	in         *Input
	inCallback bool // fn is running: a panic there is the caller's, not the file's
	emitted    int  // contracts handed to fn
	// cells, when set, takes every row of each sheet in place of the
	// table reading (see ReadCells).
	cells func(*Sheet, *rawRow) error
}

// testHookRead, when set, is called as each file's reading starts: tests
// make it panic to stand for a fault in a reader.
var testHookRead func(path string)

func (r *reader) read() (err error) {
	defer func() {
		if p := recover(); p != nil {
			if r.inCallback {
				panic(p)
			}
			r.in.Err = r.internalError("", p)
			err = nil
		}
	}()
	if err := r.ctx.Err(); err != nil {
		return err
	}
	if testHookRead != nil {
		testHookRead(r.path)
	}
	if r.stat {
		st, err := os.Stat(r.path)
		if err != nil {
			r.in.Err = r.statError(err)
			return nil
		}
		switch {
		case st.IsDir():
			if r.ext == ".numbers" {
				r.in.Err = r.fileError(ErrUnsupported, "an Apple Numbers document", hintNumbers)
			} else {
				r.in.Err = r.fileError(ErrUnsupported, "a directory, not a file", "")
			}
			return nil
		case !st.Mode().IsRegular():
			r.in.Err = r.fileError(ErrUnsupported, "not a regular file", "")
			return nil
		}
	}
	f, err := r.open()
	if err != nil {
		r.in.Err = r.statError(err)
		return nil
	}
	sc, err := scanReader(f)
	f.Close()
	if err != nil {
		r.in.Err = r.ioError(err)
		return nil
	}
	r.in.SHA256 = sc.sum
	if r.opts.Consumed != nil {
		// The digest read the whole file; progress counts the reading.
		r.opts.Consumed.Store(0)
	}
	if sc.size == 0 {
		r.in.Err = r.fileError(ErrEmpty, "the file is empty (0 bytes)", "")
		return nil
	}
	return r.dispatch(sc)
}

// internalError is the error of a file, or of one sheet, whose reading
// panicked: a fault of laborcheck's, reported as such rather than blamed on
// the file.
func (r *reader) internalError(sheet string, p any) *FileError {
	return &FileError{Path: r.path, Sheet: sheet, Kind: ErrInternal,
		Reason: fmt.Sprintf("internal error: please report (reading failed: %v)", p),
		Hint:   hintInternal}
}

// dispatch reads the file as what its first bytes say it is.
func (r *reader) dispatch(sc *scan) error {
	k := sniff(sc.head)
	switch k {
	case kindZip, kindOLE:
		if sc.size > r.lim.MaxFileSize {
			r.in.Err = r.fileError(ErrTooLarge, fmt.Sprintf("the workbook is %s, over the %s limit for workbooks", byteSize(sc.size), byteSize(r.lim.MaxFileSize)), hintSplit)
			return nil
		}
		if k == kindOLE {
			return r.readOLE(sc.size)
		}
		return r.readZipFile(sc)
	case kindText:
		if isWorkbookExt(r.ext) {
			return r.readMisnamedText(sc)
		}
		return r.readText(sc)
	}
	r.in.Err = r.fileError(unsupportedKind(k))
	return nil
}

// readMisnamedText reads a text file named like a workbook as delimited text
// when it looks like some, and fails it otherwise.
func (r *reader) readMisnamedText(sc *scan) error {
	if looksDelimited(sc) {
		r.in.Notes = append(r.in.Notes, fmt.Sprintf("a text file named %s: read as delimited text", r.ext))
		return r.readText(sc)
	}
	r.in.Err = r.fileError(ErrCorrupt, fmt.Sprintf("a text file named %s, not a workbook", r.ext),
		"open it to see what it holds; export the roster from its program as .xlsx or .csv")
	return nil
}

// call hands one contract's row to fn.
func (r *reader) call(row *Row) error {
	if r.fn == nil {
		row.Release()
		return nil
	}
	r.inCallback = true
	r.emitted++
	err := r.fn(row)
	r.inCallback = false
	return err
}

func (r *reader) fileError(kind error, reason, hint string) *FileError {
	return &FileError{Path: r.path, Kind: kind, Reason: reason, Hint: hint}
}

func (r *reader) statError(err error) *FileError {
	if errors.Is(err, fs.ErrNotExist) {
		return r.fileError(ErrNotFound, "no such file", "check the path")
	}
	return r.ioError(err)
}

// ioError reports an operating-system error reading the file; its Kind is the
// error itself, so that errors.Is(err, fs.ErrPermission) works.
func (r *reader) ioError(err error) *FileError {
	var pe *fs.PathError
	reason := err.Error()
	if errors.As(err, &pe) {
		reason = pe.Op + ": " + pe.Err.Error()
	}
	return &FileError{Path: r.path, Kind: err, Reason: reason}
}

// Hints shared by several errors.
const (
	hintResave  = "open it in Excel or LibreOffice and save it again as .xlsx"
	hintSplit   = "split the roster into smaller files, or raise the limit"
	hintNumbers = "export it from Numbers as .xlsx (File > Export To > Excel)"
	// A panic while reading is laborcheck's fault; the file may be fine.
	hintInternal = "laborcheck failed on this file; please report it with the file (or a copy with the names removed) and the command that read it"
)

func isWorkbookExt(ext string) bool {
	switch ext {
	case ".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods":
		return true
	}
	return false
}

// byteSize renders a byte count for messages: "512 MiB", "3.2 GiB", "900 bytes".
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	f, units := float64(n), []string{"KiB", "MiB", "GiB", "TiB"}
	i := -1
	for f >= unit && i < len(units)-1 {
		f /= unit
		i++
	}
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d %s", int64(f), units[i])
	}
	return fmt.Sprintf("%.1f %s", f, units[i])
}
