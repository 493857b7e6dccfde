package source

import (
	"github.com/laborcheck/laborcheck/internal/xlsx"
)

// workbook is the structure of an xlsx package as internal/xlsx reads it:
// where its sheets are and how its cells are styled. Worksheets themselves
// are streamed by xlsxSheet.
type workbook struct {
	x        *xlsx.Workbook
	date1904 bool
	sheets   []wbSheet
	xfs      []xfInfo // by cell style index
	memo     sharedMemo
}

// wbSheet is one sheet as the workbook lists it.
type wbSheet struct {
	index   int // in xlsx.Workbook.Sheets
	name    string
	hidden  bool   // state "hidden" or "veryHidden"
	part    string // normalised part name; "" when the workbook does not say
	missing bool   // the package has no such part
	kind    string // "worksheet", "chartsheet", "dialogsheet", "macrosheet"
}

// xfInfo is what laborcheck needs of a cell style: how its number format
// shows numbers, and the currency it names.
type xfInfo struct {
	kind     fmtKind
	currency string
}

// newWorkbook takes the structure of an opened workbook.
func newWorkbook(x *xlsx.Workbook) *workbook {
	wb := &workbook{x: x, date1904: x.Date1904}
	wb.memo.x = x
	for i, s := range x.Sheets() {
		wb.sheets = append(wb.sheets, wbSheet{index: i, name: s.Name, hidden: s.Hidden, part: s.Part, missing: s.Missing, kind: s.Kind})
	}
	wb.xfs = make([]xfInfo, x.Styles())
	for i := range wb.xfs {
		if id, code, defined := x.CellFormat(i); defined {
			wb.xfs[i] = xfInfo{kind: classifyFormat(code), currency: formatCurrency(code)}
		} else {
			wb.xfs[i] = xfInfo{kind: builtinKind(id)}
		}
	}
	return wb
}
