package report

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"
)

// DefaultTextFindings is how many findings [WriteText] lists when
// TextOptions.MaxFindings is 0.
const DefaultTextFindings = 10

// TextOptions shapes the terminal summary of [WriteText].
type TextOptions struct {
	// Color adds ANSI colours and bold. Leave it off unless the output is a
	// terminal that wants them.
	Color bool
	// MaxFindings caps the findings listed, highest severity first:
	// 0 lists DefaultTextFindings, a negative number lists them all.
	MaxFindings int
	// MaxContracts caps the flagged contracts listed, highest risk first:
	// 0 lists DefaultTextContracts, a negative number lists them all.
	MaxContracts int
	// MaxSuppliers caps the suppliers listed, highest risk first: 0 lists
	// DefaultTextSuppliers, a negative number lists them all.
	MaxSuppliers int
	// Width is the terminal's width in columns; 0 means 80. Names,
	// locations and contract ids get the room beyond 80, up to 200.
	Width int
}

// DefaultTextContracts and DefaultTextSuppliers are how many flagged
// contracts and suppliers [WriteText] lists when the options leave it at 0.
const (
	DefaultTextContracts = 10
	DefaultTextSuppliers = 10
)

func limitOf(n, def, total int) int {
	switch {
	case n == 0:
		n = def
	case n < 0:
		n = total
	}
	return min(n, total)
}

// textWidth is the narrowest width the summary is laid out for, and
// maxTextWidth the widest.
const (
	textWidth    = 80
	maxTextWidth = 200
)

// WriteText writes a compact summary of r for a terminal, at most 80
// columns wide: contracts by status, findings by severity and indicator, the
// most severe findings with file:sheet:row, inputs and sheets that could not
// be read with the reason and hint, and the number of data issues and rule
// errors. Control characters in report text are shown as symbols (see
// [Safe]) so that a roster cannot drive the terminal.
func WriteText(w io.Writer, r *Report, o TextOptions) error {
	bw := bufio.NewWriter(w)
	width := textWidth
	if o.Width > 0 {
		width = min(max(o.Width, textWidth), maxTextWidth)
	}
	t := &textWriter{w: bw, color: o.Color, width: width, extra: width - textWidth}
	t.write(r, o)
	if t.err != nil {
		return t.err
	}
	return bw.Flush()
}

type textWriter struct {
	w     *bufio.Writer
	color bool
	width int   // the columns the summary fits in
	extra int   // columns beyond 80, shared out to names, locations and ids
	err   error // reading the report's rows failed
}

// ANSI styles.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

var severityANSI = map[string]string{
	"critical": ansiBold + ansiRed,
	"high":     ansiRed,
	"medium":   ansiYellow,
	"low":      ansiCyan,
	"info":     ansiDim,
}

// paint wraps s (already safe and sized) in an ANSI style when colour is on.
func (t *textWriter) paint(style, s string) string {
	if !t.color || style == "" || s == "" {
		return s
	}
	return style + s + ansiReset
}

func (t *textWriter) line(parts ...string) {
	for _, p := range parts {
		t.w.WriteString(p)
	}
	t.w.WriteByte('\n')
}

