// Package template writes the supplier template: a workbook with one
// column for each contract field the active rules read, headers in the
// supplier's language that laborcheck's own header matcher reads back, a
// help row saying what each column holds and which rules need it, data
// validation (dropdowns for yes/no and lists of values, dates, numbers),
// a protected header and an instructions sheet.
//
// The wording (headers per language, what each field means, the
// instructions) is data, in template.yaml.
package template

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/crossrow"
	"github.com/laborcheck/laborcheck/internal/rules"
)

// Options say what template to write.
type Options struct {
	Schema  *contract.Schema
	Program *rules.Program
	// Lang is the language code of the headers and dropdowns (see
	// Languages); "" is English.
	Lang string
	// Contact names who asked for the roster (a name, an e-mail address),
	// for the instructions sheet; "" says "the person who sent you this
	// workbook".
	Contact string
	// Version is laborcheck's version, for the instructions sheet.
	Version string
}

// Layout of the roster sheet.
const (
	titleRow  = 1
	helpRow   = 2
	headerRow = 3
	firstData = 4
	// lastData is the last row that data validation and formats cover.
	lastData = 10003
)

// HeaderRow and FirstDataRow are the rows of the roster sheet's header
// and of its first contract.
const (
	HeaderRow    = headerRow
	FirstDataRow = firstData
)

// Column is one column of the template.
type Column struct {
	Field  *contract.Field
	Header string
	// Help is the text of the help row: what the column holds, its
	// format, an example and what needs it.
	Help string
	// Choices are the dropdown's entries, for a yes/no field or one with
	// a list of values; the first is what a filled-in test row takes.
	Choices []string
	// Example is a value a supplier might write.
	Example string
	// NeededBy are the rules (and cross-row checks) that read the field,
	// as "Title (id)".
	NeededBy []string
	format   string
}

// ErrUnknownLanguage is returned for a language code the template has no
// wording for.
type ErrUnknownLanguage struct{ Code string }

func (e *ErrUnknownLanguage) Error() string {
	return fmt.Sprintf("no template wording for language %q", e.Code)
}

// identity are the fields every template asks for, whatever the rules
// read: they name the row, the worker and the supplier in the review.
var identity = []string{"contract_id", "worker_name", "employer_name", "supplier_name"}

// Columns returns the template's columns, in the schema's order: the
// identity fields, the fields the active rules read (a field laborcheck
// derives is asked for through the fields it is derived from: date of
// birth for age, regular and overtime hours for the weekly total), the
// fields the cross-row checks compare, and the currency when any column
// is an amount.
func Columns(opts Options) ([]Column, error) {
	lang := lookupLanguage(cmp.Or(opts.Lang, "en"))
	if lang == nil {
		return nil, &ErrUnknownLanguage{Code: opts.Lang}
	}
	s := opts.Schema
	needed := map[string][]string{}
	var want func(name, why string)
	want = func(name, why string) {
		f := s.Field(name)
		if f == nil {
			return
		}
		if in := derivedFrom(s, name); in != nil {
			for _, i := range in {
				want(i, why)
			}
			return
		}
		if why != "" && !slices.Contains(needed[name], why) {
			needed[name] = append(needed[name], why)
		} else if _, ok := needed[name]; !ok {
			needed[name] = nil
		}
	}
	for _, name := range identity {
		want(name, "")
	}
	if opts.Program != nil {
		for _, r := range opts.Program.Rules {
			why := fmt.Sprintf("%s (%s)", r.Title, r.ID)
			for _, i := range r.Fields {
				want(s.Fields()[i].Name, why)
			}
		}
	}
	for name, c := range map[string]crossrow.Check{"passport_number": crossrow.SharedPassport, "bank_account": crossrow.SharedBankAccount} {
		want(name, fmt.Sprintf("%s (%s)", c.Title, c.ID))
	}
	for name := range needed {
		if f := s.Field(name); f != nil && f.Type == contract.Money {
			want("currency", "")
			break
		}
	}
	var cols []Column
	for _, f := range s.Fields() {
		why, ok := needed[f.Name]
		if !ok {
			continue
		}
		cols = append(cols, lang.column(f, why))
	}
	return cols, nil
}

