package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/header"
	"github.com/laborcheck/laborcheck/internal/xlsx"
)

const (
	// headerScanRows is how many non-blank rows header detection looks at.
	headerScanRows = 30
	// minHeaderFields is how many cells of a row must name distinct fields
	// for it to be taken as the header (1 when the user named the sheet).
	minHeaderFields = 2
	// dateSampleRows is how many data rows are buffered to decide each date
	// column's order before any contract is handed on.
	dateSampleRows = 200
	// noteRowList is how many row numbers a note lists before "…".
	noteRowList = 5
	// rowsHeld bounds how many of the rows a rowSource returned readTable
	// may still be using: it buffers rows to find the header and decide
	// date orders, then handles each row before asking for the next. A
	// source may reuse the memory of older rows.
	rowsHeld = headerScanRows + dateSampleRows + 1
)

// rawRow is one row of cells as the lower layer reads it, before any mapping.
type rawRow struct {
	num    int        // the row number a spreadsheet shows; for text, the record's first line
	cells  []string   // cell text as shown (dates as ISO dates), left to right; may be shorter than the header
	meta   []cellMeta // workbooks: what each cell holds beyond its text; nil for text
	hidden bool       // the row is hidden in the sheet
	slab   *rowSlab   // the memory of cells and meta when a source reuses it; nil otherwise
	beyond bool       // the row has cells right of the columns the source was asked to keep (see keepColumns)
	// Workbooks: cells without a value (formulas never calculated, shared
	// strings the workbook does not have) in this row and the blank rows
	// just before it, for the sheet's notes.
	uncached, badShared int32
}

// rowSource yields a table's rows. Both workbooks and delimited text are read
// through it.
type rowSource interface {
	// next returns the next row with at least one non-blank cell, io.EOF
	// after the last, or ctx.Err() when the context ends.
	next() (rawRow, error)
}

// layout says how a table's columns are named.
type layout struct {
	text     bool // delimited text: columns are numbered, issues name the header
	date1904 bool // the workbook's date system, for Hints.Date1904
	forced   bool // the user named this sheet
}

// table reads one sheet's rows into contracts.
type table struct {
	r   *reader
	sh  *Sheet
	src rowSource
	lay layout

	mapped    []int    // indexes of the columns whose values are read
	headerKey []string // normalised header text per column
	idCols    []int    // columns holding contract_id, worker_id or passport_number
	nameCol   int      // the worker_name column, or -1

	totals    []int // row numbers of the first skipped totals rows
	totalsN   int   // totals rows skipped
	repeated  int   // repeated header rows skipped
	noValue   int   // rows with nothing in any mapped column
	hidden    int   // hidden rows read as contracts
	beyond    int   // rows with cells right of the header's last column
	limitNote bool  // reading stopped at MaxRows
	plan      *rowPlan
	fill      []fillCol // grouped columns whose blank cells take the value above
}

// fillCol is a column written once above each block of rows (an employer
// or a country over its workers, often a merged cell): its blank cells are
// filled down from the last value above them.
type fillCol struct {
	i     int
	last  string
	n     int   // cells filled
	first []int // the first rows filled, for the note
}

