package source

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/laborcheck/laborcheck/internal/xlsx"
)

// readZipFile reads a file that starts like a zip.
func (r *reader) readZipFile(sc *scan) error {
	f, err := r.open()
	if err != nil {
		r.in.Err = r.ioError(err)
		return nil
	}
	defer f.Close()
	zr, err := zip.NewReader(f, sc.size)
	if err != nil {
		r.in.Err = r.zipOpenError(sc.head, sc.size, err)
		return nil
	}
	return r.readPackage(zr)
}

// readOLE reads an OLE compound file of size bytes: an Excel 97-2003
// workbook, encrypted OOXML (with a password), or one of the legacy formats
// laborcheck reports.
func (r *reader) readOLE(size int64) error {
	f, err := r.open()
	if err != nil {
		r.in.Err = r.ioError(err)
		return nil
	}
	defer f.Close()
	st, err := scanOLE(f)
	if err != nil {
		r.in.Err = r.ioError(err)
		return nil
	}
	switch {
	case st.encrypted && r.opts.Password == "":
		r.in.Err = r.fileError(ErrEncrypted, "the workbook is encrypted with a password", "supply the password with -password")
		return nil
	case st.encrypted:
		return r.readEncrypted(f)
	case st.workbook:
		return r.readXLS(f, size)
	case st.word:
		r.in.Err = r.fileError(ErrUnsupported, "a legacy Word document, not a spreadsheet", "export the roster as .xlsx or .csv")
	case st.powerPoint:
		r.in.Err = r.fileError(ErrUnsupported, "a legacy PowerPoint file, not a spreadsheet", "export the roster as .xlsx or .csv")
	default:
		r.in.Err = r.fileError(ErrCorrupt, "an OLE compound file (the container of legacy Office files) in which no workbook can be found: damaged, or not a spreadsheet", hintResave)
	}
	return nil
}

// readEncrypted decrypts an encrypted workbook with the given password.
func (r *reader) readEncrypted(f file) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		r.in.Err = r.ioError(err)
		return nil
	}
	raw, err := io.ReadAll(f)
	if err != nil {
		r.in.Err = r.ioError(err)
		return nil
	}
	plain, err := excelize.Decrypt(raw, &excelize.Options{Password: r.opts.Password})
	if err != nil || len(plain) == 0 {
		reason := "the password does not open this workbook"
		if err != nil && !errors.Is(err, excelize.ErrWorkbookPassword) {
			reason = fmt.Sprintf("the encrypted workbook could not be decrypted (%v)", err)
		}
		r.in.Err = r.fileError(ErrEncrypted, reason, "check the -password value")
		return nil
	}
	zr, err := zip.NewReader(bytes.NewReader(plain), int64(len(plain)))
	if err != nil {
		// Standard encryption has no password check: a wrong password
		// decrypts to noise.
		r.in.Err = r.fileError(ErrEncrypted, "the password does not open this workbook", "check the -password value")
		return nil
	}
	r.in.Notes = append(r.in.Notes, "encrypted workbook: opened with the given password")
	return r.readPackage(zr)
}

// readPackage classifies a zip, checks it against the limits, reads its
// workbook structure and shared strings, and then its sheets.
func (r *reader) readPackage(zr *zip.Reader) error {
	format, ferr := r.classifyZip(zr)
	if ferr != nil {
		r.in.Err = ferr
		return nil
	}
	if ferr := r.checkZip(zr); ferr != nil {
		r.in.Err = ferr
		return nil
	}
	if format == FormatODS {
		return r.readODS(zr)
	}
	// The zip directory has been checked against r.lim; the reader's own
	// size checks are not needed again.
	x, err := xlsx.OpenZip(zr, xlsx.Limits{MaxInflated: -1, MaxRatio: -1})
	if err != nil {
		r.in.Err = r.workbookError(zr, err)
		return nil
	}
	defer x.Close()
	// A workbook whose shared strings cannot be read is refused whole,
	// before any contract is handed on.
	if _, err := x.SharedStrings(r.ctx); err != nil {
		if r.isCancel(err) {
			return err
		}
		r.in.Err = r.workbookError(zr, err)
		return nil
	}
	return r.readSheets(newWorkbook(x), format)
}