// derivedFrom returns the fields laborcheck derives name from when its
// cell is blank, nil when it is read as it is. A value from a
// minimum-wage table is not a roster's column, so minimum_wage_monthly
// stays a column of its own.
func derivedFrom(s *contract.Schema, name string) []string {
	for _, d := range contract.Derivations {
		if d.Field != name || d.MinimumWages {
			continue
		}
		var in []string
		for _, i := range d.Inputs {
			if s.Field(i) != nil {
				in = append(in, i)
			}
		}
		return in
	}
	return nil
}

// column builds the column for f in l.
func (l *Language) column(f *contract.Field, neededBy []string) Column {
	c := Column{Field: f, Header: l.header(f.Name), NeededBy: neededBy}
	fw := builtin.Fields[f.Name]
	switch f.Type {
	case contract.Bool:
		c.Choices = []string{l.Yes, l.No}
		c.format = l.text("format_bool", l.Yes, l.No)
	case contract.Enum:
		for _, v := range f.Values {
			c.Choices = append(c.Choices, l.value(f, v))
		}
		c.format = l.text("format_enum", strings.Join(c.Choices, ", "))
	case contract.Date:
		c.format = l.text("format_date")
	case contract.Money:
		c.format = l.text("format_money")
	case contract.Int:
		c.format = l.text("format_whole")
	case contract.Duration:
		c.format = l.text("format_days")
	case contract.Number:
		c.format = l.text("format_number")
	default:
		c.format = l.text("format_text")
		if f.Name == "currency" {
			c.format = l.text("format_currency")
		}
	}
	c.Example = fw.Example
	if len(c.Choices) > 0 {
		c.Example = c.Choices[0]
		if f.Type == contract.Bool && strings.EqualFold(fw.Example, "no") {
			c.Example = l.No
		}
	}
	stop := l.text("stop")
	parts := []string{}
	if about := l.about(f.Name); about != "" {
		parts = append(parts, about+stop)
	}
	parts = append(parts, c.format+stop)
	if c.Example != "" && len(c.Choices) == 0 {
		parts = append(parts, l.text("example", c.Example)+stop)
	}
	parts = append(parts, l.why(f.Name, neededBy))
	c.Help = strings.Join(parts, " ")
	return c
}

// why says what needs a column.
func (l *Language) why(field string, neededBy []string) string {
	if len(neededBy) > 0 {
		return l.text("needed_for", strings.Join(neededBy, "; "))
	}
	switch field {
	case "supplier_name", "employer_name":
		return l.text("supplier")
	case "currency":
		return l.text("currency_for")
	}
	return l.text("identifies")
}

// Write writes the template workbook to w.
func Write(w io.Writer, opts Options) error {
	f, err := Build(opts)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Write(w)
}