func (t *textWriter) write(r *Report, o TextOptions) {
	s := r.Summary
	head := []string{t.paint(ansiBold, "laborcheck report")}
	if !r.Run.StartedAt.IsZero() {
		head = append(head, r.Run.StartedAt.UTC().Format(time.RFC3339))
	}
	if r.Run.Version != "" {
		head = append(head, fit(termSafe("laborcheck "+r.Run.Version), 30))
	}
	t.line(strings.Join(head, " · "))
	t.line(t.paint(ansiDim, "Risk indicators call for follow-up; they are not a finding of forced labour."))
	t.line()

	statuses := []string{
		t.paint(ansiRed, "flagged "+thousands(s.ContractsFlagged)),
		t.paint(ansiYellow, "insufficient data "+thousands(s.ContractsInsufficient)),
		t.paint(ansiGreen, "clear "+thousands(s.ContractsClear)),
	}
	if s.ContractsWithRuleErrors > 0 {
		statuses = append(statuses, t.paint(ansiRed, "rule error "+thousands(s.ContractsWithRuleErrors)))
	}
	t.rowParts("Contracts", s.Contracts, statuses)
	var sevs []string
	for _, c := range severityCounts(s.BySeverity) {
		txt := termSafe(c.Name) + " " + thousands(c.N)
		if c.N > 0 {
			txt = t.paint(severityANSI[c.Name], txt)
		}
		sevs = append(sevs, txt)
	}
	t.rowParts("Findings", s.Findings, sevs)
	if failOn := cmp.Or(s.FailOn, r.Run.Options.FailOn); failOn != "" {
		detail := "findings at or above the threshold"
		if s.Waived > 0 {
			detail += " (" + thousands(s.Waived) + " waived)"
		}
		t.row("Fail-on "+fit(termSafe(failOn), 8), s.FindingsAtOrAbove, detail)
	}
	var in []string
	switch {
	case s.InputsUnreadable > 0 && s.SheetsUnreadable > 0:
		in = append(in, fmt.Sprintf("unreadable: %s, %s", plural(s.InputsUnreadable, "file", "files"), plural(s.SheetsUnreadable, "sheet", "sheets")))
	case s.InputsUnreadable > 0:
		in = append(in, "unreadable: "+plural(s.InputsUnreadable, "file", "files"))
	case s.SheetsUnreadable > 0:
		in = append(in, "unreadable: "+plural(s.SheetsUnreadable, "sheet", "sheets"))
	}
	if s.InputsIncomplete > 0 {
		in = append(in, "incomplete: "+plural(s.InputsIncomplete, "file", "files"))
	}
	if s.SheetsSkipped > 0 {
		in = append(in, "skipped: "+plural(s.SheetsSkipped, "sheet", "sheets"))
	}
	if s.InputsDuplicate > 0 {
		in = append(in, plural(s.InputsDuplicate, "identical copy", "identical copies")+" reviewed once")
	}
	if len(in) == 0 {
		in = append(in, "all read")
	}
	t.rowParts("Inputs", s.Inputs, in, "; ")
	t.row("Data issues", s.DataIssues, "cells that could not be read (absent)")
	if s.RuleErrors > 0 {
		t.row("Rule errors", s.RuleErrors, "rule evaluations that failed")
	}

	if inds := indicatorCounts(s.ByIndicator); len(inds) > 0 {
		t.line()
		t.line(t.paint(ansiBold, "Findings by indicator"))
		top := inds[0].N
		for _, c := range inds {
			bar := strings.Repeat("█", max(1, c.N*20/top))
			t.line("  ", pad(fit(termSafe(c.Name), 40), 40), fmt.Sprintf(" %6s  ", thousands(c.N)), t.paint(ansiCyan, bar))
		}
	}

	if len(r.Run.Warnings) > 0 {
		t.line()
		t.line(t.paint(ansiBold, "Warnings"))
		for _, w := range r.Run.Warnings {
			for _, l := range wrapText(termSafe(w), t.width-2, 4) {
				t.line("  ", l)
			}
		}
	}

	t.incomplete(r)
	t.suppliers(r, o)
	t.coverage(r, o)
	t.contracts(r, o)
	t.findings(r, o)
	t.failures(r)
}

// incomplete lists the files that were read but not reviewed in full,
// with the reason and the headers laborcheck did not recognise: what an
// importer whose gate failed with exit 3 needs to see first.
func (t *textWriter) incomplete(r *Report) {
	first := true
	for _, in := range r.Inputs {
		if len(in.Incomplete) == 0 {
			continue
		}
		if first {
			t.line()
			t.line(t.paint(ansiBold, "Review incomplete"))
			first = false
		}
		for _, why := range in.Incomplete {
			for i, l := range wrapText(termSafe(in.Path+": "+why), t.width-4, 2) {
				if i == 0 {
					t.line("  ", t.paint(ansiYellow, l))
				} else {
					t.line("    ", t.paint(ansiYellow, l))
				}
			}
		}
		if len(in.UnrecognisedHeaders) > 0 {
			for _, l := range wrapText(termSafe("unrecognised headers: "+strings.Join(in.UnrecognisedHeaders, ", ")), t.width-4, 2) {
				t.line("    ", l)
			}
		}
	}
}

