package report

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// safeText neutralises a text cell for CSV and XLSX so that a spreadsheet
// program never reads it as a formula (OWASP "CSV injection", ASVS 1.2.10):
// text that begins with '=', '+', '-', '@', a tab, CR or LF gets a leading
// single quote. Every string from a roster goes through it, including
// strings that happen to look like numbers ("+1", "-2"); numbers the report
// holds as numbers (row numbers, counts) are written as numbers instead and
// never pass through here.
func safeText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + s
	}
	return s
}

// severityRank orders severity words: critical is 5, info 1, anything else 0.
func severityRank(s string) int {
	sev, _ := contract.ParseSeverity(s)
	return int(sev)
}

// count is one labelled number of a breakdown.
type count struct {
	Name string
	N    int
}

// severityCounts lists findings by severity, every severity word in order
// (highest first, zero included), then any other keys sorted by name.
func severityCounts(m map[string]int) []count {
	words := contract.Severities()
	out := make([]count, 0, len(words))
	for _, w := range words {
		out = append(out, count{w, m[w]})
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if severityRank(k) == 0 {
			out = append(out, count{k, m[k]})
		}
	}
	return out
}

// indicatorCounts lists the non-zero entries of m, most findings first,
// ties by name.
func indicatorCounts(m map[string]int) []count {
	out := make([]count, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if m[k] != 0 {
			out = append(out, count{k, m[k]})
		}
	}
	slices.SortStableFunc(out, func(a, b count) int { return cmp.Compare(b.N, a.N) })
	return out
}

// evidenceField is one entry of a finding's evidence, in field order.
type evidenceField struct {
	Field      string
	Value      string // the typed value as text; "" when absent
	Shown      string // the typed value for people (see displayValue)
	Raw        string // the cell text
	Derived    bool
	Absent     bool
	Header     string // the roster's header of the column read, when known
	Column     string // the roster's column letter (for CSV, its number), when known
	At         string // the cell on the finding's row ("K5"), set where the row is known
	Conversion string // what reading the column took ("inverted: …")
	Currency   string // an amount's currency code
}

// Name is how the evidence names its value: the roster's own header when
// the value was read from a column, else the field.
func (e evidenceField) Name() string {
	if e.Header != "" {
		return e.Header
	}
	return fieldWords(e.Field)
}

// fieldWords writes a field with no column in the roster (a derived one,
// mostly) as words: "recruitment costs months of wage".
func fieldWords(field string) string { return strings.ReplaceAll(field, "_", " ") }

// evidenceFields returns the evidence sorted by field name.
func evidenceFields(ev map[string]Evidence) []evidenceField {
	out := make([]evidenceField, 0, len(ev))
	for _, k := range slices.Sorted(maps.Keys(ev)) {
		e := ev[k]
		out = append(out, evidenceField{
			Field:      k,
			Value:      formatValue(e.Value),
			Shown:      displayValue(k, e),
			Raw:        e.Raw,
			Derived:    e.Derived,
			Absent:     e.Value == nil,
			Header:     e.Header,
			Column:     e.Column,
			Conversion: e.Conversion,
			Currency:   e.Currency,
		})
	}
	return out
}

// Cell names the cell the value was read from on row, as a spreadsheet
// shows it: "K5" (a CSV file's numbered column 11 is K too); "" when the
// value was not read from a column.
func (e evidenceField) Cell(row int) string {
	return cellRef(e.Column, row)
}

// CellRef is the reference of the cell in column (a letter, or a number for
// CSV) on row as a spreadsheet shows it ("K5"); "" without a column.
func CellRef(column string, row int) string { return cellRef(column, row) }

func cellRef(column string, row int) string {
	switch {
	case column == "":
		return ""
	case row <= 0:
		return column
	case strings.Trim(column, "0123456789") == "":
		// A CSV column, numbered: named by the letter a spreadsheet
		// shows for it when the file is opened.
		if n, err := strconv.Atoi(column); err == nil && n > 0 {
			return columnLetter(n) + strconv.Itoa(row)
		}
		return fmt.Sprintf("column %s, row %d", column, row)
	}
	return column + strconv.Itoa(row)
}

// appendCellRef appends cellRef(column, row) for a column that is not "".
func appendCellRef(b []byte, column string, row int) []byte {
	if row <= 0 {
		return append(b, column...)
	}
	for i := 0; i < len(column); i++ {
		if c := column[i]; c < '0' || c > '9' {
			b = append(b, column...)
			return strconv.AppendInt(b, int64(row), 10)
		}
	}
	return append(b, cellRef(column, row)...)
}

