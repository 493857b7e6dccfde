package header

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// Column is one column of a sheet as the matcher sees it: its header and
// some of the values below it.
type Column struct {
	Header string
	Values []string
	// Hints are what the reader already knows of the column's cells
	// (the workbook's date system).
	Hints contract.Hints
}

// maxSamples bounds the values of a column the matcher reads.
const maxSamples = 60

// HeaderFields counts the distinct fields that the cells of a row name
// clearly, from their text alone: a header row names several.
func (m *Matcher) HeaderFields(cells []string) int {
	seen := map[*contract.Field]bool{}
	for _, c := range cells {
		if strings.TrimSpace(c) == "" {
			continue
		}
		// An ambiguous header is still a header's word: it counts once.
		if f := m.cellField(c); f != nil {
			seen[f] = true
		}
	}
	return len(seen)
}

// Score returns the strength (0 to 1, 2 for a user's mapping) with which a
// header alone names its best field, and that field; nil when it names
// none.
func (m *Matcher) Score(h string) (*contract.Field, float64) {
	for _, c := range m.candidates(h) {
		if !c.partial {
			return c.field, c.score
		}
	}
	return nil, 0
}

// MatchSheet reads every column of one sheet: each column takes at most
// one field and each field at most one column, the best evidence winning.
// The result is indexed like cols.
func (m *Matcher) MatchSheet(cols []Column) []Match {
	type colState struct {
		cands    []candidate
		refuted  []candidate
		assigned int // index into cands, -1 when none
		lostTo   int // the column that took this column's best field, -1
	}
	st := make([]colState, len(cols))
	for i, col := range cols {
		s := &st[i]
		s.assigned, s.lostTo = -1, -1
		if strings.TrimSpace(col.Header) == "" {
			continue
		}
		vals := samples(col.Values)
		var byValues []candidate
		for _, c := range m.candidates(col.Header) {
			if c.method != ByUserMap {
				m.judge(&c, vals, col.Hints)
			}
			switch {
			case c.refuted != "":
				s.refuted = append(s.refuted, c)
			case c.partial && c.confirmed && discriminative(c.field) && c.score >= valueScore:
				byValues = append(byValues, c)
			case c.partial:
				s.refuted = append(s.refuted, c) // kept only as a suggestion
			default:
				s.cands = append(s.cands, c)
			}
		}
		sortCandidates(s.cands)
		// A vague header ("Passport" over HR, Self) is read through its
		// values only when no reading of its words holds.
		if len(byValues) > 0 && (len(s.cands) == 0 || s.cands[0].score < mapScore) {
			sortCandidates(byValues)
			c := byValues[0]
			if len(byValues) == 1 || byValues[1].score < c.score {
				c.method, c.score = ByValues, mapScore
				s.cands = append([]candidate{c}, s.cands...)
			}
		}
	}
	// Ambiguous columns: two fields within reach of each other, neither
	// confirmed by the values over the other.
	ambiguous := make([]bool, len(cols))
	for i := range st {
		cs := st[i].cands
		if len(cs) > 1 && cs[1].score >= mapScore && cs[0].score-cs[1].score < ambiguity && cs[0].method != ByUserMap {
			ambiguous[i] = true
		}
	}
	// Greedy assignment, best evidence first.
	type pair struct {
		col, cand int
		score     float64
	}
	var pairs []pair
	for i := range st {
		if ambiguous[i] {
			continue
		}
		for j, c := range st[i].cands {
			if c.score >= mapScore {
				pairs = append(pairs, pair{i, j, c.score})
			}
		}
	}
	slices.SortStableFunc(pairs, func(x, y pair) int {
		switch {
		case x.score > y.score:
			return -1
		case x.score < y.score:
			return 1
		}
		return x.col - y.col
	})
	owner := map[*contract.Field]int{}
	for _, p := range pairs {
		s := &st[p.col]
		if s.assigned >= 0 {
			continue
		}
		f := s.cands[p.cand].field
		if o, taken := owner[f]; taken {
			if p.cand == 0 {
				s.lostTo = o
			}
			continue
		}
		owner[f] = p.col
		s.assigned = p.cand
	}
	out := make([]Match, len(cols))
	for i := range st {
		s := &st[i]
		mt := &out[i]
		if s.assigned >= 0 {
			c := s.cands[s.assigned]
			mt.Field, mt.Method, mt.Score, mt.Hints, mt.Conversion = c.field, c.method, round2(c.score), c.hints, c.conversion
			for j, o := range s.cands {
				if j != s.assigned && o.field != c.field && o.score >= runnerUpScore && o.method != ByValues {
					mt.RunnerUp = &Choice{Field: o.field, Score: round2(o.score)}
					break
				}
			}
			if s.lostTo >= 0 {
				best := s.cands[0].field
				mt.Reason = fmt.Sprintf("%s went to column %d (%q), a closer match", best.Name, s.lostTo+1, cols[s.lostTo].Header)
			}
			continue
		}
		// Unmapped: say why, and what it is closest to.
		var sugg []candidate
		sugg = append(sugg, s.cands...)
		sugg = append(sugg, s.refuted...)
		sortCandidates(sugg)
		for _, c := range sugg {
			if !slices.Contains(mt.Suggestions, c.field) && len(mt.Suggestions) < 3 {
				mt.Suggestions = append(mt.Suggestions, c.field)
			}
		}
		switch {
		case ambiguous[i]:
			mt.Reason = fmt.Sprintf("ambiguous: could be %s or %s", s.cands[0].field.Name, s.cands[1].field.Name)
		case s.lostTo >= 0:
			mt.Reason = fmt.Sprintf("also reads as %s, which column %d (%q) matches better", s.cands[0].field.Name, s.lostTo+1, cols[s.lostTo].Header)
			mt.RunnerUp = &Choice{Field: s.cands[0].field, Score: round2(s.cands[0].score)}
		case len(s.cands) > 0 && s.cands[0].score < mapScore:
			mt.Reason = fmt.Sprintf("too little in common with %s", s.cands[0].field.Name)
		case len(s.refuted) > 0 && !s.refuted[0].partial:
			mt.Reason = s.refuted[0].refuted
		}
	}
	// A column that lost its field is the runner-up for it: the winner
	// names it.
	for i := range st {
		if st[i].lostTo >= 0 && out[i].Field == nil {
			w := &out[st[i].lostTo]
			if w.RunnerUp == nil {
				w.Reason = fmt.Sprintf("column %d (%q) also reads as %s; this one matches better", i+1, cols[i].Header, w.Field.Name)
			}
		}
	}
	return out
}