// supplierOrder is the order suppliers are listed in: highest risk first,
// then most flagged contracts, then by name.
func supplierOrder(r *Report) []int {
	order := make([]int, len(r.Suppliers))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		sa, sb := &r.Suppliers[a], &r.Suppliers[b]
		return cmp.Or(cmp.Compare(sb.RiskScore, sa.RiskScore), cmp.Compare(severityRank(deref(sb.Risk)), severityRank(deref(sa.Risk))),
			cmp.Compare(sb.ContractsFlagged, sa.ContractsFlagged), cmp.Compare(sa.Name, sb.Name))
	})
	return order
}

// coverage lists, by supplier, which indicators its rosters let the rules
// check: a clear contract is clear of what was checked, no more.
func (t *textWriter) coverage(r *Report, o TextOptions) {
	order := supplierOrder(r)
	if len(order) == 0 {
		return
	}
	full := true
	for _, s := range r.Suppliers {
		if len(s.IndicatorsPartly)+len(s.IndicatorsNotChecked) > 0 {
			full = false
		}
	}
	if full {
		return
	}
	shown := limitOf(o.MaxSuppliers, DefaultTextSuppliers, len(order))
	t.line()
	title := "Coverage: indicators the rosters let laborcheck check"
	if shown < len(order) {
		title += " (" + thousands(shown) + " of " + thousands(len(order)) + " suppliers)"
	}
	t.line(t.paint(ansiBold, title))
	t.line(t.paint(ansiDim, "  "+pad("SUPPLIER", 25+t.extra)+" COVERAGE  INDICATORS CHECKED  PARTLY  NOT CHECKED"))
	// Suppliers read from one roster share their lists: then they are
	// written once, below the table.
	same := true
	lists := func(s *Supplier) string {
		return strings.Join(s.IndicatorsPartly, ",") + ";" + strings.Join(s.IndicatorsNotChecked, ",")
	}
	for _, i := range order[1:shown] {
		same = same && lists(&r.Suppliers[i]) == lists(&r.Suppliers[order[0]])
	}
	indicatorLists := func(s *Supplier, indent string) {
		for _, l := range []struct {
			label string
			inds  []string
		}{{"partly: ", s.IndicatorsPartly}, {"not checked: ", s.IndicatorsNotChecked}} {
			if len(l.inds) == 0 {
				continue
			}
			for _, w := range wrapText(termSafe(l.label+strings.Join(l.inds, ", ")), t.width-len(indent), 4) {
				t.line(indent, t.paint(ansiDim, w))
			}
		}
	}
	for _, i := range order[:shown] {
		s := &r.Suppliers[i]
		t.line("  ", pad(fit(termSafe(s.Name), 24+t.extra), 24+t.extra), fmt.Sprintf(" %9s  %18d  %6d  %11d", percent(s.Coverage),
			len(s.IndicatorsChecked), len(s.IndicatorsPartly), len(s.IndicatorsNotChecked)))
		if !same || shown == 1 {
			indicatorLists(s, "      ")
		}
	}
	if same && shown > 1 {
		t.line(t.paint(ansiDim, "  every supplier above:"))
		indicatorLists(&r.Suppliers[order[0]], "    ")
	}
}

