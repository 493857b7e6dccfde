// Package annotate writes a marked copy of each roster a scan reviewed: the
// rows of flagged contracts filled with the colour of their most severe
// finding, each finding a note on the cell it was read from (the rule's
// title, its message and its remedy), a "laborcheck" column at the end of
// each data row with the contract's status and rule IDs, and a small
// legend sheet. It works from the finished report and the input files: the
// inputs are only read, and everything else in them (formulas, formats,
// merged cells, other sheets) is kept as it was. CSV and TSV inputs get an
// .xlsx copy, each record on the row of its line, as the report numbers it;
// .xls and .ods inputs an .xlsx copy of every sheet's cells as laborcheck
// read them, each on the row the report numbers it by.
package annotate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/report"
)

// Options say where and how the copies are written.
type Options struct {
	// Dir is the folder the copies are written to; it is created when
	// missing.
	Dir string
	// Password opens encrypted workbooks; their copies are encrypted
	// with it too.
	Password string
	// MaxRows is the most contracts an input may hold to get a copy; 0
	// means DefaultMaxRows. A copy is built in memory (some 500 MB for
	// 20,000 rows of 39 columns), so a very large roster gets none, with a
	// Result saying so, rather than exhaust the memory.
	MaxRows int
	// MaxCells is the most cells, over all its sheets, an .xls or .ods
	// input may hold to get a copy; 0 means DefaultMaxCells.
	MaxCells int
}

// DefaultMaxRows is the default of Options.MaxRows.
const DefaultMaxRows = 50_000

// Result is what became of one input.
type Result struct {
	Input  string // the input's path, as the report names it
	Output string // the copy written; "" when none was
	// Err says why no copy was written (an input that could not be read,
	// or is of a format copies are not made of).
	Err error
}

// ErrNotCopied is wrapped by a Result's Err for an input laborcheck makes
// no copy of.
var ErrNotCopied = errors.New("no annotated copy")

// Write writes a marked copy of each input of rep into opts.Dir and says
// what became of each, in the report's order of inputs. It returns an error
// only when the folder cannot be made or the report cannot be read back;
// a copy that fails is reported in its Result.
func Write(ctx context.Context, rep *report.Report, opts Options) ([]Result, error) {
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, err
	}
	marks, err := collect(rep)
	if err != nil {
		return nil, err
	}
	names := OutputNames(inputPaths(rep))
	inputs := map[string]bool{}
	for _, in := range rep.Inputs {
		if abs, err := filepath.Abs(in.Path); err == nil {
			inputs[abs] = true
		}
	}
	var results []Result
	for i := range rep.Inputs {
		in := &rep.Inputs[i]
		if err := ctx.Err(); err != nil {
			return results, err
		}
		res := Result{Input: in.Path}
		out := filepath.Join(opts.Dir, names[in.Path])
		if abs, err := filepath.Abs(out); err == nil && inputs[abs] {
			res.Err = fmt.Errorf("%w: %s is one of the inputs; choose another folder for the copies", ErrNotCopied, out)
			results = append(results, res)
			continue
		}
		src := in.Path
		if in.DuplicateOf != "" {
			// A byte-identical copy was reviewed once, under the first
			// path: its copy is read as that one was and carries the
			// same marks.
			src = in.DuplicateOf
			if orig := findInput(rep, src); orig != nil {
				dup := *orig
				dup.Path, dup.DuplicateOf = in.Path, in.DuplicateOf
				in = &dup
			}
		}
		rows := 0
		for _, sh := range in.Sheets {
			rows += sh.Rows
		}
		if limit := cmp.Or(opts.MaxRows, DefaultMaxRows); rows > limit {
			res.Err = fmt.Errorf("%w: %d contracts, more than the %d an annotated copy is made for (copies are built in memory); review a part of it, with -sheet or a smaller export, to annotate it", ErrNotCopied, rows, limit)
			results = append(results, res)
			continue
		}
		w := &copyWriter{ctx: ctx, rep: rep, in: in, marks: marks.byFile[src], opts: opts}
		res.Err = w.write(out)
		if res.Err == nil {
			res.Output = out
		}
		results = append(results, res)
	}
	return results, nil
}

func findInput(rep *report.Report, path string) *report.Input {
	for i := range rep.Inputs {
		if rep.Inputs[i].Path == path {
			return &rep.Inputs[i]
		}
	}
	return nil
}

func inputPaths(rep *report.Report) []string {
	var out []string
	for _, in := range rep.Inputs {
		out = append(out, in.Path)
	}
	return out
}