// readTable finds the header among the first rows of src, maps its columns,
// and hands each data row to fn as a contract. It returns only fn's error or
// the context's; anything wrong with the sheet itself goes to sh.
func (r *reader) readTable(sh *Sheet, src rowSource, lay layout) error {
	if r.cells != nil {
		return r.copyCells(sh, src)
	}
	var (
		pre    []rawRow
		srcErr error // ends the source: io.EOF or a failure
	)
	for len(pre) < headerScanRows {
		row, err := src.next()
		if err != nil {
			srcErr = err
			break
		}
		pre = append(pre, row)
	}
	if srcErr != nil && !errors.Is(srcErr, io.EOF) && r.isCancel(srcErr) {
		return srcErr
	}
	hi, best := r.findHeader(pre)
	need := minHeaderFields
	if lay.forced {
		need = 1
	}
	switch {
	case best >= need:
	case srcErr != nil && !errors.Is(srcErr, io.EOF):
		return r.sheetFailed(sh, srcErr)
	case len(pre) == 0:
		sh.Skipped = "no data: every cell is blank"
		return nil
	case len(pre) < headerScanRows:
		sh.Skipped = fmt.Sprintf("no header row: at most %d of the %d rows' cells name a known field", best, len(pre))
		r.candidateColumns(sh, pre, hi, best, lay)
		return nil
	default:
		sh.Skipped = fmt.Sprintf("no header row: at most %d of the first %d rows' cells name a known field", best, len(pre))
		r.candidateColumns(sh, pre, hi, best, lay)
		return nil
	}
	t := &table{r: r, sh: sh, src: src, lay: lay, nameCol: -1}
	keep, _ := src.(interface{ keepColumns(int) })
	if keep != nil {
		// Cells right of the header are not read: the source need not
		// keep them, even for the rows buffered next.
		keep.keepColumns(len(pre[hi].cells))
	}

	// Buffer the first data rows: their values confirm or refute what the
	// headers say, and decide the date orders. Then stream.
	buf := pre[hi+1:]
	for srcErr == nil && len(buf) < dateSampleRows {
		row, err := src.next()
		if err != nil {
			srcErr = err
			break
		}
		buf = append(buf, row)
	}
	var above *rawRow
	if hi > 0 {
		above = &pre[hi-1]
	}
	t.mapColumns(pre[hi], above, buf)
	if keep != nil {
		keep.keepColumns(len(t.sh.Columns))
	}
	t.decideDates(buf)
	for i := 0; ; i++ {
		var row rawRow
		switch {
		case i < len(buf):
			row = buf[i]
		case srcErr == nil:
			row, srcErr = src.next()
		}
		if i >= len(buf) && srcErr != nil {
			break
		}
		if t.atLimit() {
			t.limitNote = true
			break
		}
		if err := t.row(row); err != nil {
			t.finish()
			return err
		}
	}
	t.finish()
	if srcErr != nil && !errors.Is(srcErr, io.EOF) && !t.limitNote {
		return r.sheetFailed(sh, srcErr)
	}
	return nil
}