// suppliers lists suppliers (else employers) with their contracts by status,
// highest risk first: what an importer screening suppliers reads first.
func (t *textWriter) suppliers(r *Report, o TextOptions) {
	if len(r.Suppliers) == 0 {
		return
	}
	order := supplierOrder(r)
	shown := limitOf(o.MaxSuppliers, DefaultTextSuppliers, len(order))
	t.line()
	title := "Suppliers"
	if shown < len(order) {
		title = "Suppliers (" + thousands(shown) + " of " + thousands(len(order)) + ", highest risk first)"
	}
	t.line(t.paint(ansiBold, title))
	nameW := 20 + t.extra
	t.line(t.paint(ansiDim, "  "+pad("SUPPLIER", nameW)+" CONTRACTS FLAGGED INSUFF. CLEAR FEES PAID SCORE RISK"))
	for _, i := range order[:shown] {
		s := &r.Suppliers[i]
		fees := "-"
		if s.FeePaidShare != nil {
			fees = percent(*s.FeePaidShare)
		}
		risk := deref(s.Risk)
		t.line("  ", pad(fit(termSafe(s.Name), nameW), nameW), fmt.Sprintf(" %9s %7s %7s %5s %9s %5s ", thousands(s.Contracts), thousands(s.ContractsFlagged), thousands(s.ContractsInsufficient), thousands(s.ContractsClear), fees, score(s.RiskScore)),
			t.paint(severityANSI[risk], cmp.Or(risk, "-")))
	}
}

// contracts lists flagged contracts, highest risk first, one line each with
// the rules that flagged them.
func (t *textWriter) contracts(r *Report, o TextOptions) {
	// Ties keep report order. Only the contracts shown are kept.
	less := func(a, b *ranked[Contract]) bool {
		ra, rb := severityRank(deref(a.v.Risk)), severityRank(deref(b.v.Risk))
		if ra != rb {
			return ra > rb
		}
		if a.v.Findings != b.v.Findings {
			return a.v.Findings > b.v.Findings
		}
		return a.seq < b.seq
	}
	flagged := 0
	top := newTopK(o.MaxContracts, DefaultTextContracts, less)
	i := 0
	t.err = r.EachContract(func(c *Contract) error {
		if c.Status == StatusFlagged {
			flagged++
			top.add(i, c)
		}
		i++
		return nil
	})
	if t.err != nil || flagged == 0 {
		return
	}
	shown := top.sorted()
	// The rules that flagged each contract shown, in report order.
	ids := make(map[contractKey][]string, len(shown))
	for _, c := range shown {
		ids[contractKey{c.v.File, c.v.Sheet, c.v.Row}] = nil
	}
	t.err = r.EachFinding(func(f *Finding) error {
		if f.Scope != ScopeContract {
			return nil
		}
		k := contractKey{f.File, f.Sheet, f.Row}
		if l, ok := ids[k]; ok {
			ids[k] = append(l, f.RuleID)
		}
		return nil
	})
	if t.err != nil {
		return
	}
	t.line()
	title := "Flagged contracts (" + thousands(len(shown)) + ", highest risk first)"
	if len(shown) < flagged {
		title = "Flagged contracts (" + thousands(len(shown)) + " of " + thousands(flagged) + ", highest risk first)"
	}
	t.line(t.paint(ansiBold, title))
	locW, idW := 32+t.extra*2/3, 12+t.extra/3
	t.line(t.paint(ansiDim, "  RISK      "+pad("LOCATION", locW)+"  "+pad("CONTRACT", idW)+"  FINDINGS"))
	for _, e := range shown {
		c := &e.v
		risk := deref(c.Risk)
		rules := ids[contractKey{c.File, c.Sheet, c.Row}]
		loc := pad(fitLeft(termSafe(location(c.File, c.Sheet, c.Row)), locW), locW)
		id := pad(fitLeft(termSafe(c.ContractID), idW), idW)
		t.line("  ", t.paint(severityANSI[risk], pad(fit(risk, 8), 8)), "  ", loc, "  ", id, "  ", fmt.Sprint(len(rules)))
		for _, l := range wrapText(termSafe(strings.Join(rules, ", ")), t.width-12, 2) {
			t.line("            ", t.paint(ansiDim, l))
		}
	}
	if rest := flagged - len(shown); rest > 0 {
		t.line(t.paint(ansiDim, fmt.Sprintf("  … and %s in the full report", plural(rest, "more flagged contract", "more flagged contracts"))))
	}
}

// ranked is an element of a list being ranked, with its place in report
// order.
type ranked[T any] struct {
	seq int
	v   T
}

// topK keeps the first k elements of a ranking as elements are added (all
// of them when k is negative).
type topK[T any] struct {
	k     int // < 0: all
	less  func(a, b *ranked[T]) bool
	items []ranked[T]
}