// OutputNames gives each input path the file name of its copy: the input's
// name with ".annotated" before the extension (.xlsx for a CSV or TSV
// file, whose name keeps its own extension: "crew.csv.annotated.xlsx").
// Names are unique and depend only on the paths: inputs of the same name
// in different folders take their folders' names in front
// ("north_roster.annotated.xlsx", "south_roster.annotated.xlsx"), and any
// that still clash a number, in the order of their paths.
func OutputNames(paths []string) map[string]string {
	base := func(p string, depth int) string {
		name := filepath.Base(p)
		ext := strings.ToLower(filepath.Ext(name))
		var out string
		switch ext {
		case ".xlsx", ".xlsm":
			out = strings.TrimSuffix(name, filepath.Ext(name)) + ".annotated" + ext
		case ".csv", ".tsv", ".txt":
			out = name + ".annotated.xlsx"
		default:
			out = name + ".annotated.xlsx"
		}
		dir := filepath.Dir(filepath.Clean(p))
		for range depth {
			if dir == "." || dir == filepath.Dir(dir) {
				break // the top of a relative or absolute path
			}
			out = filepath.Base(dir) + "_" + out
			dir = filepath.Dir(dir)
		}
		return out
	}
	uniq := slices.Clone(paths)
	slices.Sort(uniq)
	uniq = slices.Compact(uniq)
	names := map[string]string{}
	depth := map[string]int{}
	for range 8 {
		count := map[string]int{}
		for _, p := range uniq {
			names[p] = base(p, depth[p])
			count[strings.ToLower(names[p])]++
		}
		clash := false
		for _, p := range uniq {
			if count[strings.ToLower(names[p])] > 1 {
				depth[p]++
				clash = true
			}
		}
		if !clash {
			return names
		}
	}
	// Still clashing (folders of the same names all the way up): number
	// them in the order of their paths.
	seen := map[string]int{}
	for _, p := range uniq {
		k := strings.ToLower(names[p])
		if seen[k]++; seen[k] > 1 {
			ext := filepath.Ext(names[p])
			names[p] = strings.TrimSuffix(names[p], ext) + "-" + strconv.Itoa(seen[k]) + ext
		}
	}
	return names
}

// note is one finding as a cell note shows it.
type note struct {
	rule, title, severity, message, remedy string
	column                                 string // the evidence cell's column (letter or, for text files, number); "" for none
	waived                                 bool
}

// rowMark is what the copy shows on one roster row.
type rowMark struct {
	status, risk, contractID, supplier string
	missing                            []string
	notes                              []note
}

type key struct {
	sheet string
	row   int
}

type fileMarks struct {
	rows   map[key]*rowMark
	sheets map[string]*sheetCount
}

type sheetCount struct {
	contracts, flagged, clear, insufficient, ruleErrors int
}

type allMarks struct {
	byFile map[string]*fileMarks
}

func (m *allMarks) file(name string) *fileMarks {
	fm := m.byFile[name]
	if fm == nil {
		fm = &fileMarks{rows: map[key]*rowMark{}, sheets: map[string]*sheetCount{}}
		m.byFile[name] = fm
	}
	return fm
}