// columnLetter is the spreadsheet letter of 1-based column n: 1 A, 27 AA.
func columnLetter(n int) string {
	var b []byte
	for n > 0 {
		n--
		b = append([]byte{byte('A' + n%26)}, b...)
		n /= 26
	}
	return string(b)
}

// evidenceText renders evidence as "name (cell)=text; name (cell)=text",
// sorted by field: the name is the roster's header (else the field), the
// cell the one it was read from on row, and the text the cell as written.
// A derived value has no cell of its own: its value is shown for people
// ("91.9%", "TWD 25,250") with how it was derived; so is a value without
// cell text (a supplier-level figure). An amount whose cell does not name
// its currency is followed by the amount with its currency.
func evidenceText(ev map[string]Evidence, row int) string {
	if len(ev) == 0 {
		return ""
	}
	var kb [8]string
	keys := sortedEvidenceKeys(kb[:0], ev)
	b := make([]byte, 0, 48*len(keys))
	for i, k := range keys {
		e := ev[k]
		if i > 0 {
			b = append(b, "; "...)
		}
		if e.Header != "" {
			b = append(b, e.Header...)
		} else {
			for i := range len(k) {
				if k[i] == '_' {
					b = append(b, ' ')
				} else {
					b = append(b, k[i])
				}
			}
		}
		if e.Column != "" {
			b = append(b, " ("...)
			b = appendCellRef(b, e.Column, row)
			b = append(b, ')')
		}
		b = append(b, '=')
		switch {
		case e.Derived && e.Raw == "":
			b = append(b, displayValue(k, e)...)
			b = append(b, " (derived)"...)
		case e.Derived:
			if shown := displayValue(k, e); shown != "" {
				b = append(b, shown...)
				if how, ok := strings.CutPrefix(e.Raw, "derived: "); ok {
					b = append(b, " (derived: "...)
					b = append(b, how...)
					b = append(b, ')')
				} else {
					b = append(b, " (derived)"...)
				}
				break
			}
			b = append(b, e.Raw...)
			b = append(b, " (derived)"...)
			b = appendCurrencyNote(b, k, e)
		case e.Raw == "":
			b = append(b, displayValue(k, e)...)
		default:
			b = append(b, e.Raw...)
			b = appendCurrencyNote(b, k, e)
		}
		if e.Conversion != "" {
			b = append(b, " ("...)
			b = append(b, e.Conversion...)
			b = append(b, ')')
		}
	}
	return string(b)
}

// appendCurrencyNote appends " (USD 1,200)", the amount with its
// currency, when the cell text e.Raw does not name the currency.
func appendCurrencyNote(b []byte, field string, e Evidence) []byte {
	if e.Currency == "" || containsUpper(e.Raw, e.Currency) {
		return b
	}
	b = append(b, " ("...)
	b = append(b, displayValue(field, e)...)
	return append(b, ')')
}

// containsUpper reports whether strings.ToUpper(s) contains sub, without
// building the upper-case copy when s is ASCII.
func containsUpper(s, sub string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.Contains(strings.ToUpper(s), sub)
		}
	}
	n := len(sub)
outer:
	for i := 0; i+n <= len(s); i++ {
		for j := range n {
			c := s[i+j]
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			if c != sub[j] {
				continue outer
			}
		}
		return true
	}
	return false
}

// sortedEvidenceKeys appends the keys of ev to keys, sorted.
func sortedEvidenceKeys(keys []string, ev map[string]Evidence) []string {
	for k := range ev {
		keys = append(keys, k)
	}
	if len(keys) > 8 {
		slices.Sort(keys)
		return keys
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// formatValue renders an evidence value: numbers without exponent or
// trailing zeros, booleans as true/false, nil as "".
func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	default:
		return strings.TrimSpace(strings.ReplaceAll(fmt.Sprint(v), "\n", " "))
	}
}

// location is "file:sheet:row", or "file:row" for a CSV file (no sheet).
func location(file, sheet string, row int) string {
	if sheet == "" {
		return file + ":" + strconv.Itoa(row)
	}
	return file + ":" + sheet + ":" + strconv.Itoa(row)
}

// deref returns *s, or "" for nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// sheetStatus says how a sheet was read: "read", "skipped" or "error".
func sheetStatus(s Sheet) string {
	switch {
	case s.Error != nil:
		return "error"
	case s.Skipped != "":
		return "skipped"
	}
	return "read"
}

// findingsByContract indexes findings by the contract they belong to, so
// writers can list a contract's findings in report order.
type contractKey struct {
	File, Sheet string
	Row         int
}

