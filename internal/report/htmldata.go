package report

import (
	"bufio"
	"strconv"
	"strings"
)

// The HTML report's data islands: <script type="application/json">
// elements that hold every finding and every contract that is not clear, in
// report order, for the page's script to page, filter and search. A browser
// does not run them, so the Content-Security-Policy needs no change.
//
//   - lc-strings: every string the other islands use, once; they refer to
//     a string by its number (0 is "").
//   - lc-findings: one array per finding: severity, indicator, rule, title,
//     message, file, sheet, row, contract, worker ID, worker name, supplier,
//     evidence (a list of [name, field, value, cell text, flags (1 derived,
//     2 absent), conversion, cell reference]), references, scope (0
//     contract, 1 supplier), contracts concerned, their locations, waiver,
//     remedy.
//   - lc-contracts: one array per contract that is flagged, has
//     insufficient data or a rule error: file, sheet, row, contract, worker
//     ID, worker name, supplier, status, risk, findings, rules checked,
//     blank columns, missing lookups, rule errors.
//   - lc-rules: [id, title, remedy, indicator, severity, references] per
//     rule.
//
// Strings are JSON strings with '<', '>', '&' and the line separators
// escaped, so no roster text can end the element or start markup.

// islandWriter writes the islands, numbering strings as it goes.
type islandWriter struct {
	w    *bufio.Writer
	ids  map[string]int
	strs []string
	b    []byte
	refs joiner
	miss joiner
	look joiner
}

func writeIslands(w *bufio.Writer, r *Report) error {
	iw := &islandWriter{w: w, ids: map[string]int{"": 0}, strs: []string{""},
		refs: joiner{sep: " · "}, miss: joiner{sep: ", "}, look: joiner{sep: "; "}}
	w.WriteString("<script type=\"application/json\" id=\"lc-findings\">[")
	n := 0
	err := r.eachFinding(func(f *Finding) error {
		if n > 0 {
			w.WriteByte(',')
		}
		if n%64 == 0 {
			w.WriteByte('\n')
		}
		n++
		_, err := w.Write(iw.finding(f))
		return err
	}, true)
	if err != nil {
		return err
	}
	w.WriteString("]</script>\n<script type=\"application/json\" id=\"lc-contracts\">[")
	n = 0
	err = r.eachContract(func(c *Contract) error {
		if c.Status == StatusClear {
			return nil
		}
		if n > 0 {
			w.WriteByte(',')
		}
		if n%64 == 0 {
			w.WriteByte('\n')
		}
		n++
		_, err := w.Write(iw.contract(c))
		return err
	}, true)
	if err != nil {
		return err
	}
	w.WriteString("]</script>\n<script type=\"application/json\" id=\"lc-rules\">[")
	for i, ru := range r.Rules {
		b := iw.b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j, s := range []string{ru.ID, ru.Title, ru.Remedy, ru.Indicator, ru.Severity, strings.Join(ru.References, " · ")} {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendIslandString(b, s)
		}
		b = append(b, ']')
		iw.b = b
		w.Write(b)
	}
	w.WriteString("]</script>\n<script type=\"application/json\" id=\"lc-strings\">[")
	for i, s := range iw.strs {
		b := iw.b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		if i%64 == 0 {
			b = append(b, '\n')
		}
		iw.b = appendIslandString(b, s)
		w.Write(iw.b)
	}
	_, err = w.WriteString("]</script>\n")
	return err
}

// str appends the number of s.
func (iw *islandWriter) str(b []byte, s string) []byte {
	id, ok := iw.ids[s]
	if !ok {
		id = len(iw.strs)
		s = strings.Clone(s) // it may be a view of a row read back
		iw.ids[s] = id
		iw.strs = append(iw.strs, s)
	}
	return strconv.AppendInt(b, int64(id), 10)
}

func (iw *islandWriter) finding(f *Finding) []byte {
	b := append(iw.b[:0], '[')
	for _, s := range [...]string{f.Severity, f.Indicator, f.RuleID, f.Title, f.Message, f.File, f.Sheet} {
		b = iw.str(b, s)
		b = append(b, ',')
	}
	b = strconv.AppendInt(b, int64(f.Row), 10)
	for _, s := range [...]string{f.ContractID, f.WorkerID, f.WorkerName, f.Supplier} {
		b = append(b, ',')
		b = iw.str(b, s)
	}
	b = append(b, ",["...)
	for i, e := range evidenceFields(f.Evidence) {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = iw.str(b, e.Name())
		b = append(b, ',')
		b = iw.str(b, e.Field)
		b = append(b, ',')
		b = iw.str(b, e.Shown)
		b = append(b, ',')
		b = iw.str(b, e.Raw)
		flags := 0
		if e.Derived {
			flags |= 1
		}
		if e.Absent {
			flags |= 2
		}
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(flags), 10)
		b = append(b, ',')
		b = iw.str(b, e.Conversion)
		b = append(b, ',')
		b = iw.str(b, e.Cell(f.Row))
		b = append(b, ']')
	}
	b = append(b, "],"...)
	b = iw.str(b, iw.refs.join(f.References))
	if f.Scope == ScopeContract {
		b = append(b, ",0,1,[]"...)
	} else {
		b = append(b, ",1,"...)
		b = strconv.AppendInt(b, int64(contractsConcerned(f)), 10)
		b = append(b, ",["...)
		for i, c := range f.Contracts {
			if i > 0 {
				b = append(b, ',')
			}
			b = iw.str(b, location(c.File, c.Sheet, c.Row)+contractLabel(c.ContractID))
		}
		b = append(b, ']')
	}
	b = append(b, ',')
	b = iw.str(b, waiverText(f))
	b = append(b, ',')
	b = iw.str(b, f.Remedy)
	b = append(b, ']')
	iw.b = b
	return b
}

func (iw *islandWriter) contract(c *Contract) []byte {
	b := append(iw.b[:0], '[')
	b = iw.str(b, c.File)
	b = append(b, ',')
	b = iw.str(b, c.Sheet)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(c.Row), 10)
	for _, s := range [...]string{c.ContractID, c.WorkerID, c.WorkerName, c.Supplier, c.Status, deref(c.Risk)} {
		b = append(b, ',')
		b = iw.str(b, s)
	}
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(c.Findings), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(c.RulesChecked), 10)
	b = append(b, ',')
	b = iw.str(b, iw.miss.join(c.Missing))
	b = append(b, ',')
	b = iw.str(b, iw.look.join(c.MissingLookups))
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(c.RuleErrors), 10)
	b = append(b, ']')
	iw.b = b
	return b
}

// appendIslandString appends s as a JSON string that is safe inside a
// <script> element: as appendJSONString, with '<', '>' and '&' escaped too.
func appendIslandString(b []byte, s string) []byte {
	start := len(b)
	b = appendJSONString(b, s)
	if !strings.ContainsAny(s, "<>&") {
		return b
	}
	quoted := string(b[start:])
	b = b[:start]
	for i := 0; i < len(quoted); i++ {
		switch c := quoted[i]; c {
		case '<', '>', '&':
			b = append(b, '\\', 'u', '0', '0', jsonHex[c>>4], jsonHex[c&0xF])
		default:
			b = append(b, c)
		}
	}
	return b
}