// Build makes the template workbook.
func Build(opts Options) (*excelize.File, error) {
	lang := lookupLanguage(cmp.Or(opts.Lang, "en"))
	if lang == nil {
		return nil, &ErrUnknownLanguage{Code: opts.Lang}
	}
	cols, err := Columns(opts)
	if err != nil {
		return nil, err
	}
	f := excelize.NewFile()
	b := &builder{f: f, lang: lang, cols: cols, opts: opts}
	if err := b.build(); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

type builder struct {
	f    *excelize.File
	lang *Language
	cols []Column
	opts Options
}

func (b *builder) build() error {
	f, l := b.f, b.lang
	if err := f.SetSheetName("Sheet1", l.Sheet); err != nil {
		return err
	}
	if _, err := f.NewSheet(l.Instructions); err != nil {
		return err
	}
	if err := b.roster(); err != nil {
		return fmt.Errorf("roster sheet: %w", err)
	}
	if err := b.instructions(); err != nil {
		return fmt.Errorf("instructions sheet: %w", err)
	}
	f.SetActiveSheet(0)
	f.SetDocProps(&excelize.DocProperties{Creator: "laborcheck", Title: l.text("i_title")})
	return nil
}

var (
	border = []excelize.Border{
		{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
		{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1},
	}
	locked   = &excelize.Protection{Locked: true}
	unlocked = &excelize.Protection{Locked: false}
)

// Number formats of the data cells.
const (
	fmtDate  = "yyyy-mm-dd"
	fmtMoney = "#,##0.00"
	fmtWhole = "0"
	fmtNum   = "0.##"
	fmtText  = 49 // "@"
)

func (b *builder) roster() error {
	f, l := b.f, b.lang
	sheet := l.Sheet
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}, Protection: locked})
	if err != nil {
		return err
	}
	help, err := f.NewStyle(&excelize.Style{
		Font:       &excelize.Font{Italic: true, Size: 9, Color: "404040"},
		Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF8DC"}},
		Alignment:  &excelize.Alignment{WrapText: true, Vertical: "top"},
		Border:     border,
		Protection: locked,
	})
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{
		Font:       &excelize.Font{Bold: true},
		Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Alignment:  &excelize.Alignment{WrapText: true, Vertical: "center"},
		Border:     border,
		Protection: locked,
	})
	if err != nil {
		return err
	}
	for i, c := range b.cols {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		data, err := f.NewStyle(dataStyle(c.Field))
		if err != nil {
			return err
		}
		if err := f.SetColStyle(sheet, col, data); err != nil {
			return err
		}
		width := float64(max(14, min(40, len([]rune(c.Header))+4)))
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return err
		}
		hc, pc := fmt.Sprintf("%s%d", col, headerRow), fmt.Sprintf("%s%d", col, helpRow)
		if err := f.SetCellStr(sheet, hc, c.Header); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, hc, hc, head); err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, pc, c.Help); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, pc, pc, help); err != nil {
			return err
		}
		if err := f.AddDataValidation(sheet, b.validation(col, c)); err != nil {
			return fmt.Errorf("column %s: %w", c.Header, err)
		}
	}
	// The title goes in last: a column's style, set above, would take
	// over the cells of the column already written.
	titleCell := fmt.Sprintf("A%d", titleRow)
	if err := f.SetCellStr(sheet, titleCell, l.text("title", l.Instructions)); err != nil {
		return err
	}
	last, err := excelize.CoordinatesToCellName(max(1, len(b.cols)), titleRow)
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, titleCell, last, title); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, helpRow, 150); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, headerRow, 45); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: fmt.Sprintf("A%d", firstData), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	// The title, help and header rows are locked; the data cells take
	// their columns' unlocked style. No password: the protection guards
	// against slips, not against the supplier.
	return f.ProtectSheet(sheet, &excelize.SheetProtectionOptions{
		SelectLockedCells: true, SelectUnlockedCells: true,
		FormatColumns: true, FormatRows: true, InsertRows: true, DeleteRows: true,
		Sort: true, AutoFilter: true,
	})
}

// dataStyle is the style of a column's data cells: unlocked, with the
// number format of the field's type.
func dataStyle(fd *contract.Field) *excelize.Style {
	st := &excelize.Style{Protection: unlocked}
	switch fd.Type {
	case contract.Date:
		st.CustomNumFmt = ptr(fmtDate)
	case contract.Money:
		st.CustomNumFmt = ptr(fmtMoney)
	case contract.Int, contract.Duration:
		st.CustomNumFmt = ptr(fmtWhole)
	case contract.Number:
		st.CustomNumFmt = ptr(fmtNum)
	case contract.String:
		// Text, so that passport and account numbers keep their
		// leading zeros.
		st.NumFmt = fmtText
	}
	return st
}

