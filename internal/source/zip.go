package source

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// zipPart is one entry of a zip directory, its name normalised for matching:
// lower case, forward slashes, no leading slash.
type zipPart struct {
	name string
	f    *zip.File
}

func zipParts(zr *zip.Reader) []zipPart {
	parts := make([]zipPart, 0, len(zr.File))
	for _, f := range zr.File {
		n := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		parts = append(parts, zipPart{name: strings.TrimPrefix(n, "/"), f: f})
	}
	return parts
}

// classifyZip says what kind of document a zip container holds, from the
// names of its parts: an Excel workbook (xlsx or, with macros, xlsm), an
// OpenDocument spreadsheet (ods), or one of the kinds laborcheck does not
// read, as a *FileError.
func (r *reader) classifyZip(zr *zip.Reader) (string, *FileError) {
	parts := zipParts(zr)
	has := func(name string) bool {
		for _, p := range parts {
			if p.name == name {
				return true
			}
		}
		return false
	}
	var workbook, worksheets, macros bool
	for _, p := range parts {
		switch {
		case p.name == "xl/workbook.bin":
			return "", r.fileError(ErrXLSB, "an Excel binary workbook (.xlsb)", "open it in Excel and save it as .xlsx (File > Save As > Excel Workbook)")
		case strings.HasSuffix(p.name, "workbook.xml"):
			workbook = true
		case strings.HasPrefix(p.name, "xl/worksheets/"):
			worksheets = true
		case p.name == "xl/vbaproject.bin":
			macros = true
		}
	}
	if has("mimetype") || has("content.xml") && has("meta-inf/manifest.xml") {
		if mt := readSmallPart(parts, "mimetype"); mt == "" || strings.Contains(mt, "opendocument.spreadsheet") {
			return FormatODS, nil
		}
		return "", r.fileError(ErrUnsupported, "an OpenDocument file that is not a spreadsheet", "export the roster as .xlsx or .csv")
	}
	if has("index/document.iwa") || has("index.zip") {
		return "", r.fileError(ErrUnsupported, "an Apple Numbers document", hintNumbers)
	}
	if workbook || worksheets && has("[content_types].xml") {
		if macros || r.ext == ".xlsm" || r.ext == ".xltm" {
			return FormatXLSM, nil
		}
		return FormatXLSX, nil
	}
	switch {
	case has("word/document.xml"):
		return "", r.fileError(ErrUnsupported, "a Word document, not a spreadsheet", "export the roster as .xlsx or .csv")
	case has("ppt/presentation.xml"):
		return "", r.fileError(ErrUnsupported, "a PowerPoint presentation, not a spreadsheet", "export the roster as .xlsx or .csv")
	case len(parts) == 0:
		return "", r.fileError(ErrEmpty, "an empty zip archive", "")
	}
	return "", r.fileError(ErrUnsupported, fmt.Sprintf("a zip archive of %s, not a workbook", plural(len(parts), "file", "files")), "unzip it and scan the files inside")
}

// readSmallPart returns the text of a part of at most 1 KiB, or "".
func readSmallPart(parts []zipPart, name string) string {
	for _, p := range parts {
		if p.name != name || p.f.UncompressedSize64 > 1024 {
			continue
		}
		rc, err := p.f.Open()
		if err != nil {
			return ""
		}
		defer rc.Close()
		b, _ := io.ReadAll(io.LimitReader(rc, 1024))
		return string(b)
	}
	return ""
}

// partInMemoryLimit bounds the shared strings, the one part the reader
// holds in memory whole (worksheets are streamed).
const partInMemoryLimit = 256 << 20

// ratioFloor is the size from which a part's compression ratio is checked:
// small parts compress well and can do no harm.
const ratioFloor = 1 << 20

// isXMLPart reports the parts the reader may inflate: XML and relationship
// parts. Images and other media are never read, so their sizes and ratios
// (a blank bitmap compresses a thousand times) do not matter.
func isXMLPart(name string) bool {
	return strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels")
}

