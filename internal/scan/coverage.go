package scan

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/engine"
	"github.com/laborcheck/laborcheck/internal/report"
	"github.com/laborcheck/laborcheck/internal/source"
)

// sheetCoverage fills what the rules can check on sheet s, from its
// columns. A sheet without a header row has no roster and no coverage.
func sheetCoverage(eng *engine.Engine, schema *contract.Schema, s *source.Sheet, out *report.Sheet) {
	if s.HeaderRow == 0 {
		return
	}
	has := make([]bool, schema.Len())
	for _, c := range s.Columns {
		if c.Field != nil && !c.Duplicate {
			has[c.Field.Index] = true
		}
	}
	cv := eng.Coverage(has)
	out.RulesChecked, out.RulesTotal = cv.Checked, cv.Total
	conv := func(l []engine.RuleNeeds) []report.RuleNeeds {
		var o []report.RuleNeeds
		for _, n := range l {
			o = append(o, report.RuleNeeds{Rule: n.Rule.ID, Needs: append([]string{}, n.Needs...)})
		}
		return o
	}
	out.NotChecked, out.PartlyChecked = conv(cv.NotChecked), conv(cv.PartlyChecked)
}

// completeness records why the review of a file that was read is
// incomplete: it holds no contracts, its columns let no rule run, or a
// sheet's coverage is below minCoverage (0: no minimum). A workbook's extra
// sheets without a roster stay notes, as long as one sheet holds contracts.
func completeness(in *report.Input, minCoverage float64) {
	if in.Error != nil || len(in.Sheets) == 0 {
		return
	}
	rows, failed := 0, 0
	for _, s := range in.Sheets {
		rows += s.Rows
		if s.Error != nil {
			failed++
		}
	}
	if rows == 0 {
		if failed == len(in.Sheets) {
			return // the unreadable sheets say why
		}
		reason := fmt.Sprintf("no roster: none of its %d sheets holds contracts", len(in.Sheets))
		if len(in.Sheets) == 1 {
			s := in.Sheets[0]
			switch {
			case s.Skipped != "":
				reason = "no roster: " + s.Skipped
			default:
				reason = "no roster: no contracts below the header row"
			}
		}
		in.Incomplete = append(in.Incomplete, reason)
		for _, s := range in.Sheets {
			in.UnrecognisedHeaders = appendUnmapped(in.UnrecognisedHeaders, s)
		}
		return
	}
	for _, s := range in.Sheets {
		if s.Rows == 0 {
			continue
		}
		where := ""
		if s.Name != "" {
			where = fmt.Sprintf("sheet %q: ", s.Name)
		}
		share := 1.0
		if s.RulesTotal > 0 {
			share = float64(s.RulesChecked) / float64(s.RulesTotal)
		}
		switch {
		case s.RulesTotal > 0 && s.RulesChecked == 0:
			in.Incomplete = append(in.Incomplete, where+"its columns let no rule run")
		case minCoverage > 0 && share < minCoverage:
			in.Incomplete = append(in.Incomplete, fmt.Sprintf("%scoverage %s (%d of %d rules) is below -min-coverage %s",
				where, percent(share), s.RulesChecked, s.RulesTotal, percent(minCoverage)))
		default:
			continue
		}
		in.UnrecognisedHeaders = appendUnmapped(in.UnrecognisedHeaders, s)
	}
}

func appendUnmapped(out []string, s report.Sheet) []string {
	for _, c := range s.Unmapped {
		out = append(out, c.Header)
	}
	return out
}

