package rules

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"go.yaml.in/yaml/v3"

	"github.com/laborcheck/laborcheck/internal/xlsx"
)

// Lookup tables.
//
// A rule file may declare tables of reference data, such as minimum wages
// by country and year, kept in CSV or XLSX files beside it. The first row of
// the file names the columns. Some columns form the key; the others hold
// values, each a number or text. A rule reads a row with a function named
// after the table,
//
//	tables.min_wage(contract.employer_country, contract.start_date.getFullYear()).monthly_wage
//
// whose arguments are the key's values in order. Keys match after trimming
// spaces and folding case; a whole number matches its digits (2024 and
// 2024.0 both match "2024"), a date matches YYYY-MM-DD.
//
// A key the table has no row for, and a blank value cell, are unknown, like
// a blank contract field: the rule ends as insufficient data, naming the
// table and key, never as a pass.

// ColumnType is the type of a table's value column.
type ColumnType int

// Column types.
const (
	TextColumn   ColumnType = iota // CEL string
	NumberColumn                   // CEL double
)

func (t ColumnType) String() string {
	if t == NumberColumn {
		return "number"
	}
	return "text"
}

// TableColumn is one value column of a table.
type TableColumn struct {
	Name  string
	Type  ColumnType
	index int // position in the file's header
	node  *yaml.Node
}

// Table is a lookup table declared in a rule file and loaded from its data
// file.
type Table struct {
	Name    string
	File    string // as written in the rule file
	Path    string // the data file as read: relative to the working directory, or builtin:<name>
	SHA256  string // of the data file
	Sheet   string // XLSX: the sheet; "" means the first
	Key     []string
	Columns []*TableColumn // value columns
	Line    int

	rows     map[string]*tableRow
	keyIndex []int // header positions of the key columns
	key      *yaml.Node
	fileNode *yaml.Node
	keyNode  *yaml.Node

	columnsNode *yaml.Node
}

// Rows is the number of rows the table holds.
func (t *Table) Rows() int { return len(t.rows) }

type tableRow struct {
	line  int
	key   []string // as written
	cells []tableCell
}

type tableCell struct {
	present bool
	num     float64
	text    string
}

// keyOf joins normalised key values.
func keyOf(vals []string) string {
	for i, v := range vals {
		vals[i] = strings.ToLower(strings.TrimSpace(v))
	}
	return strings.Join(vals, "\x00")
}

var thousands = regexp.MustCompile(`^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$`)

// parseNumber reads a table cell as a number: plain digits, an optional
// sign and decimal point, and ',' as a thousands separator.
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if thousands.MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// records passes each row of a table file to fn, in order, with its line
// (a CSV record's number, a sheet's row number), stopping at the first
// error fn returns. The slice fn receives is reused for the next row: fn
// copies what it keeps. A file of more than MaxTableRows rows is a
// *TableRowsError.
type records func(fn func(line int, rec []string) error) error

// MaxTableRows is the most rows a table file may have: reference tables
// (minimum wages, lists of entities) run to thousands of rows, not
// millions, and every row is held in memory.
const MaxTableRows = 1_000_000

// tableRowLimit is MaxTableRows, lowered by tests.
var tableRowLimit = MaxTableRows

// maxTableInflated bounds what a workbook table may inflate to.
const maxTableInflated = 512 << 20

// TableRowsError is a table file with more rows than MaxTableRows.
type TableRowsError struct{ Limit int }

func (e *TableRowsError) Error() string {
	return fmt.Sprintf("the file has more than %d rows, the most a table may have", e.Limit)
}

