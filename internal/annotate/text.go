package annotate

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// textWorkbook reads a CSV or TSV file into a new workbook of one sheet,
// named after the file, each record on the row of the line it starts on
// (as the report numbers contracts) and every cell a text cell, so that
// nothing in the file becomes a formula or a number it was not. It reads
// the file as laborcheck does: a byte-order mark or UTF-16, else UTF-8,
// else Windows-1252; lines ended by a lone carriage return; an Excel
// "sep=" first line; the delimiter that splits the records most
// consistently.
func textWorkbook(path, format string) (*excelize.File, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	text, err := decodeText(data)
	if err != nil {
		return nil, "", err
	}
	text = loneCRs(text)
	offset := 0
	comma := rune(0)
	if line, rest, _ := strings.Cut(text, "\n"); line != "" {
		l := strings.Trim(strings.TrimRight(line, "\r"), `"`)
		if len(l) >= 5 && strings.EqualFold(l[:4], "sep=") && utf8.RuneCountInString(l[4:]) == 1 {
			comma, _ = utf8.DecodeRuneInString(l[4:])
			text, offset = rest, 1
		}
	}
	if comma == 0 {
		comma = sniffDelimiter(text, format == "tsv")
	}
	f := excelize.NewFile()
	sheet := sheetNameFor(path)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		f.Close()
		return nil, "", err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = comma
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	width := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			f.Close()
			return nil, "", err
		}
		line, _ := cr.FieldPos(0)
		row := line + offset
		width = max(width, len(rec))
		if err := reserveStatus(f, sheet, row, width+1); err != nil {
			f.Close()
			return nil, "", err
		}
		for i, v := range rec {
			if v == "" {
				continue
			}
			cell, err := excelize.CoordinatesToCellName(i+1, row)
			if err != nil {
				f.Close()
				return nil, "", err
			}
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				f.Close()
				return nil, "", err
			}
		}
	}
	return f, sheet, nil
}

// decodeText turns a text file's bytes into UTF-8.
func decodeText(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		out, _, err := transform.Bytes(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder(), data)
		return string(out), err
	default:
		if order, ok := utf16Order(data); ok {
			out, _, err := transform.Bytes(unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder(), data)
			return string(out), err
		}
	}
	if utf8.Valid(data) {
		return string(data), nil
	}
	out, _, err := transform.Bytes(charmap.Windows1252.NewDecoder(), data)
	return string(out), err
}

// utf16Order recognises UTF-16 without a byte-order mark by its zero bytes.
func utf16Order(data []byte) (unicode.Endianness, bool) {
	n := min(len(data), 4096) &^ 1
	if n < 8 {
		return unicode.BigEndian, false
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if data[i] == 0 {
			even++
		}
		if data[i+1] == 0 {
			odd++
		}
	}
	pairs := n / 2
	switch {
	case odd*10 >= pairs*4 && even*20 < pairs:
		return unicode.LittleEndian, true
	case even*10 >= pairs*4 && odd*20 < pairs:
		return unicode.BigEndian, true
	}
	return unicode.BigEndian, false
}

// loneCRs turns a carriage return that no line feed follows into a line
// feed.
func loneCRs(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\r' && (i+1 == len(s) || s[i+1] != '\n') {
			b.WriteByte('\n')
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// sniffDelimiter picks the delimiter that splits the first records into
// the most consistent number of fields, more fields breaking ties.
func sniffDelimiter(text string, preferTab bool) rune {
	sample := text
	if len(sample) > 64<<10 {
		sample = sample[:64<<10]
		if i := strings.LastIndexByte(sample, '\n'); i > 0 {
			sample = sample[:i+1]
		}
	}
	best, bestCons, bestMode := ',', -1, 0
	if preferTab {
		best = '\t'
	}
	for _, d := range []rune{',', ';', '\t', '|'} {
		cr := csv.NewReader(bufio.NewReader(strings.NewReader(sample)))
		cr.Comma, cr.LazyQuotes, cr.FieldsPerRecord = d, true, -1
		counts := map[int]int{}
		n := 0
		for n < 100 {
			rec, err := cr.Read()
			if err != nil {
				break
			}
			if blank(rec) {
				continue
			}
			counts[len(rec)]++
			n++
		}
		mode, top := 0, 0
		for k, c := range counts {
			if c > top || c == top && k > mode {
				mode, top = k, c
			}
		}
		if n == 0 || mode < 2 {
			continue
		}
		cons := top * 20 / n
		if preferTab && d == '\t' && cons >= 10 {
			return '\t'
		}
		if cons > bestCons || cons == bestCons && mode > bestMode {
			best, bestCons, bestMode = d, cons, mode
		}
	}
	return best
}

// blank reports a record whose every cell is blank.
func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// sheetNameFor names the sheet of a text file's copy after the file: at
// most 31 characters, none of those a sheet name cannot hold.
func sheetNameFor(path string) string {
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(name, "'")
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	if strings.TrimSpace(name) == "" || strings.EqualFold(name, "laborcheck") {
		name = "Roster"
	}
	return name
}