// checkZip applies the zip-bomb limits to the sizes the zip directory
// declares for the parts the reader may inflate. (archive/zip fails a part
// that inflates past its declared size, so the declared sizes bound the real
// ones.)
func (r *reader) checkZip(zr *zip.Reader) *FileError {
	var total uint64
	seen := map[string]bool{}
	for _, p := range zipParts(zr) {
		if !isXMLPart(p.name) {
			continue
		}
		if seen[p.name] {
			// Excel, LibreOffice and other readers show the last copy, and
			// a reader that took the first would review what nobody sees.
			return r.fileError(ErrCorrupt, fmt.Sprintf("the workbook holds two parts named %q; spreadsheet programs show one of them, so what would be reviewed may not be what people see", p.f.Name),
				"open it in Excel or LibreOffice, check it, and save it again as .xlsx")
		}
		seen[p.name] = true
		f := p.f
		size := f.UncompressedSize64
		total += size
		if total > uint64(r.lim.MaxInflated) {
			return r.fileError(ErrTooLarge, fmt.Sprintf("the workbook would inflate to over %s (its zip directory declares %s or more)",
				byteSize(r.lim.MaxInflated), byteSize(int64(min(total, 1<<62)))), hintSplit)
		}
		if size >= ratioFloor {
			ratio := float64(size) / float64(max(f.CompressedSize64, 1))
			if ratio > r.lim.MaxRatio {
				return r.fileError(ErrTooLarge, fmt.Sprintf("part %q would inflate %.0f times, to %s from %s: the file looks like a zip bomb",
					f.Name, ratio, byteSize(int64(min(size, 1<<62))), byteSize(int64(f.CompressedSize64))), "do not open this file; ask the sender for the roster again")
			}
		}
		if size > partInMemoryLimit && strings.HasSuffix(p.name, "sharedstrings.xml") {
			return r.fileError(ErrTooLarge, fmt.Sprintf("the workbook's shared strings would inflate to %s, over the %s the reader holds in memory",
				byteSize(int64(min(size, 1<<62))), byteSize(partInMemoryLimit)), hintSplit)
		}
	}
	return nil
}

// zipOpenError explains why a file that starts like a zip has no readable
// zip directory.
func (r *reader) zipOpenError(head []byte, size int64, err error) *FileError {
	switch {
	case errors.Is(err, zip.ErrAlgorithm):
		return r.fileError(ErrUnsupported, "the zip uses a compression method laborcheck cannot inflate", hintResave)
	case bytes.HasPrefix(head, magicZipE) && size <= 22:
		return r.fileError(ErrEmpty, "an empty zip archive", "")
	case errors.Is(err, zip.ErrFormat):
		return r.fileError(ErrCorrupt, "the file starts like a zip (xlsx) but its zip directory is missing or damaged: it was probably cut short by an incomplete download or copy", "get the file again from its sender")
	}
	return r.fileError(ErrCorrupt, "the zip container could not be read: "+err.Error(), "get the file again from its sender")
}

// diagnose explains why the workbook reader refused a zip that looked like a
// workbook: a part that fails its checksum, or else the reader's own words.
func (r *reader) diagnose(zr *zip.Reader, openErr error) *FileError {
	for _, p := range zipParts(zr) {
		if !isXMLPart(p.name) {
			continue
		}
		if err := checkPart(p.f); err != nil {
			why := err.Error()
			switch {
			case errors.Is(err, zip.ErrChecksum):
				why = "its checksum does not match"
			case errors.Is(err, zip.ErrFormat), errors.Is(err, io.ErrUnexpectedEOF):
				why = "its data does not match the zip directory"
			}
			return r.fileError(ErrCorrupt, fmt.Sprintf("part %q of the workbook is damaged: %s", p.f.Name, why), "get the file again from its sender, or "+hintResave)
		}
	}
	return r.fileError(ErrCorrupt, "the workbook could not be read: "+openErr.Error(), hintResave)
}

// checkPart inflates one part, discarding it, to verify its checksum.
func checkPart(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}
