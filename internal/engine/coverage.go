package engine

import (
	"cmp"
	"slices"
	"sync"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/rules"
)

// Coverage is what a program's rules can check on one roster sheet, given
// the fields the sheet has columns for. A rule that is not checkable needs
// a column the sheet lacks (directly, or every way of deriving a field it
// reads): it is not run on the sheet's contracts and never makes them
// "insufficient data". A Coverage is shared by the contracts of a sheet and
// must not be changed.
type Coverage struct {
	// Checkable and Partly are indexed like Program.Rules. Partly marks
	// checkable rules that read a field the sheet does not provide, one
	// side of an `||`: the rule runs, on what the roster has.
	Checkable []bool
	Partly    []bool
	Checked   int // rules checkable
	Total     int // rules of the program
	// NotChecked and PartlyChecked list the rules that are not, or only
	// partly, checkable, in program order, with the headers a roster would
	// need for them.
	NotChecked    []RuleNeeds
	PartlyChecked []RuleNeeds
	// Available says, by field index, whether the sheet provides the field:
	// a column, or a derivation from fields it provides.
	Available []bool

	missing sync.Map // key of field indexes → shared []string of headers
}

// RuleNeeds is a rule a roster cannot fully check, and the header words of
// the columns it lacks for it.
type RuleNeeds struct {
	Rule  *rules.Compiled
	Needs []string
}

// Share is the share of the rules that are checkable, 0 to 1 (1 for a
// program of no rules).
func (cv *Coverage) Share() float64 {
	if cv.Total == 0 {
		return 1
	}
	return float64(cv.Checked) / float64(cv.Total)
}

// Coverage returns what the engine's rules can check on a sheet that has a
// column for the fields where has is true (indexed like the schema). A nil
// has stands for every field.
func (e *Engine) Coverage(has []bool) *Coverage {
	n := e.schema.Len()
	if has == nil {
		has = make([]bool, n)
		for i := range has {
			has[i] = true
		}
	}
	avail := e.derived.Available(has)
	cv := &Coverage{Checkable: make([]bool, len(e.prog.Rules)), Partly: make([]bool, len(e.prog.Rules)),
		Total: len(e.prog.Rules), Available: avail}
	for i, r := range e.prog.Rules {
		ok, full := r.Checkable(avail)
		cv.Checkable[i], cv.Partly[i] = ok, ok && !full
		switch {
		case !ok:
			cv.NotChecked = append(cv.NotChecked, RuleNeeds{Rule: r, Needs: e.needs(r.Absent(avail), avail)})
		case !full:
			cv.PartlyChecked = append(cv.PartlyChecked, RuleNeeds{Rule: r, Needs: e.needs(r.Absent(avail), avail)})
		}
		if ok {
			cv.Checked++
		}
	}
	return cv
}

// needs turns fields a sheet lacks into the header words of the columns
// that would provide them: a derived field stands for the fields it is
// derived from (and for its own column, when rosters commonly have one).
func (e *Engine) needs(absent []int, avail []bool) []string {
	fields := e.schema.Fields()
	var out []string
	for _, i := range absent {
		e.derived.Expand(i,
			func(j int) bool { return !avail[j] && e.derived.Inputs(j) != nil },
			func(j int) {
				if avail[j] || e.derived.Inputs(j) != nil && len(fields[j].Aliases) == 0 {
					return
				}
				l := fields[j].Label()
				if e.opts.Label != nil {
					l = e.opts.Label(fields[j].Name)
				}
				if !slices.Contains(out, l) {
					out = append(out, l)
				}
			})
	}
	return out
}

// coverageOf returns the coverage of the sheet c was read from, made once
// per sheet.
func (e *Engine) coverageOf(cols *contract.Columns) *Coverage {
	if cols == nil {
		return e.all
	}
	if cv, ok := e.coverages.Load(cols); ok {
		return cv.(*Coverage)
	}
	cv, _ := e.coverages.LoadOrStore(cols, e.Coverage(cols.Has))
	return cv.(*Coverage)
}

// blame adds to out the fields with a column on c's sheet whose cells left
// field i unknown: i's own blank or unreadable cell, and for a derived
// field, the cells of its inputs. When every input was read but the value
// still could not be derived (amounts in different currencies, a country
// the minimum-wage table lacks), the inputs' columns are named.
func (e *Engine) blame(c *contract.Contract, i int, out []int, depth int) []int {
	v := c.Value(i)
	if v.Present {
		return out
	}
	if c.HasColumn(i) {
		out = append(out, i)
	}
	in := e.derived.Inputs(i)
	if in == nil || depth > 4 {
		return out
	}
	sumOfAny := e.derived.Any(i)
	read, withColumn := 0, 0
	for _, j := range in {
		if c.HasColumn(j) {
			withColumn++
			if c.Value(j).Present {
				read++
			}
		} else if c.Value(j).Present {
			read++ // derived in turn
		}
	}
	complete := read == len(in) || sumOfAny && withColumn > 0 && read >= withColumn
	if !complete {
		for _, j := range in {
			out = e.blame(c, j, out, depth+1)
		}
		return out
	}
	for _, j := range in {
		if c.HasColumn(j) {
			out = append(out, j)
		}
	}
	return out
}

// headers returns the roster's headers of fields idx (of c's sheet), in
// column order. Contracts of one sheet tend to miss the same cells, so the
// lists are shared.
func (e *Engine) headers(c *contract.Contract, cv *Coverage, idx []int) []string {
	slices.Sort(idx)
	idx = slices.Compact(idx)
	key := make([]byte, 0, 2*len(idx))
	for _, i := range idx {
		key = append(key, byte(i>>8), byte(i))
	}
	if names, ok := cv.missing.Load(string(key)); ok {
		return names.([]string)
	}
	cols := slices.Clone(idx)
	slices.SortStableFunc(cols, func(a, b int) int {
		la, lb := c.Columns.Letter[a], c.Columns.Letter[b]
		return cmp.Or(cmp.Compare(len(la), len(lb)), cmp.Compare(la, lb))
	})
	out := make([]string, 0, len(cols))
	for _, i := range cols {
		out = append(out, cmp.Or(c.Header(i), e.schema.Fields()[i].Name))
	}
	names, _ := cv.missing.LoadOrStore(string(key), out)
	return names.([]string)
}