// isCancel reports the context's own error.
func (r *reader) isCancel(err error) bool {
	if ctxErr := r.ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
		return true
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// sheetFailed records a source error on the sheet, except the context's
// own, which stops the whole read. Once the context is cancelled, any
// failure (a reader that stopped early, a pipe closed under it) may be the
// cancellation's doing, so the sheet is not blamed: the read stops with the
// context's error, and no partial sheet passes for a read one.
func (r *reader) sheetFailed(sh *Sheet, err error) error {
	if r.isCancel(err) {
		return err
	}
	if ctxErr := r.ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	sh.Err = r.sheetError(sh.Name, err)
	return nil
}

// sheetError wraps an error reading one sheet (or the table of a text file).
func (r *reader) sheetError(name string, err error) *FileError {
	var fe *FileError
	if errors.As(err, &fe) {
		fe.Sheet = name
		return fe
	}
	where := "the text"
	if name != "" {
		where = fmt.Sprintf("sheet %q", name)
	}
	return &FileError{Path: r.path, Sheet: name, Kind: ErrCorrupt, Reason: fmt.Sprintf("%s could not be read to the end: %v", where, err), Hint: hintResave}
}

// findHeader returns the index of the row whose cells name the most distinct
// fields (the first such row), and that number.
func (r *reader) findHeader(rows []rawRow) (int, int) {
	best, bestN := 0, -1
	for i, row := range rows {
		n := r.opts.Matcher.HeaderFields(row.cells)
		if n > bestN {
			best, bestN = i, n
		}
	}
	return best, bestN
}

// mapColumns builds the sheet's columns from the header row, the row above
// it (a band of category headings over some columns: "Passport" over
// "Number" and "Held by") and the first data rows, whose values confirm or
// refute what a header says.
func (t *table) mapColumns(h rawRow, above *rawRow, data []rawRow) {
	m := t.r.opts.Matcher
	t.sh.HeaderRow = h.num
	width := len(h.cells)
	for width > 0 && strings.TrimSpace(h.cells[width-1]) == "" {
		width--
	}
	bands := t.bands(above, width)
	cols := make([]header.Column, width)
	texts := make([]string, width)
	for i := range width {
		text := strings.TrimSpace(h.cells[i])
		texts[i] = text
		if b := bands[i]; b != "" && text != "" {
			// The band is read with the header where together they name
			// a field more clearly than the header alone.
			_, alone := m.Score(text)
			if f, both := m.Score(b + " " + text); f != nil && both > alone+0.01 {
				texts[i] = b + " " + text
			}
		}
		vals := make([]string, 0, len(data))
		for _, row := range data {
			if i < len(row.cells) {
				vals = append(vals, row.cells[i])
			}
		}
		cols[i] = header.Column{Header: texts[i], Values: vals, Hints: contract.Hints{Date1904: t.lay.date1904}}
	}
	matches := m.MatchSheet(cols)
	t.sh.Columns = make([]Column, width)
	t.headerKey = make([]string, width)
	byField := map[*contract.Field]int{}
	for i := range width {
		mt := matches[i]
		col := Column{Letter: t.letter(i), Header: texts[i], Match: mt, Field: mt.Field}
		col.Hints = mt.Hints
		col.Hints.DateOrder = t.r.opts.DateOrder
		col.Hints.Date1904 = t.lay.date1904
		t.headerKey[i] = contract.NormalizeHeader(strings.TrimSpace(h.cells[i]))
		if f := col.Field; f != nil {
			byField[f] = i
			t.mapped = append(t.mapped, i)
			switch f.Name {
			case "contract_id", "worker_id", "passport_number":
				t.idCols = append(t.idCols, i)
			case "worker_name":
				t.nameCol = i
			}
		}
		t.sh.Columns[i] = col
	}
	// A column whose field another column matched better is the runner-up
	// for it: it is listed with that field, marked duplicate, and noted.
	dups := map[int][]int{}
	for i := range width {
		col := &t.sh.Columns[i]
		if col.Field != nil || col.Match.RunnerUp == nil || !strings.HasPrefix(col.Match.Reason, "also reads as ") {
			continue
		}
		f := col.Match.RunnerUp.Field
		if j, ok := byField[f]; ok {
			col.Field, col.Duplicate = f, true
			dups[j] = append(dups[j], i)
		}
	}
	for _, j := range t.mapped {
		if later := dups[j]; len(later) > 0 {
			t.noteDuplicates(j, later)
		}
	}
	if h, ok := t.src.(interface{ columnHidden(col int) bool }); ok {
		for _, i := range t.mapped {
			if col := &t.sh.Columns[i]; h.columnHidden(i + 1) {
				t.note("%s (%s) is hidden in the sheet", t.colRef(i, col), col.Field.Name)
			}
		}
	}
	t.planFillDown(data)
}

// bands returns, for each column, the category heading written in the row
// above the header over it (a merged cell keeps its text in its first
// column and spans the blank ones after it); "" where there is none. A row
// above that is as full as the header, or that is a title (one cell), is no
// band.
func (t *table) bands(above *rawRow, width int) []string {
	out := make([]string, width)
	if above == nil {
		return out
	}
	filled := 0
	for i := 0; i < width && i < len(above.cells); i++ {
		if strings.TrimSpace(above.cells[i]) != "" {
			filled++
		}
	}
	if filled < 2 || filled*2 > width {
		return out
	}
	cur := ""
	for i := range width {
		if i < len(above.cells) {
			if c := strings.TrimSpace(above.cells[i]); c != "" {
				cur = c
			}
		}
		out[i] = cur
	}
	return out
}

// noteDuplicates explains the columns ignored because column first already
// maps to their field.
func (t *table) noteDuplicates(first int, later []int) {
	cols := t.sh.Columns
	name := cols[first].Field.Name
	if len(later) == 1 {
		i := later[0]
		t.note("%s and %s both map to %s: %s ignored", t.colRef(first, &cols[first]), t.colRef(i, &cols[i]), name, t.colName(i, &cols[i]))
		return
	}
	var refs []string
	for k, i := range later {
		if k == noteRowList {
			refs = append(refs, fmt.Sprintf("%d more", len(later)-noteRowList))
			break
		}
		refs = append(refs, t.colName(i, &cols[i]))
	}
	t.note("%d more columns map to %s, already read from %s: %s ignored", len(later), name, t.colRef(first, &cols[first]), strings.Join(refs, ", "))
}

func (t *table) letter(i int) string {
	if t.lay.text {
		return strconv.Itoa(i + 1)
	}
	return columnLetter(i + 1)
}

// colName names a column briefly: its letter, or for text "column 4".
func (t *table) colName(i int, c *Column) string {
	if t.lay.text {
		return "column " + c.Letter
	}
	return c.Letter
}

// colRef names a column in a note: "column F" or, for text, `column 6 ("DOB")`.
func (t *table) colRef(i int, c *Column) string {
	if t.lay.text && c.Header != "" {
		return fmt.Sprintf("column %s (%q)", c.Letter, c.Header)
	}
	return "column " + c.Letter
}

func (t *table) note(format string, args ...any) {
	t.sh.Notes = append(t.sh.Notes, fmt.Sprintf(format, args...))
}

// decideDates sets each date column's order from the buffered rows'
// values. The sheet decides together: a column whose values settle the
// order (a day over 12) settles it for the sheet's columns whose values
// could be read either way, as one roster is written one way throughout.
func (t *table) decideDates(rows []rawRow) {
	type dateCol struct {
		i         int
		vals      []string
		order     contract.DateOrder
		ambiguous bool
	}
	var cols []dateCol
	for _, i := range t.mapped {
		col := &t.sh.Columns[i]
		if col.Field.Type != contract.Date {
			continue
		}
		vals := make([]string, 0, len(rows))
		for _, row := range rows {
			if i < len(row.cells) {
				vals = append(vals, row.cells[i])
			}
		}
		order, ambiguous := contract.DetectDateOrder(vals)
		cols = append(cols, dateCol{i, vals, order, ambiguous})
	}
	// The sheet's order: what every column that settles one agrees on.
	sheet, settledBy := contract.DateOrderUnknown, -1
	for k, c := range cols {
		if c.order == contract.DateOrderUnknown {
			continue
		}
		if sheet != contract.DateOrderUnknown && sheet != c.order {
			sheet, settledBy = contract.DateOrderUnknown, -1
			break
		}
		if sheet == contract.DateOrderUnknown {
			sheet, settledBy = c.order, k
		}
	}
	for _, c := range cols {
		col := &t.sh.Columns[c.i]
		label := fmt.Sprintf("column %s (%s)", col.Letter, col.Field.Name)
		if c.order == contract.DateOrderUnknown && c.ambiguous && sheet != contract.DateOrderUnknown {
			by := &t.sh.Columns[cols[settledBy].i]
			ev := dateExamples(cols[settledBy].vals)
			ex := ev.dayFirst
			if sheet == contract.MonthFirst {
				ex = ev.monthFirst
			}
			col.Hints.DateOrder = sheet
			t.note("%s: dates read %s, as column %s (%s) settles for the sheet%s", label, sheet, by.Letter, by.Field.Name, example(ex))
			continue
		}
		order, note := decideDateOrder(c.vals, t.r.opts.DateOrder, label)
		col.Hints.DateOrder = order
		if note != "" {
			t.sh.Notes = append(t.sh.Notes, note)
		}
	}
}

// planFillDown finds the columns of the sheet's grouped fields (the
// vocabulary marks them: employer, supplier, country, region, agency) that
// are laid out in blocks: a value in the first data row and blanks below
// some values.
func (t *table) planFillDown(data []rawRow) {
	m := t.r.opts.Matcher
	for _, i := range t.mapped {
		f := t.sh.Columns[i].Field
		if !m.FillDown(f) || len(data) < 2 || blankCell(data[0].cells, i) {
			continue
		}
		blanks := 0
		for _, row := range data[1:] {
			if blankCell(row.cells, i) {
				blanks++
			}
		}
		if blanks > 0 {
			t.fill = append(t.fill, fillCol{i: i})
		}
	}
}

func blankCell(cells []string, i int) bool { return strings.TrimSpace(cell(cells, i)) == "" }

// fillDown fills the blank cells of grouped columns from the row above. It
// copies the row's cells before changing them: their memory may be shared.
func (t *table) fillDown(num int, cells []string) []string {
	copied := false
	for k := range t.fill {
		fc := &t.fill[k]
		if !blankCell(cells, fc.i) {
			fc.last = strings.Clone(strings.TrimSpace(cells[fc.i]))
			continue
		}
		if fc.last == "" {
			continue
		}
		if !copied {
			width := len(cells)
			for _, c := range t.fill {
				width = max(width, c.i+1)
			}
			n := make([]string, width)
			copy(n, cells)
			cells, copied = n, true
		}
		cells[fc.i] = fc.last
		if fc.n++; len(fc.first) < noteRowList {
			fc.first = append(fc.first, num)
		}
	}
	return cells
}

func (t *table) atLimit() bool {
	return t.r.opts.MaxRows > 0 && t.sh.Rows >= t.r.opts.MaxRows
}

// row turns one data row into a contract, unless it is not one.
func (t *table) row(row rawRow) error {
	cells := row.cells
	if !t.hasMappedValue(cells) {
		t.noValue++
		return nil
	}
	if t.isRepeatedHeader(cells) {
		t.repeated++
		return nil
	}
	if t.isTotals(cells) {
		if t.totalsN++; len(t.totals) < noteRowList {
			t.totals = append(t.totals, row.num)
		}
		return nil
	}
	if row.beyond {
		t.beyond++
	} else {
		for j := len(t.sh.Columns); j < len(cells); j++ {
			if strings.TrimSpace(cells[j]) != "" {
				t.beyond++
				break
			}
		}
	}
	if row.hidden {
		t.hidden++
	}
	if len(t.fill) > 0 {
		row.cells = t.fillDown(row.num, row.cells)
	}
	if t.plan == nil {
		t.plan = &rowPlan{path: t.r.path, sheet: t.sh.Name, fields: t.r.opts.Schema.Len()}
		t.plan.columns = contract.NewColumns(t.plan.fields)
		if src, ok := t.src.(*xlsxSheet); ok {
			t.plan.shared = &src.wb.memo
		}
		for _, i := range t.mapped {
			col := &t.sh.Columns[i]
			t.plan.cols = append(t.plan.cols, planColumn{i: i, field: col.Field, hints: col.Hints, column: t.issueColumn(i, col),
				values: foldValues(t.r.opts.ValueMap[col.Field.Name]), memo: columnMemo(&t.r.opts, col.Field)})
			fi := col.Field.Index
			t.plan.columns.Has[fi] = true
			t.plan.columns.Header[fi] = col.Header
			t.plan.columns.Letter[fi] = col.Letter
			t.plan.columns.Note[fi] = col.Conversion()
		}
		t.plan.blank = blankRuns(t.plan.fields, t.plan.columns.Has)
	}
	t.sh.Rows++
	r := &Row{plan: t.plan, num: row.num, cells: row.cells, meta: row.meta, slab: row.slab}
	if r.slab != nil {
		r.slab.hold()
	}
	return t.r.call(r)
}

// Row is a roster row that is a contract, its cells not yet read as field
// values (see ReadRows).
type Row struct {
	plan  *rowPlan
	num   int
	cells []string
	meta  []cellMeta
	slab  *rowSlab // the memory of cells and meta, shared with other rows
}

// rowPlan is how the rows of one table are read: fixed once the table's
// header and date orders are decided, before any row is handed on.
type rowPlan struct {
	path, sheet string
	fields      int // the schema's length
	cols        []planColumn
	columns     *contract.Columns // the fields the sheet has columns for, shared by its contracts
	shared      *sharedMemo       // workbooks: readings by cellMeta.key; nil otherwise
	blank       [][2]int          // the fields no column sets, as runs [from, to) of indexes
}

// blankRuns returns the indexes below n that has does not mark, as runs.
func blankRuns(n int, has []bool) [][2]int {
	var runs [][2]int
	for i := 0; i < n; {
		if i < len(has) && has[i] {
			i++
			continue
		}
		j := i + 1
		for j < n && (j >= len(has) || !has[j]) {
			j++
		}
		runs = append(runs, [2]int{i, j})
		i = j
	}
	return runs
}

type planColumn struct {
	i      int // in the row's cells
	field  *contract.Field
	hints  contract.Hints
	column string            // as data issues name it
	values map[string]string // the user's cell wordings (Options.ValueMap), keys folded; nil when none
	memo   *parseMemo        // the texts of the column's field already read (see Memos); nil reads every cell
}

// foldValues keys the user's cell wordings for one field by their
// contract.NormalizeWord folding.
func foldValues(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if w := contract.NormalizeWord(k); w != "" {
			out[w] = v
		}
	}
	return out
}

