package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// Shared strings of the XLSX report.
//
// The texts of some table columns repeat from row to row: every finding of
// a rule carries its references (often the best part of a kilobyte), its
// remedy, indicator and severity, and every contract its file, sheet,
// supplier and status. Written inline, each copy is escaped, written and
// compressed again. A cell can instead name an entry of the workbook's
// shared-string table (xl/sharedStrings.xml), so that the text is written
// once.
//
// The table is made before any sheet is rendered, from what the report
// knows up front (its rules, inputs, sheets and suppliers, and the words
// laborcheck writes), and only read while the sheets render, concurrently,
// so that the same report gives the same file, byte for byte, whatever the
// order the sheets are rendered in. A text the table does not hold is
// written inline, as before. The table is bounded (maxSharedEntries,
// maxSharedBytes), so that a roster of a million distinct suppliers cannot
// make it grow without limit: past the bounds, texts are inline.
//
// An entry is rendered as an inline string is (see appendInlineText), from
// the text safeText makes of a cell's value: a spreadsheet program shows
// the same text, neutralised against formulas the same way, whichever way
// the cell is written.

// sharedStringsPart is where excelize keeps the workbook's shared strings.
const sharedStringsPart = "xl/sharedStrings.xml"

// shareTexts is unset by tests, for a workbook with every table text
// inline.
var shareTexts = true

// The bounds of the entries added to excelize's: their number, and the
// bytes of their XML. They are variables for tests.
var (
	maxSharedEntries = 1 << 16
	maxSharedBytes   = 8 << 20
)

// sharedStrings is the shared-string table of a workbook: the entries
// excelize wrote for the cells it wrote itself (Summary, Run), then those
// made for the streamed tables.
type sharedStrings struct {
	index map[string]sharedRef // a cell's value → its entry
	base  []byte               // excelize's entries, as it wrote them
	nBase int
	added []byte // the entries made here
	n     int    // entries in all
	// byXML finds an entry by its XML, so that two values shown as the
	// same text (excelize's and ours, or "=1" and "'=1") share one entry.
	byXML map[string]int
}

// newSharedStrings returns a table holding excelize's entries (part, the
// package's shared-strings part), to which texts are added with add. It
// fails if part is not a table it can read.
func newSharedStrings(part []byte) (*sharedStrings, error) {
	t := &sharedStrings{index: map[string]sharedRef{}, byXML: map[string]int{}}
	d := xml.NewDecoder(bytes.NewReader(part))
	depth, start, root := 0, int64(0), false
	var first, last int64 = -1, -1
	for {
		off := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			root = true
			switch {
			case depth == 1 && tok.Name.Local != "sst":
				return nil, errors.New("not a shared-string table")
			case depth == 2 && tok.Name.Local != "si":
				return nil, errors.New("shared-string table holds <" + tok.Name.Local + ">")
			case depth == 2:
				start = off
				if first < 0 {
					first = off
				}
			}
		case xml.EndElement:
			if depth == 2 {
				end := d.InputOffset()
				t.byXML[string(part[start:end])] = t.nBase
				t.nBase++
				last = end
			}
			depth--
		}
	}
	if !root {
		return nil, errors.New("empty shared-string table")
	}
	if first >= 0 {
		t.base = part[first:last]
	}
	t.n = t.nBase
	return t, nil
}

// add makes s, a cell's value, an entry of the table, unless the table is
// full. Values written as the same text share an entry.
func (t *sharedStrings) add(s string) {
	if s == "" {
		return
	}
	if _, ok := t.index[s]; ok {
		return
	}
	start := len(t.added)
	t.added = appendSharedEntry(t.added, s)
	si := t.added[start:]
	if i, ok := t.byXML[string(si)]; ok {
		// An entry already made, excelize's perhaps: it costs nothing
		// (excelize's entries are as many as the texts of the Summary and
		// Run sheets, which it holds anyway).
		t.added = t.added[:start]
		t.index[s] = sharedRef{s, i}
		return
	}
	if t.n-t.nBase >= maxSharedEntries || len(t.added) > maxSharedBytes {
		t.added = t.added[:start]
		return
	}
	t.byXML[string(si)] = t.n
	t.index[s] = sharedRef{s, t.n}
	t.n++
}

// appendSharedEntry appends the table entry of a cell's value s: the <si>
// element holding the text an inline string of s holds.
func appendSharedEntry(b []byte, s string) []byte {
	b = append(b, "<si>"...)
	b = appendInlineText(b, safeText(s))
	return append(b, "</si>"...)
}

// sharedRef is a value the table holds, as the table holds it, and its
// entry.
type sharedRef struct {
	s string
	i int
}

// lookup returns the entry of a cell's value s, if the table has one.
func (t *sharedStrings) lookup(s string) (sharedRef, bool) {
	if t == nil {
		return sharedRef{}, false
	}
	r, ok := t.index[s]
	return r, ok
}

// grown reports whether entries were added to excelize's.
func (t *sharedStrings) grown() bool { return t != nil && t.n > t.nBase }

// write writes the table as the shared-strings part. Its count of cells
// that refer to entries, optional, is left out: it would be known only
// once every sheet is written.
func (t *sharedStrings) write(w io.Writer) error {
	var b []byte
	b = append(b, xml.Header...)
	b = append(b, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="`...)
	b = strconv.AppendInt(b, int64(t.n), 10)
	b = append(b, `">`...)
	if _, err := w.Write(b); err != nil {
		return err
	}
	if _, err := w.Write(t.base); err != nil {
		return err
	}
	if _, err := w.Write(t.added); err != nil {
		return err
	}
	_, err := io.WriteString(w, `</sst>`)
	return err
}

// addReport adds to t the texts of r that repeat in the table sheets,
// the most useful first, in an order that depends on r alone: the words
// laborcheck writes, the texts of each rule, the inputs' files and sheets
// (and the sheets' headers, which name blank columns), then suppliers.
func (t *sharedStrings) addReport(r *Report) {
	for _, w := range []string{StatusFlagged, StatusClear, StatusInsufficient, StatusRuleError, "contract", ScopeSupplier} {
		t.add(w)
	}
	for _, w := range contract.Severities() {
		t.add(w)
	}
	for i := range r.Rules {
		ru := &r.Rules[i]
		t.add(ru.ID)
		t.add(ru.Indicator)
		t.add(ru.Severity)
		t.add(strings.Join(ru.References, "; "))
		t.add(ru.Remedy)
	}
	for i := range r.Inputs {
		in := &r.Inputs[i]
		t.add(in.Path)
		for j := range in.Sheets {
			t.add(in.Sheets[j].Name)
		}
	}
	for i := range r.Inputs {
		for _, sh := range r.Inputs[i].Sheets {
			for _, c := range sh.Mapped {
				t.add(c.Header)
			}
		}
	}
	for i := range r.Suppliers {
		// A supplier of one contract and no finding is written once.
		if s := &r.Suppliers[i]; s.Contracts+s.Findings > 1 {
			t.add(s.Name)
		}
	}
}