// readTable opens the rows of a CSV, TSV or XLSX data file. Both are read
// as they are walked, so walking them twice costs no more memory than the
// file itself.
func readTable(name string, data []byte, sheet string) (records, error) {
	switch strings.ToLower(path.Ext(name)) {
	case ".xlsx", ".xlsm":
		return readWorkbookTable(data, sheet)
	case ".csv", ".tsv", ".txt":
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		if !utf8.Valid(data) {
			return nil, errors.New("the file is not UTF-8 text; save it as \"CSV UTF-8\"")
		}
		comma := ','
		first, _, _ := bytes.Cut(data, []byte("\n"))
		switch {
		case strings.EqualFold(path.Ext(name), ".tsv") || bytes.Count(first, []byte("\t")) > bytes.Count(first, []byte(",")):
			comma = '\t'
		case bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")):
			comma = ';'
		}
		return func(fn func(int, []string) error) error {
			r := csv.NewReader(bytes.NewReader(data))
			r.FieldsPerRecord = -1
			r.ReuseRecord = true
			r.Comma = comma
			for line := 1; ; line++ {
				rec, err := r.Read()
				if errors.Is(err, io.EOF) {
					return nil
				}
				if err != nil {
					return err
				}
				if line > tableRowLimit {
					return &TableRowsError{Limit: tableRowLimit}
				}
				if err := fn(line, rec); err != nil {
					return err
				}
			}
		}, nil
	}
	return nil, fmt.Errorf("%s: a table is a .csv, .tsv or .xlsx file", path.Base(name))
}

// readWorkbookTable opens the rows of one sheet of a workbook table (the
// first when sheet is ""), streamed with laborcheck's sheet reader. Cells
// are their values as stored; a cell whose value the file does not hold (a
// formula never calculated, a shared string the workbook lacks) is an
// error, as a guess would be wrong.
func readWorkbookTable(data []byte, sheet string) (records, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("open workbook: %w", err)
	}
	wb, err := xlsx.OpenZip(zr, xlsx.Limits{MaxInflated: maxTableInflated})
	if err != nil {
		return nil, fmt.Errorf("open workbook: %w", err)
	}
	sheets := wb.Sheets()
	idx := -1
	for i, s := range sheets {
		if sheet == "" && s.Kind == "worksheet" && !s.Missing && s.Part != "" || sheet != "" && s.Name == sheet {
			idx = i
			break
		}
	}
	for i, s := range sheets {
		if idx < 0 && sheet != "" && strings.EqualFold(s.Name, sheet) {
			idx = i
		}
	}
	switch {
	case idx < 0 && sheet == "":
		return nil, errors.New("the workbook has no sheets")
	case idx < 0:
		return nil, fmt.Errorf("sheet %q: no such sheet in the workbook", sheet)
	}
	name := sheets[idx].Name
	return func(fn func(int, []string) error) error {
		var rec []string
		n := 0
		_, err := wb.ReadSheet(context.Background(), idx, func(r *xlsx.Row) error {
			if n++; n > tableRowLimit {
				return &TableRowsError{Limit: tableRowLimit}
			}
			rec = rec[:0]
			for _, c := range r.Cells {
				for len(rec) < c.Col {
					rec = append(rec, "")
				}
				switch c.Kind {
				case xlsx.Uncached:
					return fmt.Errorf("sheet %q cell %s%d: a formula with no saved value (open and save the file in Excel or LibreOffice)", name, xlsx.ColumnLetter(c.Col), r.Num)
				case xlsx.BadShared:
					return fmt.Errorf("sheet %q cell %s%d: a shared string the workbook does not have", name, xlsx.ColumnLetter(c.Col), r.Num)
				case xlsx.Bool:
					rec = append(rec, map[string]string{"1": "TRUE", "0": "FALSE"}[string(c.Value)])
				default:
					rec = append(rec, string(c.Value))
				}
			}
			return fn(r.Num, rec)
		})
		var tre *TableRowsError
		if err != nil && !errors.As(err, &tre) && !errors.Is(err, errStop) && !strings.HasPrefix(err.Error(), "sheet ") {
			return fmt.Errorf("sheet %q: %w", name, err)
		}
		return err
	}, nil
}

// blankRow reports whether every cell of r is empty (spaces count as text
// unless trim is set).
func blankRow(r []string, trim bool) bool {
	for _, c := range r {
		if trim && strings.TrimSpace(c) != "" || !trim && c != "" {
			return false
		}
	}
	return true
}

// errStop ends a walk over a table's rows early.
var errStop = errors.New("stop")