func round2(x float64) float64 { return float64(int(x*100+0.5)) / 100 }

// samples returns up to maxSamples non-blank values.
func samples(vals []string) []string {
	out := make([]string, 0, min(len(vals), maxSamples))
	for _, v := range vals {
		if strings.TrimSpace(v) == "" {
			continue
		}
		out = append(out, v)
		if len(out) == maxSamples {
			break
		}
	}
	return out
}

// discriminative reports whether a field's values say much about it: an
// enum's words, yes/no answers, dates. A column of numbers or free text
// could be many things.
func discriminative(f *contract.Field) bool {
	switch f.Type {
	case contract.Enum, contract.Bool, contract.Date:
		return true
	}
	return false
}

var (
	boolField = &contract.Field{Name: "answer", Type: contract.Bool}
	dateField = &contract.Field{Name: "date", Type: contract.Date}
	numField  = &contract.Field{Name: "number", Type: contract.Number}
)

// judge sets c.refuted or c.confirmed from the column's values. Values
// that read as the field confirm it. Values of another kind refute it:
// dates under a money header, words under an hours header, numbers under
// a yes/no question. Words the value vocabulary does not know, under a
// header that asks for words, refute nothing: they are read cell by cell
// and reported as data issues.
func (m *Matcher) judge(c *candidate, vals []string, base contract.Hints) {
	n, ok := 0, 0
	h := c.hints
	h.Date1904 = base.Date1904
	var kinds [valCount]int
	for _, raw := range vals {
		read, null := m.reads(c, raw, h)
		if null {
			continue
		}
		n++
		if read {
			ok++
		}
		kinds[kindOf(raw)]++
	}
	if n == 0 {
		return
	}
	rate := float64(ok) / float64(n)
	if c.field.Type == contract.Money && n >= minSamples && c.score < strongScore && kinds[valNumber] == 0 && !anyDigit(vals) {
		// Words only ("Employer", "Worker") under a header that only
		// half names an amount ("Visa fee paid by"): who paid, not how
		// much, though some words read as "nothing paid".
		c.refuted = "its values are words, not amounts of money for " + c.field.Name
		return
	}
	if m.countsRows(c, vals) {
		c.refuted = "its values count the rows (1, 2, 3 …): a serial number"
		return
	}
	major := valDate
	for k := range kinds {
		if kinds[k] > kinds[major] {
			major = valueKind(k)
		}
	}
	switch {
	case rate >= 0.8:
		c.confirmed = true
		c.score += confirmBonus
	case n >= minSamples && rate < 0.5 && !m.compatible(c, major, rate):
		c.refuted = fmt.Sprintf("its values are %s, not %s", valWords[major], typeWords(c))
	}
}

