package source

import "errors"

// Sentinel errors a [FileError] (or a sheet's error) wraps as its Kind. The CLI
// branches on them with errors.Is to choose a hint and an exit code.
var (
	// ErrUnsupported is returned for a file that is not a workbook or delimited
	// text laborcheck reads: a PDF, an HTML page, a gzip stream, a zip archive
	// of other files, an Apple Numbers document, unrecognised binary content.
	ErrUnsupported = errors.New("unsupported file format")
	// ErrLegacyXLS is returned for an .xls workbook in a format before
	// Excel 97 (BIFF5, written by Excel 5.0 and 95, or older); Excel 97-2003
	// workbooks (BIFF8) are read.
	ErrLegacyXLS = errors.New("legacy .xls workbook")
	// ErrEncrypted is returned for a password-protected workbook when no
	// password was given, or when the given one does not open it, and for
	// encrypted .ods files and .xls files encrypted in a way laborcheck does
	// not know, which it does not decrypt.
	ErrEncrypted = errors.New("encrypted workbook")
	// ErrXLSB is returned for an Excel binary (.xlsb) workbook.
	ErrXLSB = errors.New("binary .xlsb workbook")
	// ErrCorrupt is returned for a file whose content is damaged or is not
	// what its name says: a truncated zip, a part that fails its checksum, a
	// workbook the reader cannot parse, a text file named .xlsx.
	ErrCorrupt = errors.New("damaged file")
	// ErrEmpty is returned for a file with no content (zero bytes, or only a
	// byte-order mark and white space).
	ErrEmpty = errors.New("empty file")
	// ErrTooLarge is returned when a file or sheet exceeds a [Limits] bound,
	// such as a zip part that would inflate past MaxInflated (a zip bomb).
	ErrTooLarge = errors.New("file too large")
	// ErrInternal is returned for a file, or a sheet, that laborcheck failed
	// on: the reader panicked. The fault is laborcheck's (or a library's it
	// uses), not necessarily the file's, and is to be reported.
	ErrInternal = errors.New("internal error")
	// ErrNotFound is returned for a path that does not exist, and for a sheet
	// named in [Options].Sheet that the workbook does not have.
	ErrNotFound = errors.New("not found")
)

// FileError says why a file, or one sheet of it, could not be read. Its
// message is the reason alone; Path (and Sheet) say where, Hint what to do.
type FileError struct {
	Path   string // the file as given to [Read]
	Sheet  string // the sheet, when the error concerns one sheet
	Kind   error  // one of the sentinels above, or the underlying I/O error
	Reason string // lower case, specific: "the zip's central directory is missing (the file was cut short)"
	Hint   string // what the user can do, or ""
}

// Error returns the reason.
func (e *FileError) Error() string { return e.Reason }

// Unwrap returns Kind, so that errors.Is(err, ErrLegacyXLS) works.
func (e *FileError) Unwrap() error { return e.Kind }