// newTopK keeps limit elements (see limitOf: 0 means def, negative all).
func newTopK[T any](limit, def int, less func(a, b *ranked[T]) bool) *topK[T] {
	k := limit
	if k == 0 {
		k = def
	}
	return &topK[T]{k: k, less: less}
}

func (t *topK[T]) add(seq int, v *T) {
	e := ranked[T]{seq, *v}
	if t.k < 0 {
		t.items = append(t.items, e)
		return
	}
	if t.k == 0 || len(t.items) == t.k && !t.less(&e, &t.items[t.k-1]) {
		return
	}
	// Insert in order; the lists shown are short.
	i := len(t.items)
	for i > 0 && t.less(&e, &t.items[i-1]) {
		i--
	}
	if len(t.items) < t.k {
		t.items = append(t.items, ranked[T]{})
	}
	copy(t.items[i+1:], t.items[i:len(t.items)-1])
	t.items[i] = e
}

func (t *topK[T]) sorted() []ranked[T] {
	if t.k < 0 {
		slices.SortFunc(t.items, func(a, b ranked[T]) int {
			switch {
			case t.less(&a, &b):
				return -1
			case t.less(&b, &a):
				return 1
			}
			return 0
		})
	}
	return t.items
}

// textDetail is the column where the detail of a summary row starts.
const textDetail = 28

// row writes "Label        1,234  detail".
func (t *textWriter) row(label string, n int, detail string) {
	t.line(pad(label, 16), fmt.Sprintf(" %9s  ", thousands(n)), detail)
}

// rowParts writes a row whose detail is a list of parts, joined by sep
// (", " unless given), on as many lines as they need within the width.
func (t *textWriter) rowParts(label string, n int, parts []string, sep ...string) {
	join := ", "
	if len(sep) > 0 {
		join = sep[0]
	}
	var lines []string
	width := 0
	for _, part := range parts {
		w := displayWidth(ansiCodes.ReplaceAllString(part, ""))
		if k := len(lines); k > 0 && width+len(join)+w <= t.width-textDetail {
			lines[k-1] += join + part
			width += len(join) + w
		} else {
			if k > 0 {
				lines[k-1] += strings.TrimRight(join, " ")
			}
			lines = append(lines, part)
			width = w
		}
	}
	if len(lines) == 0 {
		lines = []string{""}
	}
	t.row(label, n, lines[0])
	for _, l := range lines[1:] {
		t.line(strings.Repeat(" ", textDetail), l)
	}
}

// ansiCodes matches the styles paint adds.
var ansiCodes = regexp.MustCompile("\x1b\\[[0-9;]*m")