// percent writes a share as a whole percentage, or with one decimal when
// rounding would hide that it is not whole ("59.5%").
func percent(f float64) string {
	p := f * 100
	if s := fmt.Sprintf("%.0f", p); fmt.Sprintf("%.1f", p) == s+".0" {
		return s + "%"
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", p), ".0") + "%"
}

// coverCanon gives the sheets whose rules can check the same things one
// Coverage. Each sheet read (each file of a merge's blocks) has its own, and
// a supplier's tally keeps an entry per Coverage it meets: without this, a
// batch of thousands of files of one layout from thousands of suppliers
// would hold an entry per file and supplier.
type coverCanon struct {
	last, lastCanon *engine.Coverage
	by              map[*engine.Coverage]*engine.Coverage // any → its canonical Coverage
	byContent       map[string]*engine.Coverage
	key             []byte
}

func (cc *coverCanon) canon(cv *engine.Coverage) *engine.Coverage {
	if cv == nil || cv == cc.last {
		if cv == nil {
			return nil
		}
		return cc.lastCanon
	}
	c, ok := cc.by[cv]
	if !ok {
		if cc.by == nil {
			cc.by, cc.byContent = map[*engine.Coverage]*engine.Coverage{}, map[string]*engine.Coverage{}
		}
		k := cc.key[:0]
		k = binary.AppendUvarint(k, uint64(cv.Checked))
		k = binary.AppendUvarint(k, uint64(cv.Total))
		k = binary.AppendUvarint(k, uint64(len(cv.Checkable)))
		for i, ch := range cv.Checkable {
			var b byte
			if ch {
				b |= 1
			}
			if i < len(cv.Partly) && cv.Partly[i] {
				b |= 2
			}
			k = append(k, b)
		}
		cc.key = k
		if c = cc.byContent[string(k)]; c == nil {
			c = cv
			cc.byContent[string(k)] = c
		}
		cc.by[cv] = c
	}
	cc.last, cc.lastCanon = cv, c
	return c
}

// supplierCoverage tallies the coverage of a supplier's contracts: how many
// contracts came from sheets of each coverage.
type supplierCoverage struct {
	last  *engine.Coverage
	lastN *int
	by    map[*engine.Coverage]*int
	order []*engine.Coverage
}

func (sc *supplierCoverage) add(cv *engine.Coverage) {
	if cv == nil {
		return
	}
	if cv == sc.last {
		*sc.lastN++
		return
	}
	if sc.by == nil {
		sc.by = map[*engine.Coverage]*int{}
	}
	n, ok := sc.by[cv]
	if !ok {
		n = new(int)
		sc.by[cv] = n
		sc.order = append(sc.order, cv)
	}
	*n++
	sc.last, sc.lastN = cv, n
}

// fill sets the supplier's coverage share and which indicators its rosters
// let the rules check: an indicator is checked when every one of its rules
// runs in full on every contract, not checked when none runs on any, and
// partly checked otherwise.
func (sc *supplierCoverage) fill(s *report.Supplier, ruleIndicators []string) {
	s.IndicatorsChecked, s.IndicatorsPartly, s.IndicatorsNotChecked = []string{}, []string{}, []string{}
	contracts, checks, total := 0, 0, 0
	for _, cv := range sc.order {
		n := *sc.by[cv]
		contracts += n
		checks += n * cv.Checked
		total += n * cv.Total
	}
	if contracts == 0 {
		return
	}
	s.Coverage = 1
	if total > 0 {
		s.Coverage = round3(float64(checks) / float64(total))
	}
	// By indicator: rules run in full everywhere, and rules run anywhere.
	type tally struct{ rules, full, some int }
	by := map[string]*tally{}
	for i, ind := range ruleIndicators {
		t := by[ind]
		if t == nil {
			t = &tally{}
			by[ind] = t
		}
		t.rules++
		ran, full := 0, 0
		for _, cv := range sc.order {
			if cv.Checkable[i] {
				ran += *sc.by[cv]
				if !cv.Partly[i] {
					full += *sc.by[cv]
				}
			}
		}
		if full == contracts {
			t.full++
		}
		if ran > 0 {
			t.some++
		}
	}
	for _, ind := range contract.Indicators {
		t := by[ind]
		switch {
		case t == nil:
		case t.full == t.rules:
			s.IndicatorsChecked = append(s.IndicatorsChecked, ind)
		case t.some == 0:
			s.IndicatorsNotChecked = append(s.IndicatorsNotChecked, ind)
		default:
			s.IndicatorsPartly = append(s.IndicatorsPartly, ind)
		}
	}
}

func round3(f float64) float64 {
	return float64(int64(f*1000+0.5)) / 1000
}