// valueKind is what a cell looks like, whatever its column.
type valueKind int

const (
	valDate valueKind = iota
	valNumber
	valAnswer // yes/no
	valWord
	valCount
)

var valWords = [valCount]string{"dates", "numbers", "yes/no answers", "words"}

func kindOf(raw string) valueKind {
	switch {
	case isDateText(raw):
		return valDate
	case func() bool { x, err := numField.Parse(raw, contract.Hints{}); return err == nil && x.Present }():
		if _, err := boolField.Parse(raw, contract.Hints{}); err == nil && !hasDigit(strings.Trim(raw, "01 ")) {
			if t := strings.TrimSpace(raw); t != "0" && t != "1" {
				return valAnswer
			}
		}
		return valNumber
	case func() bool { _, err := boolField.Parse(raw, contract.Hints{}); return err == nil }():
		return valAnswer
	}
	return valWord
}

// compatible reports whether values of kind k may still belong to the
// candidate's field, though they do not read as it.
func (m *Matcher) compatible(c *candidate, k valueKind, rate float64) bool {
	if c.hints.Yes != "" {
		return false // a yes/no question needs yes/no answers
	}
	f := c.field
	switch f.Type {
	case contract.Money, contract.Number, contract.Int:
		return false
	case contract.Duration:
		return k == valWord || k == valNumber
	case contract.Date:
		return false
	case contract.Bool:
		// Words the value vocabulary does not know may be answers in
		// house wording, if some of the column reads as answers:
		// "Approved, Pending" under "OT approval" is not one.
		return (k == valWord || k == valAnswer) && rate >= minAnswers
	case contract.Enum:
		return k == valWord
	}
	if fv := m.vocab.fields[f.Name]; fv != nil && fv.shape == "id" {
		return false
	}
	return k == valWord || k == valAnswer
}