// collect reads the report's contracts and findings into marks by file,
// sheet and row.
func collect(rep *report.Report) (*allMarks, error) {
	m := &allMarks{byFile: map[string]*fileMarks{}}
	err := rep.EachContract(func(c *report.Contract) error {
		fm := m.file(c.File)
		rm := &rowMark{status: c.Status, contractID: c.ContractID, supplier: c.Supplier, missing: slices.Clone(c.Missing)}
		if c.Risk != nil {
			rm.risk = *c.Risk
		}
		fm.rows[key{c.Sheet, c.Row}] = rm
		sc := fm.sheets[c.Sheet]
		if sc == nil {
			sc = &sheetCount{}
			fm.sheets[c.Sheet] = sc
		}
		sc.contracts++
		switch c.Status {
		case report.StatusFlagged:
			sc.flagged++
		case report.StatusClear:
			sc.clear++
		case report.StatusInsufficient:
			sc.insufficient++
		default:
			sc.ruleErrors++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rules := map[string]*report.Rule{}
	for i := range rep.Rules {
		rules[rep.Rules[i].ID] = &rep.Rules[i]
	}
	// Findings about a supplier's workforce as a whole, for flagged rows
	// that no finding names one by one.
	bySupplier := map[string][]note{}
	err = rep.EachFinding(func(f *report.Finding) error {
		n := note{rule: f.RuleID, title: f.Title, severity: f.Severity, message: f.Message, waived: f.Waived,
			remedy: cmp.Or(remedyOf(f), remedyOf(rules[f.RuleID])), column: evidenceColumn(f.Evidence)}
		refs := []report.ContractRef{{File: f.File, Sheet: f.Sheet, Row: f.Row}}
		if f.Scope == report.ScopeSupplier {
			bySupplier[f.Supplier] = append(bySupplier[f.Supplier], n)
			if len(f.Contracts) > 0 {
				refs = f.Contracts
			}
		}
		for _, r := range refs {
			if rm := m.file(r.File).rows[key{r.Sheet, r.Row}]; rm != nil {
				rm.notes = append(rm.notes, n)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, fm := range m.byFile {
		for _, rm := range fm.rows {
			if rm.status == report.StatusFlagged && len(rm.notes) == 0 {
				rm.notes = append(rm.notes, bySupplier[rm.supplier]...)
			}
		}
	}
	return m, nil
}

// evidenceColumn picks the cell a finding's note goes on: of the cells the
// rule read (derived values have none), the leftmost that holds a value,
// else the leftmost.
func evidenceColumn(ev map[string]report.Evidence) string {
	best, bestN, bestHas := "", 0, false
	for _, e := range ev {
		if e.Derived || e.Column == "" {
			continue
		}
		n := columnNumber(e.Column)
		if n <= 0 {
			continue
		}
		has := e.Value != nil
		if best == "" || has && !bestHas || has == bestHas && n < bestN {
			best, bestN, bestHas = e.Column, n, has
		}
	}
	return best
}

// columnNumber reads a column as the report names it: a letter ("AB") or,
// for a text file, a number ("4").
func columnNumber(col string) int {
	if n, err := strconv.Atoi(col); err == nil {
		return n
	}
	n := 0
	for _, r := range strings.ToUpper(col) {
		if r < 'A' || r > 'Z' {
			return 0
		}
		n = n*26 + int(r-'A'+1)
	}
	return n
}

// remedyOf reads the Remedy of a report finding or rule when the report
// carries one (rule files may give a `remedy:`); "" otherwise. It is read
// by name so that copies show remedies wherever the report has them.
func remedyOf(v any) string {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || rv.Kind() == reflect.Pointer && rv.IsNil() {
		return ""
	}
	rv = reflect.Indirect(rv)
	if rv.Kind() != reflect.Struct {
		return ""
	}
	if f := rv.FieldByName("Remedy"); f.IsValid() && f.Kind() == reflect.String {
		return strings.TrimSpace(f.String())
	}
	return ""
}

// statusText is what the laborcheck column holds for a row.
func (rm *rowMark) statusText() string {
	var ids []string
	for _, n := range rm.notes {
		id := n.rule
		if n.waived {
			id += " (waived)"
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	switch rm.status {
	case report.StatusFlagged:
		s := "flagged"
		if rm.risk != "" {
			s += " (" + rm.risk + ")"
		}
		if len(ids) > 0 {
			s += ": " + strings.Join(ids, ", ")
		}
		return s
	case report.StatusClear:
		return "clear"
	case report.StatusInsufficient:
		s := "insufficient data"
		if len(rm.missing) > 0 {
			s += ": blank or unreadable " + strings.Join(rm.missing, ", ")
		}
		return s
	case report.StatusRuleError:
		return "rule error"
	}
	return rm.status
}

// noteText is the text of the note on one cell: every finding read from
// it.
func noteText(notes []note) string {
	var b strings.Builder
	for i, n := range notes {
		if i > 0 {
			b.WriteString("\n\n")
		}
		fmt.Fprintf(&b, "%s [%s, %s]", n.title, n.rule, n.severity)
		if n.waived {
			b.WriteString(" (waived)")
		}
		if n.message != "" {
			b.WriteString("\n" + n.message)
		}
		if n.remedy != "" {
			b.WriteString("\nRemedy: " + n.remedy)
		}
	}
	return b.String()
}

// severityRank orders severity words, critical highest.
func severityRank(s string) int {
	sev, _ := contract.ParseSeverity(s)
	return int(sev)
}

// writeAtomic writes a copy through a temporary file in the same folder,
// renamed into place once whole, so that a failed or interrupted write
// leaves no partial copy and any earlier copy as it was.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