// load reads the table's rows from its data file. display names the data
// file in errors and reports. The file is walked twice: once for its header
// and the types of its columns, once for its rows, keeping only the cells
// the table holds.
func (t *Table) load(rf *File, display string, data []byte) Errors {
	sum := sha256.Sum256(data)
	t.Path, t.SHA256 = display, hex.EncodeToString(sum[:])
	at := func(line, col int, msg, hint string) *Error {
		return &Error{File: display, Line: line, Col: col, Msg: fmt.Sprintf("table %q: %s", t.Name, msg), Hint: hint}
	}
	fileErr := func(err error) Errors {
		return Errors{rf.errorAt(t.fileNode, "", fmt.Sprintf("table %q: %s: %v", t.Name, display, err), "")}
	}
	rows, err := readTable(display, data, t.Sheet)
	if err != nil {
		return fileErr(err)
	}
	// First walk: the header row (the first that is not empty), and how
	// many filled cells of each column are numbers.
	head := -1
	var headRow []string
	var nums, filled []int
	line := 0
	err = rows(func(n int, r []string) error {
		line = n
		if head < 0 {
			if !blankRow(r, false) {
				head = line
				headRow = slices.Clone(r)
				nums, filled = make([]int, len(r)), make([]int, len(r))
				if t.columnsNode != nil {
					return errStop // typed by the declaration
				}
			}
			return nil
		}
		for i := range min(len(r), len(headRow)) {
			if strings.TrimSpace(r[i]) == "" {
				continue
			}
			filled[i]++
			if _, ok := parseNumber(r[i]); ok {
				nums[i]++
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return fileErr(err)
	}
	if head < 0 {
		return Errors{rf.errorAt(t.fileNode, "", fmt.Sprintf("table %q: %s is empty", t.Name, display), "the first row names the columns, e.g. country,year,monthly_wage")}
	}
	header := map[string]int{}
	var headers []string
	for i, h := range headRow {
		name := columnName(h)
		if name == "" {
			continue
		}
		if _, dup := header[name]; dup {
			return Errors{at(head, i+1, fmt.Sprintf("column %q appears twice", name), "")}
		}
		header[name] = i
		headers = append(headers, name)
	}
	var errs Errors
	if len(t.Key) == 0 {
		t.Key = []string{headers[0]}
	}
	for _, k := range t.Key {
		i, ok := header[k]
		if !ok {
			errs = append(errs, rf.errorAt(t.keyNode, "", fmt.Sprintf("table %q: %s has no column %q", t.Name, display, k), suggestOr(k, headers, "columns: "+strings.Join(headers, ", "))))
			continue
		}
		t.keyIndex = append(t.keyIndex, i)
	}
	if t.columnsNode == nil {
		for _, h := range headers {
			if !containsStr(t.Key, h) && namePattern.MatchString(h) {
				t.Columns = append(t.Columns, &TableColumn{Name: h, Type: inferColumn(nums[header[h]], filled[header[h]])})
			}
		}
	}
	for _, c := range t.Columns {
		i, ok := header[c.Name]
		if !ok {
			errs = append(errs, rf.errorAt(c.node, "", fmt.Sprintf("table %q: %s has no column %q", t.Name, display, c.Name), suggestOr(c.Name, headers, "columns: "+strings.Join(headers, ", "))))
			continue
		}
		c.index = i
	}
	if len(errs) > 0 {
		return errs
	}
	t.rows = map[string]*tableRow{}
	cell := func(r []string, i int) string {
		if i < len(r) {
			return strings.TrimSpace(r[i])
		}
		return ""
	}
	// Second walk: the rows. Kept cells are copied out of the record, so
	// that the rest of its line can go.
	line = 0
	err = rows(func(n int, r []string) error {
		line = n
		if line <= head || blankRow(r, true) {
			return nil
		}
		row := &tableRow{line: line, key: make([]string, 0, len(t.keyIndex)), cells: make([]tableCell, 0, len(t.Columns))}
		for _, ki := range t.keyIndex {
			row.key = append(row.key, strings.Clone(cell(r, ki)))
		}
		for _, c := range t.Columns {
			s := cell(r, c.index)
			tc := tableCell{present: s != ""}
			if c.Type == NumberColumn && tc.present {
				n, ok := parseNumber(s)
				if !ok {
					if len(errs) < maxTableErrors {
						errs = append(errs, at(line, c.index+1, fmt.Sprintf("column %q: %q is not a number", c.Name, s), "write plain numbers such as 1500.50; leave the cell blank when the value is not known"))
					}
					tc.present = false // keeps the row's cells in column order
				}
				tc.num = n
			} else {
				tc.text = strings.Clone(s)
			}
			row.cells = append(row.cells, tc)
		}
		k := keyOf(append([]string(nil), row.key...))
		if prev, dup := t.rows[k]; dup {
			if len(errs) < maxTableErrors {
				errs = append(errs, at(line, t.keyIndex[0]+1, fmt.Sprintf("key %s appears twice (first at row %d)", quoteAll(row.key), prev.line), "each key may have one row"))
			}
			return nil
		}
		t.rows[k] = row
		return nil
	})
	if err != nil {
		return append(errs, fileErr(err)...)
	}
	return errs
}

// maxTableErrors bounds the problems reported of one table file: a file
// that is not the table it should be has as many problems as rows.
const maxTableErrors = 100

// inferColumn types a value column the declaration does not type, from how
// many of its cells are filled and how many of those are numbers: number
// when most are (the others are then reported), text otherwise.
func inferColumn(nums, filled int) ColumnType {
	if nums > 0 && nums*2 > filled {
		return NumberColumn
	}
	return TextColumn
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func quoteAll(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

// tableMissID is the unknown id of a lookup that found no value. The
// attribute trail says which table, key and column.
const tableMissID = -(1 << 40)

// keyText turns a lookup argument into the text it matches in the table.
func keyText(v ref.Val) (string, bool) {
	switch x := v.(type) {
	case types.String:
		return string(x), true
	case types.Int:
		return strconv.FormatInt(int64(x), 10), true
	case types.Uint:
		return strconv.FormatUint(uint64(x), 10), true
	case types.Double:
		f := float64(x)
		if f == float64(int64(f)) {
			return strconv.FormatInt(int64(f), 10), true
		}
		return strconv.FormatFloat(f, 'f', -1, 64), true
	case types.Bool:
		return strconv.FormatBool(bool(x)), true
	case types.Timestamp:
		return x.Time.UTC().Format(time.DateOnly), true
	}
	return "", false
}

// lookup returns the row of t for args, or an unknown that names what was
// not found.
func (t *Table) lookup(rt *rowType, args ...ref.Val) ref.Val {
	key := make([]string, len(args))
	for i, a := range args {
		s, ok := keyText(a)
		if !ok {
			return types.NewErr("tables.%s: key %d is a %s; keys are text, numbers or dates", t.Name, i+1, a.Type().TypeName())
		}
		key[i] = s
	}
	row, ok := t.rows[keyOf(append([]string(nil), key...))]
	if !ok {
		trail := types.NewAttributeTrail("table:" + t.Name)
		for _, k := range key {
			trail = types.QualifyAttribute(trail, k)
		}
		return types.NewUnknown(tableMissID, trail)
	}
	return &rowVal{row: row, t: rt}
}

// missReason describes a lookup miss from its attribute trail.
func missReason(trail *types.AttributeTrail) (string, bool) {
	name, ok := strings.CutPrefix(trail.Variable(), "table:")
	if !ok {
		return "", false
	}
	var key []string
	column := ""
	for _, q := range trail.QualifierPath() {
		s := fmt.Sprint(q)
		if c, ok := strings.CutPrefix(s, "\x00column:"); ok {
			column = c
			continue
		}
		key = append(key, s)
	}
	if column != "" {
		return fmt.Sprintf("table %s has no %s for %s", name, column, quoteAll(key)), true
	}
	return fmt.Sprintf("table %s has no row for %s", name, quoteAll(key)), true
}

// rowType describes a table's rows to CEL: a struct whose fields are the
// value columns.
type rowType struct {
	name       string // CEL type name
	t          *Table
	fieldTypes map[string]*types.FieldType
	columns    map[string]int // column name → index in tableRow.cells
}

func newRowType(t *Table) *rowType {
	rt := &rowType{name: "laborcheck.table." + t.Name, t: t, fieldTypes: map[string]*types.FieldType{}, columns: map[string]int{}}
	for i, c := range t.Columns {
		ct := types.StringType
		if c.Type == NumberColumn {
			ct = types.DoubleType
		}
		rt.columns[c.Name] = i
		rt.fieldTypes[c.Name] = &types.FieldType{Type: ct,
			IsSet: func(target any) bool { r, ok := target.(*tableRow); return ok && r.cells[i].present },
			GetFrom: func(target any) (any, error) {
				r, ok := target.(*tableRow)
				if !ok {
					return nil, fmt.Errorf("table %s column %s read from %T", t.Name, c.Name, target)
				}
				return t.cell(r, i), nil
			},
		}
	}
	return rt
}

var tableRowReflectType = reflect.TypeOf(&tableRow{})

func (t *rowType) ConvertToNative(reflect.Type) (any, error) {
	return nil, fmt.Errorf("type %s has no native form", t.name)
}
func (t *rowType) ConvertToType(typeVal ref.Type) ref.Val {
	if typeVal == types.TypeType {
		return types.TypeType
	}
	return types.NewErr("type conversion error from type to %s", typeVal)
}
func (t *rowType) Equal(other ref.Val) ref.Val {
	o, ok := other.(ref.Type)
	return types.Bool(ok && o.TypeName() == t.name)
}
func (t *rowType) Type() ref.Type   { return types.TypeType }
func (t *rowType) Value() any       { return t }
func (t *rowType) TypeName() string { return t.name }
func (t *rowType) HasTrait(trait int) bool {
	return trait&(traits.FieldTesterType|traits.IndexerType) == trait
}
func (t *rowType) String() string            { return t.name }
func (t *rowType) ReflectType() reflect.Type { return nil }
func (t *rowType) FieldNames() []string {
	out := make([]string, len(t.t.Columns))
	for i, c := range t.t.Columns {
		out[i] = c.Name
	}
	return out
}
func (t *rowType) FindFieldType(name string) (*types.FieldType, bool) {
	ft, ok := t.fieldTypes[name]
	return ft, ok
}
func (t *rowType) NewValue(types.Adapter, map[string]ref.Val) ref.Val {
	return types.NewErr("table rows cannot be built inside rule expressions")
}
func (t *rowType) Adapt(_ types.Adapter, value any) ref.Val {
	if r, ok := value.(*tableRow); ok {
		return &rowVal{row: r, t: t}
	}
	return types.NullValue
}

// rowVal is one table row as a CEL value.
type rowVal struct {
	row *tableRow
	t   *rowType
}

func (v *rowVal) ConvertToNative(rt reflect.Type) (any, error) {
	if rt == tableRowReflectType {
		return v.row, nil
	}
	return nil, fmt.Errorf("a table row has no %v form", rt)
}
func (v *rowVal) ConvertToType(typeVal ref.Type) ref.Val {
	if typeVal == types.TypeType {
		return v.t
	}
	return types.NewErr("cannot convert a table row to %s", typeVal)
}
func (v *rowVal) Equal(other ref.Val) ref.Val {
	o, ok := other.(*rowVal)
	return types.Bool(ok && o.row == v.row)
}
func (v *rowVal) Type() ref.Type { return v.t }
func (v *rowVal) Value() any     { return v.row }
func (v *rowVal) IsSet(field ref.Val) ref.Val {
	name, ok := field.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(field)
	}
	i, ok := v.t.columns[string(name)]
	if !ok {
		return types.NewErr("table %s has no column %q", v.t.t.Name, string(name))
	}
	return types.Bool(v.row.cells[i].present)
}
func (v *rowVal) Get(field ref.Val) ref.Val {
	name, ok := field.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(field)
	}
	i, ok := v.t.columns[string(name)]
	if !ok {
		return types.NewErr("table %s has no column %q", v.t.t.Name, string(name))
	}
	return v.t.t.cell(v.row, i)
}

// cell is value column i of row as a CEL value; a blank cell is unknown.
func (t *Table) cell(row *tableRow, i int) ref.Val {
	c := row.cells[i]
	if !c.present {
		trail := types.NewAttributeTrail("table:" + t.Name)
		for _, k := range row.key {
			trail = types.QualifyAttribute(trail, k)
		}
		trail = types.QualifyAttribute(trail, "\x00column:"+t.Columns[i].Name)
		return types.NewUnknown(tableMissID, trail)
	}
	if t.Columns[i].Type == NumberColumn {
		return types.Double(c.num)
	}
	return types.String(c.text)
}