// validation is the data validation of a column's data cells.
func (b *builder) validation(col string, c Column) *excelize.DataValidation {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("%s%d:%s%d", col, firstData, col, lastData)
	var err error
	stop := true
	switch c.Field.Type {
	case contract.Bool, contract.Enum:
		err = dv.SetDropList(c.Choices)
	case contract.Date:
		// 1900-01-01 to 2100-12-31 as serial numbers.
		err = dv.SetRange(1, 73415, excelize.DataValidationTypeDate, excelize.DataValidationOperatorBetween)
	case contract.Money:
		err = dv.SetRange(0, 1e12, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween)
	case contract.Int:
		err = dv.SetRange(0, 150, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween)
	case contract.Duration:
		err = dv.SetRange(0, 3660, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween)
	case contract.Number:
		hi := 168 // hours in a week
		if c.Field.Name == "rest_days_per_week" {
			hi = 7
		}
		err = dv.SetRange(0, hi, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween)
	default:
		if c.Field.Name == "currency" {
			err = dv.SetRange(3, 3, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween)
			stop = false
		} else {
			err = dv.SetRange(0, 255, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween)
		}
	}
	if err != nil {
		// Every range above is within what excelize accepts; a list too
		// long for a dropdown is left without one.
		dv = excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s%d:%s%d", col, firstData, col, lastData)
	}
	style := excelize.DataValidationErrorStyleStop
	if !stop {
		style = excelize.DataValidationErrorStyleWarning
	}
	dv.SetError(style, truncate(c.Header, 32), truncate(c.format, 225))
	dv.SetInput(truncate(c.Header, 32), truncate(c.Help, 250))
	return dv
}

func (b *builder) instructions() error {
	f, l := b.f, b.lang
	sheet := l.Instructions
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	boxed, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}, Border: border})
	if err != nil {
		return err
	}
	requested := l.text("i_requested_unknown")
	if b.opts.Contact != "" {
		requested = l.text("i_requested_by", b.opts.Contact)
	}
	lines := []string{
		requested,
		l.text("i_rows", l.Sheet),
		l.text("i_protect"),
		l.text("i_dropdowns"),
		l.text("i_dates"),
		l.text("i_amounts"),
		l.text("i_zero"),
		l.text("i_hours"),
		l.text("i_why"),
	}
	row := 1
	set := func(cell string, v string, style int) error {
		if err := f.SetCellStr(sheet, cell, v); err != nil {
			return err
		}
		return f.SetCellStyle(sheet, cell, cell, style)
	}
	if err := set("A1", l.text("i_title"), bold); err != nil {
		return err
	}
	row = 3
	for _, s := range lines {
		cell := fmt.Sprintf("A%d", row)
		if err := set(cell, s, wrap); err != nil {
			return err
		}
		if err := f.MergeCell(sheet, cell, fmt.Sprintf("E%d", row)); err != nil {
			return err
		}
		if err := f.SetRowHeight(sheet, row, float64(15*(1+len(s)/110))); err != nil {
			return err
		}
		row++
	}
	row++
	if err := set(fmt.Sprintf("A%d", row), l.text("i_columns"), bold); err != nil {
		return err
	}
	row++
	// One cell a column, never a table: a row of this sheet must not
	// name two fields, or a scan of the filled-in workbook would read
	// the sheet as a roster.
	for i, c := range b.cols {
		letter, _ := excelize.ColumnNumberToName(i + 1)
		needed := l.why(c.Field.Name, c.NeededBy)
		about := l.about(c.Field.Name)
		stop := l.text("stop")
		text := fmt.Sprintf("%s · %s\n%s%s %s%s\n%s", letter, c.Header, about, stop, c.format, stop, needed)
		cell := fmt.Sprintf("A%d", row)
		if err := set(cell, text, boxed); err != nil {
			return err
		}
		if err := f.MergeCell(sheet, cell, fmt.Sprintf("E%d", row)); err != nil {
			return err
		}
		if err := f.SetRowHeight(sheet, row, float64(15*(3+len(needed)/110))); err != nil {
			return err
		}
		row++
	}
	row++
	if b.opts.Program != nil {
		made := l.text("i_made_by", cmp.Or(b.opts.Version, "devel"), fmt.Sprint(len(b.opts.Program.Rules)), b.opts.Program.Set.Digest())
		if err := set(fmt.Sprintf("A%d", row), made, wrap); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sheet, "A", "E", 30); err != nil {
		return err
	}
	return f.ProtectSheet(sheet, &excelize.SheetProtectionOptions{SelectLockedCells: true, SelectUnlockedCells: true})
}

func ptr[T any](v T) *T { return &v }

// truncate shortens s to at most n characters, as the limits of
// validation titles and messages require.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