// Fill reads the row into c, a contract with the schema's length of
// values, and returns the cells that could not be read. It sets every
// value of c, so c need not be blank (see contract.Pool.GetFill): the
// fields the sheet has columns for are each written whole, the others
// cleared. It may be called on any goroutine, once, before Release.
func (row *Row) Fill(c *contract.Contract) []contract.DataIssue {
	p := row.plan
	c.File, c.Sheet, c.Row, c.Issues, c.Columns = p.path, p.sheet, row.num, 0, p.columns
	for _, r := range p.blank {
		clear(c.Values[r[0]:r[1]])
	}
	var issues []contract.DataIssue
	for k := range p.cols {
		pc := &p.cols[k]
		i := pc.i
		raw := cell(row.cells, i)
		var meta cellMeta
		if i < len(row.meta) {
			meta = row.meta[i]
		}
		if meta.cut || len(raw) > MaxCellChars && utf8.RuneCountInString(raw) > MaxCellChars {
			// Longer than a spreadsheet cell can be: not read, and kept
			// short in the reports. (The workbook reader cuts such text
			// as it reads it, so its length is not known.)
			problem := fmt.Sprintf("more than the %d characters a spreadsheet cell holds", MaxCellChars)
			if !meta.cut {
				problem = fmt.Sprintf("%d characters, more than the %d a spreadsheet cell holds", utf8.RuneCountInString(raw), MaxCellChars)
			}
			c.Values[pc.field.Index] = contract.Value{Raw: clip(raw)}
			issues = append(issues, contract.DataIssue{File: p.path, Sheet: p.sheet, Row: row.num, Column: pc.column,
				Field: pc.field.Name, Value: clip(raw), Problem: problem})
			continue
		}
		if raw == "" && (meta.kind == cellUncached || meta.kind == cellBadShared) {
			// The file holds no value for the cell: unknown, which a blank
			// would hide.
			problem := "a formula with no saved value: the program that wrote the file did not calculate it (open and save it in Excel or LibreOffice)"
			if meta.kind == cellBadShared {
				problem = "the cell points to a shared string the workbook does not have"
			}
			c.Values[pc.field.Index] = contract.Value{}
			issues = append(issues, contract.DataIssue{File: p.path, Sheet: p.sheet, Row: row.num, Column: pc.column,
				Field: pc.field.Name, Problem: problem})
			continue
		}
		in, h, key := raw, pc.hints, int32(0)
		switch meta.kind {
		case cellText:
			key = meta.key
		case cellNumber:
			h.Numeric, key = true, meta.key
			if h.Currency == "" {
				h.Currency = meta.currency
			}
		case cellDate:
			in, h.Numeric, key = meta.stored, true, meta.key
		case cellElapsed:
			in, h.Numeric = meta.stored, true
		}
		if pc.values != nil {
			// The user's own reading of a wording wins over everything
			// else. It is written in the field's own terms, so the
			// column's conversions (inverted questions, units, yes/no
			// stand-ins) do not apply to it.
			if rep, ok := pc.values[contract.NormalizeWord(raw)]; ok {
				in, key = rep, 0
				h = contract.Hints{Currency: h.Currency, DateOrder: h.DateOrder, Date1904: h.Date1904}
			}
		}
		v := &c.Values[pc.field.Index]
		problem, bad := pc.memo.parseShared(pc.field, v, in, h, p.shared, key)
		v.Raw = raw
		if bad {
			*v = contract.Value{Raw: raw}
			issues = append(issues, contract.DataIssue{
				File:    p.path,
				Sheet:   p.sheet,
				Row:     row.num,
				Column:  pc.column,
				Field:   pc.field.Name,
				Value:   raw,
				Problem: problem,
			})
		}
	}
	c.Issues = len(issues)
	return issues
}

