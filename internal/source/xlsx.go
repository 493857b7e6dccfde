package source

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	kflate "github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"
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

// inflate is the zip decompressor for Deflate parts: klauspost's inflater
// gives the same bytes as compress/flate, markedly faster.
func inflate(r io.Reader) io.ReadCloser { return kflate.NewReader(r) }

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
// workbook structure and then its sheets.
func (r *reader) readPackage(zr *zip.Reader) error {
	zr.RegisterDecompressor(zip.Deflate, inflate)
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
	wb, err := openStructure(zr)
	if err != nil {
		r.in.Err = r.diagnose(zr, err)
		return nil
	}
	// Worksheets of a workbook on disk are read by the fast reader, which
	// loads the shared strings itself; otherwise they are read now, as a
	// workbook whose shared strings cannot be read is refused whole.
	fast := r.openFast(wb)
	if fast != nil {
		defer fast.close()
	} else if err := wb.loadSST(); err != nil {
		r.in.Err = r.diagnose(zr, err)
		return nil
	}
	notes := len(r.in.Notes)
	err = r.readSheets(wb, fast, format)
	if errors.Is(err, errRefuse) {
		// The shared strings could not be read after all, before any
		// contract was handed on: refuse the file as the slow path does.
		r.in.Notes, r.in.Sheets, r.in.Format = r.in.Notes[:notes], nil, ""
		r.in.Err = r.diagnose(zr, wb.sstErr)
		return nil
	}
	return err
}

// errRefuse stops reading a workbook that must be refused whole.
var errRefuse = errors.New("refuse the workbook")

// readSheets reads the sheets of an opened workbook.
func (r *reader) readSheets(wb *workbook, fast *fastBook, format string) error {
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
		if err := r.readSheet(wb, fast, s, layout{date1904: wb.date1904, forced: forced}); err != nil {
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
func (r *reader) readSheet(wb *workbook, fast *fastBook, ws wbSheet, lay layout) (err error) {
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
	if _, ok := wb.parts[ws.part]; !ok {
		sh.Err = &FileError{Path: r.path, Sheet: ws.name, Kind: ErrCorrupt,
			Reason: fmt.Sprintf("sheet %q is missing from the file (no part %q)", ws.name, ws.part), Hint: hintResave}
		return nil
	}
	if fast != nil && fast.names[ws.name] {
		src := r.openFastSheet(fast, wb, ws)
		defer src.Close()
		err := r.readTable(sh, src, lay)
		if src.sstErr != nil && r.emitted == 0 {
			return errRefuse
		}
		return err
	}
	src, err := wb.openSheet(r.ctx, ws.part, r.lim.MaxCells, r.path, ws.name)
	if err != nil {
		sh.Err = r.sheetError(ws.name, err)
		return nil
	}
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