// reads reports whether raw reads as the candidate's field, and whether it
// is a null ("N/A") that says nothing.
func (m *Matcher) reads(c *candidate, raw string, h contract.Hints) (read, null bool) {
	f := c.field
	if c.hints.Yes != "" {
		f = boolField
		h.Yes, h.No = "", ""
	}
	parse := func(f *contract.Field, h contract.Hints) (contract.Value, error) {
		v, err := f.Parse(raw, h)
		if err != nil && f.Type == contract.Date {
			for _, o := range []contract.DateOrder{contract.DayFirst, contract.MonthFirst} {
				h.DateOrder = o
				if v, err = f.Parse(raw, h); err == nil {
					break
				}
			}
		}
		return v, err
	}
	if f.Type == contract.Date && allDigits(strings.TrimSpace(raw)) && len(strings.TrimSpace(raw)) <= 4 {
		return false, false // a small number, not a date serial
	}
	if f.Type == contract.Bool && looksLikeTime(raw) {
		if fv := m.vocab.fields[f.Name]; fv == nil || !fv.clock {
			return false, false // a time of day answers a curfew or a night shift, not any question
		}
	}
	v, err := parse(f, h)
	if err == nil && !v.Present && v.Basis == contract.BasisNone {
		return false, true
	}
	if f.Type != contract.String {
		return err == nil, false
	}
	fv := m.vocab.fields[c.field.Name]
	shape := ""
	if fv != nil {
		shape = fv.shape
	}
	isDate := isDateText(raw)
	switch shape {
	case "id":
		return hasDigit(raw) && !isDate, false
	default:
		if isDate {
			return false, false
		}
		if _, err := numField.Parse(raw, contract.Hints{}); err == nil && hasDigit(raw) {
			return false, false
		}
		return true, false
	}
}

func isDateText(raw string) bool {
	if !hasDigit(raw) {
		return false
	}
	for _, o := range []contract.DateOrder{contract.DayFirst, contract.MonthFirst} {
		if v, err := dateField.Parse(raw, contract.Hints{DateOrder: o}); err == nil && v.Present {
			// A bare number is a date serial only in a date column.
			if !allDigits(strings.TrimSpace(raw)) {
				return true
			}
		}
	}
	return false
}

func hasDigit(s string) bool {
	return strings.IndexFunc(s, unicode.IsDigit) >= 0
}

// typeWords names what a field's values should be.
func typeWords(c *candidate) string {
	if c.hints.Yes != "" {
		return "yes/no answers for " + c.field.Name
	}
	switch c.field.Type {
	case contract.Money:
		return "amounts of money for " + c.field.Name
	case contract.Number, contract.Int, contract.Duration:
		return "numbers for " + c.field.Name
	case contract.Date:
		return "dates for " + c.field.Name
	case contract.Bool:
		return "yes/no answers for " + c.field.Name
	case contract.Enum:
		return "one of " + strings.Join(c.field.Values, ", ") + " for " + c.field.Name
	}
	return "values for " + c.field.Name
}

// countsRows reports a column of consecutive whole numbers, as a row
// counter holds: no identifier of a worker or contract.
func (m *Matcher) countsRows(c *candidate, vals []string) bool {
	fv := m.vocab.fields[c.field.Name]
	if fv == nil || fv.shape != "id" || len(vals) < 2 {
		return false
	}
	prev := -1
	for _, v := range vals {
		v = strings.TrimSpace(v)
		if !allDigits(v) || len(v) > 6 {
			return false
		}
		n := 0
		for i := 0; i < len(v); i++ {
			n = n*10 + int(v[i]-'0')
		}
		if prev < 0 && n > 1 || prev >= 0 && n != prev+1 {
			return false // a counter starts at 1 (or 0) and goes up by one
		}
		prev = n
	}
	return true
}

// looksLikeTime reports a time of day or a span of them: "22:00",
// "08:00-17:00", "10pm", "7am-7pm".
func looksLikeTime(raw string) bool {
	s := strings.ToLower(strings.TrimSpace(raw))
	for i := 0; i+2 < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' && (s[i+1] == ':' || s[i+1] == 'h') && s[i+2] >= '0' && s[i+2] <= '9' {
			return true
		}
		if s[i] >= '0' && s[i] <= '9' && (strings.HasPrefix(s[i+1:], "am") || strings.HasPrefix(s[i+1:], "pm") ||
			strings.HasPrefix(s[i+1:], " am") || strings.HasPrefix(s[i+1:], " pm")) {
			return true
		}
	}
	return false
}

// strongScore is the score from which a header names its field clearly
// enough that words alone below it ("Nil", "Company") are read as amounts.
const strongScore = 0.9

func anyDigit(vals []string) bool {
	for _, v := range vals {
		if hasDigit(v) {
			return true
		}
	}
	return false
}