// MaxCellChars is the most characters a cell holds in Excel, and the most
// laborcheck reads from one cell.
const MaxCellChars = 32767

// clipChars is how much of an over-long cell reports quote.
const clipChars = 200

// clip returns the start of an over-long cell's text, marked as cut.
func clip(s string) string {
	n := 0
	for i := range s {
		if n == clipChars {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// Release says the row is no longer needed: its memory may be reused.
func (row *Row) Release() {
	if row.slab != nil {
		row.slab.release()
		row.slab = nil
	}
	row.cells, row.meta = nil, nil
}

// issueColumn names a column in a DataIssue: the letter for sheets, the
// header for text.
func (t *table) issueColumn(i int, c *Column) string {
	if t.lay.text {
		if c.Header != "" {
			return c.Header
		}
		return c.Letter
	}
	return c.Letter
}

func cell(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}

func (t *table) hasMappedValue(cells []string) bool {
	for _, i := range t.mapped {
		if strings.TrimSpace(cell(cells, i)) != "" {
			return true
		}
	}
	return false
}

// isRepeatedHeader reports a row that repeats the header's text in at least
// two mapped columns (or the only one), as printed rosters repeat it on each page.
func (t *table) isRepeatedHeader(cells []string) bool {
	need := min(2, len(t.mapped))
	same := 0
	for _, i := range t.mapped {
		if v := cell(cells, i); v != "" && normalizedIs(v, t.headerKey[i]) {
			same++
		}
	}
	return same >= need
}

// normalizedIs reports whether contract.NormalizeHeader(h) == key. It runs
// once per mapped cell of every row, so ASCII text (nearly all of it) is
// compared as it is folded, without building the folded string.
func normalizedIs(h, key string) bool {
	j := 0
	space, started := false, false
	expect := func(c byte) bool {
		if j < len(key) && key[j] == c {
			j++
			return true
		}
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c >= 0x80:
			return contract.NormalizeHeader(h) == key
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == '#':
			if started && !expect(' ') || !expect('n') || !expect('o') {
				return false
			}
			started, space = true, true
			continue
		default:
			space = true
			continue
		}
		if space && started && !expect(' ') || !expect(c) {
			return false
		}
		started, space = true, false
	}
	return j == len(key)
}

// isTotals reports a totals row: a text cell such as "Total" or "Grand
// total", no contract, worker or passport id, and only numbers elsewhere.
func (t *table) isTotals(cells []string) bool {
	// A row with two ids (contract, worker, passport) is not a totals row,
	// whichever cell might be its label: the quick answer for contracts.
	ids := 0
	for _, i := range t.idCols {
		if strings.TrimSpace(cell(cells, i)) != "" {
			if ids++; ids == 2 {
				return false
			}
		}
	}
	label := -1
	for i, c := range cells {
		if isTotalLabel(c) {
			label = i
			break
		}
	}
	if label < 0 {
		return false
	}
	for _, i := range t.idCols {
		if i != label && strings.TrimSpace(cell(cells, i)) != "" {
			return false
		}
	}
	if t.nameCol >= 0 && t.nameCol != label && strings.TrimSpace(cell(cells, t.nameCol)) != "" {
		return false
	}
	for i, c := range cells {
		if i == label {
			continue
		}
		if c = strings.TrimSpace(c); c != "" && !looksNumeric(c) {
			return false
		}
	}
	return true
}

// isTotalLabel matches "Total", "TOTAL:", "Totals", "Grand Total", "Sub-total",
// "Subtotal (USD)", "Sum" and the like.
func isTotalLabel(s string) bool {
	if !mayBeTotalLabel(s) {
		return false
	}
	words := strings.Fields(contract.NormalizeHeader(s))
	if len(words) == 0 || len(words) > 4 {
		return false
	}
	switch words[0] {
	case "total", "totals", "subtotal", "subtotals":
		return true
	case "sum":
		return len(words) == 1 || words[1] == "total"
	case "grand", "sub", "overall":
		return len(words) > 1 && (words[1] == "total" || words[1] == "totals")
	}
	return false
}

// mayBeTotalLabel is false for ASCII text whose first folded word cannot
// start a totals label: a quick test for every cell of every row, before
// isTotalLabel folds the text.
func mayBeTotalLabel(s string) bool {
	var w [10]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80:
			return true
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == '#':
			if n == 0 {
				return false // the first word is "no"
			}
			c = 0
		default:
			c = 0
		}
		if c == 0 {
			if n > 0 {
				break
			}
			continue
		}
		if n == len(w) {
			return false
		}
		w[n] = c
		n++
		if i+1 == len(s) {
			break
		}
	}
	switch string(w[:n]) {
	case "total", "totals", "subtotal", "subtotals", "sum", "grand", "sub", "overall":
		return true
	}
	return false
}