// workbookError explains why internal/xlsx refused a zip that looked like a
// workbook.
func (r *reader) workbookError(zr *zip.Reader, err error) *FileError {
	var se *xlsx.SharedStringsError
	switch {
	case errors.As(err, &se):
		return r.fileError(ErrTooLarge, "the workbook's shared strings could not be read: "+se.Error(), hintSplit)
	case errors.Is(err, xlsx.ErrXLSB):
		return r.fileError(ErrXLSB, "an Excel binary workbook (.xlsb)", "open it in Excel and save it as .xlsx (File > Save As > Excel Workbook)")
	case errors.Is(err, xlsx.ErrTooLarge):
		return r.fileError(ErrTooLarge, "the workbook could not be read: "+xlsxReason(err), hintSplit)
	}
	return r.diagnose(zr, errors.New(xlsxReason(err)))
}

// xlsxReason is the words of an internal/xlsx error without the package's
// own prefixes: "sheet "Data": row 3: cell reference "XFE3" is beyond the
// last column (XFD)".
func xlsxReason(err error) string {
	var (
		re *xlsx.RefError
		ee *xlsx.EntityError
	)
	msg := err.Error()
	switch {
	case errors.As(err, &re):
		return re.Error()
	case errors.As(err, &ee):
		return ee.Error()
	}
	for _, p := range []string{xlsx.ErrFormat.Error() + ": ", xlsx.ErrTooLarge.Error() + ": ", "xlsx: "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	// The sheet is named where the message is shown.
	if rest, ok := strings.CutPrefix(msg, "sheet "); ok {
		if i := strings.Index(rest, `": `); i >= 0 && strings.HasPrefix(rest, `"`) {
			msg = rest[i+3:]
		}
	}
	return msg
}

// readSheets reads the sheets of an opened workbook.
func (r *reader) readSheets(wb *workbook, format string) error {
	r.in.Format = format
	if wb.date1904 {
		r.in.Notes = append(r.in.Notes, "the workbook uses the 1904 date system")
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
			r.in.Err = r.fileError(ErrNotFound, fmt.Sprintf("the workbook has no sheet named %q", want), "its sheets are "+quoteList(names))
			return nil
		}
		sheets, forced = sheets[i:i+1], true
	}
	if len(sheets) == 0 {
		r.in.Err = r.fileError(ErrCorrupt, "the workbook lists no sheets", hintResave)
		return nil
	}
	for _, s := range sheets {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		if err := r.readSheet(wb, s, layout{date1904: wb.date1904, forced: forced}); err != nil {
			return err
		}
	}
	return nil
}

// findSheet finds a sheet by exact name, else ignoring case.
func findSheet(names []string, want string) (int, bool) {
	for i, n := range names {
		if n == want {
			return i, true
		}
	}
	for i, n := range names {
		if strings.EqualFold(n, want) {
			return i, true
		}
	}
	return -1, false
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// readSheet reads one sheet. A failure, even a panic, becomes the sheet's
// error.
func (r *reader) readSheet(wb *workbook, ws wbSheet, lay layout) (err error) {
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
	case "worksheet":
	case "chartsheet":
		sh.Skipped = "a chart sheet: no cells"
		return nil
	case "dialogsheet", "macrosheet", "xlMacrosheet", "xlIntlMacrosheet":
		sh.Skipped = "a dialog or macro sheet, not a table"
		return nil
	}
	if ws.part == "" {
		sh.Err = &FileError{Path: r.path, Sheet: ws.name, Kind: ErrCorrupt,
			Reason: fmt.Sprintf("sheet %q has no part in the workbook's relationships", ws.name), Hint: hintResave}
		return nil
	}
	if ws.missing {
		sh.Err = &FileError{Path: r.path, Sheet: ws.name, Kind: ErrCorrupt,
			Reason: fmt.Sprintf("sheet %q is missing from the file (no part %q)", ws.name, ws.part), Hint: hintResave}
		return nil
	}
	src := r.openSheet(wb, ws)
	defer src.Close()
	return r.readTable(sh, src, lay)
}

func isBlank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