// findingsByContract maps each contract to its own findings; supplier-level
// findings, which point at the first contract they concern, are left out.
func findingsByContract(fs []Finding) map[contractKey][]int {
	m := make(map[contractKey][]int)
	for i, f := range fs {
		if f.Scope != ScopeContract {
			continue
		}
		k := contractKey{f.File, f.Sheet, f.Row}
		m[k] = append(m[k], i)
	}
	return m
}

// sheetColumns returns a sheet's mapped and unmapped columns together in
// column order (A … Z, AA …; or 1, 2, … 10 for CSV).
func sheetColumns(s Sheet) []Column {
	cols := make([]Column, 0, len(s.Mapped)+len(s.Unmapped))
	cols = append(cols, s.Mapped...)
	for _, c := range s.Unmapped {
		c.Field = ""
		cols = append(cols, c)
	}
	slices.SortStableFunc(cols, func(a, b Column) int {
		return cmp.Or(cmp.Compare(len(a.Column), len(b.Column)), cmp.Compare(a.Column, b.Column))
	})
	return cols
}

// scopeWord names a finding's scope: "contract" for a contract's own
// finding, else the scope ("supplier").
func scopeWord(f *Finding) string {
	if f.Scope == ScopeContract {
		return "contract"
	}
	return f.Scope
}

// waiverText describes the waiver that covers f, or "" when none does:
// "reason (approved by …, expires …; file:line)".
func waiverText(f *Finding) string {
	if !f.Waived {
		return ""
	}
	var meta []string
	if f.WaiverApprovedBy != "" {
		meta = append(meta, "approved by "+f.WaiverApprovedBy)
	}
	if f.WaiverExpires != "" {
		meta = append(meta, "expires "+f.WaiverExpires)
	}
	text := cmp.Or(f.WaiverReason, "waived")
	if len(meta) > 0 || f.WaiverSource != "" {
		text += " (" + strings.Join(meta, ", ")
		if f.WaiverSource != "" {
			if len(meta) > 0 {
				text += "; "
			}
			text += f.WaiverSource
		}
		text += ")"
	}
	return text
}

// contractsConcerned is how many contracts a finding concerns: one for a
// contract's own finding.
func contractsConcerned(f *Finding) int {
	if f.Scope == ScopeContract {
		return 1
	}
	return max(f.ContractsTotal, len(f.Contracts))
}

// displayWidth is how many columns s takes in a terminal or a fixed-width
// estimate: two for East Asian wide and full-width characters (Chinese,
// Japanese, Korean names), one for the rest.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	switch {
	case r >= 0x1100 && r <= 0x115F, // Hangul Jamo
		r >= 0x2E80 && r <= 0xA4CF && r != 0x303F, // CJK radicals … Yi
		r >= 0xAC00 && r <= 0xD7A3,                // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF,                // CJK compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F,                // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFF60,                // full-width forms
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x20000 && r <= 0x3FFFD: // CJK extension planes
		return 2
	}
	return 1
}

// truncateWidth shortens s to at most n columns (see displayWidth), ending
// in "…" when cut.
func truncateWidth(s string, n int) string {
	if displayWidth(s) <= n {
		return s
	}
	w := 0
	for i, r := range s {
		if w+runeWidth(r) > n-1 {
			return s[:i] + "…"
		}
		w += runeWidth(r)
	}
	return s
}

// percent renders a share as people read it: one decimal at most, none
// when it is whole ("71.4%", "30%", "0.5%").
func percent(share float64) string {
	p := math.Round(share*1000) / 10
	return strconv.FormatFloat(p, 'f', -1, 64) + "%"
}

// severityWeights are the points a finding adds to its supplier's risk
// score, by severity.
var severityWeights = map[string]float64{"critical": 10, "high": 5, "medium": 2, "low": 1, "info": 0}

// coercionIndicators are the ILO indicators that show a menace of penalty
// or a worker held against their will, rather than poor conditions alone:
// retained documents, debt, withheld wages, restricted movement, threats and
// violence. They count double in a supplier's risk score.
var coercionIndicators = map[string]bool{
	"retention_of_identity_documents": true, "debt_bondage": true, "withholding_of_wages": true,
	"restriction_of_movement": true, "intimidation_and_threats": true, "physical_and_sexual_violence": true,
}

// RiskWeight is what one finding adds to its supplier's risk score:
// critical 10, high 5, medium 2, low 1, info 0, doubled for a coercion
// indicator. The score is the sum over the supplier's findings divided by
// its contracts, so a large supplier with a few findings ranks below a
// small one where most workers are flagged.
func RiskWeight(severity, indicator string) float64 {
	w := severityWeights[severity]
	if coercionIndicators[indicator] {
		w *= 2
	}
	return w
}