// looksNumeric reports text that is a number, perhaps with a currency symbol
// or code, separators, a sign, brackets or a percent sign.
func looksNumeric(s string) bool {
	digits, letters := 0, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case unicode.IsLetter(r):
			letters++
		case strings.ContainsRune(" ,.'’()-+%\u00a0", r), unicode.Is(unicode.Sc, r):
		default:
			return false
		}
	}
	return digits > 0 && letters <= 3
}

// finish writes the sheet's notes about rows that were not contracts and
// cells that could not be read.
func (t *table) finish() {
	if n, ok := t.src.(interface{ notes() []string }); ok {
		t.sh.Notes = append(t.sh.Notes, n.notes()...)
	}
	for _, fc := range t.fill {
		if fc.n > 0 {
			col := &t.sh.Columns[fc.i]
			t.note("%s (%s): %s filled down from the row above (%s), as the value is written once above its block of rows", t.colRef(fc.i, col), col.Field.Name,
				plural(fc.n, "blank cell", "blank cells"), rowList(fc.first, fc.n))
		}
	}
	if t.totalsN > 0 {
		t.note("%s skipped (%s)", plural(t.totalsN, "totals row", "totals rows"), rowList(t.totals, t.totalsN))
	}
	if t.repeated > 0 {
		t.note("%s skipped", plural(t.repeated, "repeated header row", "repeated header rows"))
	}
	if t.noValue > 0 {
		t.note("%s with no value in any recognised column skipped", plural(t.noValue, "row", "rows"))
	}
	if t.hidden > 0 {
		t.note("%s (read as contracts)", plural(t.hidden, "hidden row", "hidden rows"))
	}
	if t.beyond > 0 {
		t.note("%s cells right of the header's last column (ignored)", plural(t.beyond, "row has", "rows have"))
	}
	if t.limitNote {
		t.note("stopped after %s (the row limit)", plural(t.sh.Rows, "contract", "contracts"))
	}
	if m, ok := t.src.(interface{ merged() []xlsx.CellRange }); ok {
		t.noteMerged(m.merged())
	}
}