func (t *textWriter) findings(r *Report, o TextOptions) {
	total := r.NumFindings()
	if total == 0 {
		return
	}
	limit := o.MaxFindings
	switch {
	case limit == 0:
		limit = DefaultTextFindings
	case limit < 0:
		limit = total
	}
	// Most severe first, waived ones last within a severity, else in report
	// order.
	top := newTopK(limit, limit, func(a, b *ranked[Finding]) bool {
		ra, rb := severityRank(a.v.Severity), severityRank(b.v.Severity)
		if ra != rb {
			return ra > rb
		}
		if a.v.Waived != b.v.Waived {
			return !a.v.Waived
		}
		return a.seq < b.seq
	})
	i := 0
	t.err = r.EachFinding(func(f *Finding) error {
		top.add(i, f)
		i++
		return nil
	})
	if t.err != nil {
		return
	}
	shown := top.sorted()
	t.line()
	title := "Top findings (" + thousands(len(shown)) + " of " + thousands(total) + ", most severe first)"
	if len(shown) == total {
		title = "Findings (" + thousands(len(shown)) + ", most severe first)"
	}
	t.line(t.paint(ansiBold, title))
	locW, idW := 32+t.extra*2/3, 12+t.extra/3
	t.line(t.paint(ansiDim, "  SEVERITY  "+pad("LOCATION", locW)+"  "+pad("CONTRACT", idW)+"  RULE"))
	for _, e := range shown {
		f := &e.v
		sev := pad(fit(termSafe(f.Severity), 8), 8)
		loc, id := fitLeft(termSafe(location(f.File, f.Sheet, f.Row)), locW), f.ContractID
		if f.Scope == ScopeSupplier {
			loc = fit(termSafe("supplier "+cmp.Or(f.Supplier, "(several)")), locW)
			id = plural(contractsConcerned(f), "contract", "contracts")
		}
		loc = pad(loc, locW)
		id = pad(fit(termSafe(id), idW), idW)
		ruleID := f.RuleID
		if f.Waived {
			ruleID += " (waived)"
		}
		rule := fit(termSafe(ruleID), t.width-2-10-(locW+2)-(idW+2))
		t.line("  ", t.paint(severityANSI[f.Severity], sev), "  ", loc, "  ", id, "  ", rule)
		for _, l := range wrapText(termSafe(f.Message), t.width-12, 2) {
			t.line("            ", l)
		}
		if ev := evidenceText(f.Evidence, f.Row); ev != "" {
			t.line("            ", t.paint(ansiDim, fit(termSafe(ev), t.width-12)))
		}
		if f.Remedy != "" {
			t.line("            ", fit(termSafe("Remedy: "+f.Remedy), t.width-12))
		}
	}
	if rest := total - len(shown); rest > 0 {
		t.line(t.paint(ansiDim, fmt.Sprintf("  … and %s in the full report", plural(rest, "more finding", "more findings"))))
	}
}

func (t *textWriter) failures(r *Report) {
	var lines [][2]string // what, hint
	for _, in := range r.Inputs {
		if in.Error != nil {
			lines = append(lines, [2]string{in.Path + ": " + *in.Error, in.Hint})
		}
		for _, sh := range in.Sheets {
			if sh.Error != nil {
				lines = append(lines, [2]string{fmt.Sprintf("%s, sheet %q: %s", in.Path, sh.Name, *sh.Error), ""})
			}
		}
	}
	if len(lines) == 0 {
		return
	}
	t.line()
	t.line(t.paint(ansiBold, "Inputs that could not be read"))
	for _, l := range lines {
		t.line("  ", t.paint(ansiRed, fit(termSafe(l[0]), t.width-2)))
		if l[1] != "" {
			t.line("    hint: ", fit(termSafe(l[1]), t.width-10))
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// termSafe is [Safe] for one line of the summary: tabs and line breaks
// become spaces first, so that the layout holds.
func termSafe(s string) string {
	if strings.ContainsAny(s, "\t\n\r") {
		s = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return ' '
			}
			return r
		}, s)
	}
	return Safe(s)
}

// fit cuts s to n columns, ending in "…" when cut.
func fit(s string, n int) string { return truncateWidth(s, n) }

// fitLeft cuts s to n columns from the left, starting with "…" when cut:
// the end of a path is what tells files apart.
func fitLeft(s string, n int) string {
	if displayWidth(s) <= n {
		return s
	}
	rs := []rune(s)
	w, i := 0, len(rs)
	for i > 0 && w+runeWidth(rs[i-1]) <= n-1 {
		i--
		w += runeWidth(rs[i])
	}
	return "…" + string(rs[i:])
}

// wrapText wraps s at spaces into lines of at most width columns, at most
// maxLines of them; the last line ends in "…" when text is left over.
func wrapText(s string, width, maxLines int) []string {
	var lines []string
	cur, curW := "", 0
	words := strings.Fields(s)
	for i, w := range words {
		ww := displayWidth(w)
		switch {
		case cur == "":
			cur, curW = w, ww
		case curW+1+ww <= width:
			cur, curW = cur+" "+w, curW+1+ww
		default:
			if len(lines) == maxLines-1 {
				return append(lines, fit(cur+" "+strings.Join(words[i:], " "), width))
			}
			lines = append(lines, fit(cur, width))
			cur, curW = w, ww
		}
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, fit(cur, width))
	}
	return lines
}

// pad right-pads s with spaces to n columns.
func pad(s string, n int) string {
	if w := displayWidth(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}