// noteMerged notes the merged cells that span several rows of the table in
// a column it reads: the spreadsheet shows their value on every row, the
// file holds it in the first row only.
func (t *table) noteMerged(ranges []xlsx.CellRange) {
	n := 0
	var first []string
	for _, c := range ranges {
		if c.LastRow == c.FirstRow || c.LastRow <= t.sh.HeaderRow {
			continue
		}
		read := false
		for _, i := range t.mapped {
			if i >= c.FirstCol && i <= c.LastCol {
				read = true
				break
			}
		}
		if !read {
			continue
		}
		if n++; len(first) < 3 {
			first = append(first, fmt.Sprintf("%s%d:%s%d", xlsx.ColumnLetter(c.FirstCol), c.FirstRow, xlsx.ColumnLetter(c.LastCol), c.LastRow))
		}
	}
	if n == 0 {
		return
	}
	list := strings.Join(first, ", ")
	if n > len(first) {
		list += ", …"
	}
	t.note("%s over several rows of the table (%s): the file holds a merged cell's value in its first row only, so the rows below read it as blank unless filled down",
		plural(n, "merged cell spans", "merged cells span"), list)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// rowList renders "row 7" or "rows 7, 9, 12 and 4 more" from the first row
// numbers and the total count.
func rowList(rows []int, total int) string {
	var b strings.Builder
	b.WriteString("row")
	if total > 1 {
		b.WriteString("s")
	}
	for i, n := range rows {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %d", n)
	}
	if total > len(rows) {
		fmt.Fprintf(&b, " and %d more", total-len(rows))
	}
	return b.String()
}

// columnLetter turns a 1-based column number into its letters: 1 → A, 28 → AB.
func columnLetter(n int) string {
	var b [8]byte
	i := len(b)
	for n > 0 {
		n--
		i--
		b[i] = byte('A' + n%26)
		n /= 26
	}
	return string(b[i:])
}
