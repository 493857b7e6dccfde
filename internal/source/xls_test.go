package source

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// oleFile builds an OLE compound file (version 3, 512-byte sectors) holding
// the given streams in its root storage. Each stream is padded to 4 KiB, so
// that none is kept in the mini stream.
func oleFile(t testing.TB, streams map[string][]byte) []byte {
	t.Helper()
	const sec = 512
	names := make([]string, 0, len(streams))
	for n := range streams {
		names = append(names, n)
	}
	slices.Sort(names)
	if len(names) > 3 {
		t.Fatal("oleFile holds at most 3 streams")
	}
	const (
		endChain = 0xFFFFFFFE
		fatSect  = 0xFFFFFFFD
		free     = 0xFFFFFFFF
	)
	fat := []uint32{fatSect, endChain} // sector 0: the FAT; 1: the directory
	var data []byte
	starts := map[string]uint32{}
	sizes := map[string]int{}
	for _, n := range names {
		s := streams[n]
		sizes[n] = max(len(s), 4096)
		padded := make([]byte, (sizes[n]+sec-1)/sec*sec)
		copy(padded, s)
		first := uint32(len(fat))
		starts[n] = first
		k := len(padded) / sec
		for i := range k {
			if i == k-1 {
				fat = append(fat, endChain)
			} else {
				fat = append(fat, first+uint32(i)+1)
			}
		}
		data = append(data, padded...)
	}
	if len(fat) > sec/4 {
		t.Fatal("oleFile: streams too large for one FAT sector")
	}
	for len(fat) < sec/4 {
		fat = append(fat, free)
	}
	h := make([]byte, sec)
	copy(h, magicOLE)
	binary.LittleEndian.PutUint16(h[24:], 0x003E)
	binary.LittleEndian.PutUint16(h[26:], 3)
	binary.LittleEndian.PutUint16(h[28:], 0xFFFE)
	binary.LittleEndian.PutUint16(h[30:], 9)
	binary.LittleEndian.PutUint16(h[32:], 6)
	binary.LittleEndian.PutUint32(h[44:], 1) // FAT sectors
	binary.LittleEndian.PutUint32(h[48:], 1) // first directory sector
	binary.LittleEndian.PutUint32(h[56:], 4096)
	binary.LittleEndian.PutUint32(h[60:], endChain) // no mini FAT
	binary.LittleEndian.PutUint32(h[68:], endChain) // no DIFAT sectors
	binary.LittleEndian.PutUint32(h[76:], 0)        // DIFAT[0]: the FAT is sector 0
	for i := 1; i < 109; i++ {
		binary.LittleEndian.PutUint32(h[76+4*i:], free)
	}
	fatSec := make([]byte, sec)
	for i, v := range fat {
		binary.LittleEndian.PutUint32(fatSec[4*i:], v)
	}
	entry := func(name string, typ byte, left, right, child, start uint32, size int) []byte {
		e := make([]byte, 128)
		u := utf16.Encode([]rune(name))
		for i, c := range u {
			binary.LittleEndian.PutUint16(e[2*i:], c)
		}
		if name != "" {
			binary.LittleEndian.PutUint16(e[64:], uint16(2*len(u)+2))
		}
		e[66], e[67] = typ, 1
		binary.LittleEndian.PutUint32(e[68:], left)
		binary.LittleEndian.PutUint32(e[72:], right)
		binary.LittleEndian.PutUint32(e[76:], child)
		binary.LittleEndian.PutUint32(e[116:], start)
		binary.LittleEndian.PutUint32(e[120:], uint32(size))
		return e
	}
	dir := entry("Root Entry", 5, free, free, 1, endChain, 0)
	for i, n := range names {
		right := uint32(free)
		if i+1 < len(names) {
			right = uint32(i + 2)
		}
		dir = append(dir, entry(n, 2, free, right, free, starts[n], sizes[n])...)
	}
	for len(dir) < sec {
		dir = append(dir, entry("", 0, free, free, free, 0, 0)...)
	}
	out := append(h, fatSec...)
	out = append(out, dir...)
	return append(out, data...)
}

// biff builds a BIFF8 record stream.
type biff struct{ b []byte }

func (w *biff) rec(typ uint16, body ...[]byte) *biff {
	var all []byte
	for _, p := range body {
		all = append(all, p...)
	}
	w.b = binary.LittleEndian.AppendUint16(w.b, typ)
	w.b = binary.LittleEndian.AppendUint16(w.b, uint16(len(all)))
	w.b = append(w.b, all...)
	return w
}

func u16(v int) []byte { return binary.LittleEndian.AppendUint16(nil, uint16(v)) }
func u32(v int) []byte { return binary.LittleEndian.AppendUint32(nil, uint32(v)) }
func f64(v float64) []byte {
	return binary.LittleEndian.AppendUint64(nil, math.Float64bits(v))
}

// xlStr is an XLUnicodeString: compressed when every character is Latin-1.
func xlStr(s string) []byte {
	b := u16(len(utf16.Encode([]rune(s))))
	return append(b, strChars(s)...)
}

// strChars is a string's flags byte and characters.
func strChars(s string) []byte {
	u := utf16.Encode([]rune(s))
	wide := slices.ContainsFunc(u, func(c uint16) bool { return c > 0xFF })
	if !wide {
		b := []byte{0}
		for _, c := range u {
			b = append(b, byte(c))
		}
		return b
	}
	b := []byte{1}
	for _, c := range u {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return b
}

// bof is a BIFF8 BOF record body of the given substream type.
func bof(dt int) []byte { return append(append(u16(0x0600), u16(dt)...), make([]byte, 12)...) }

// cellHead is the row, column and style of a cell record.
func cellHead(row, col, xf int) []byte {
	return append(append(u16(row), u16(col)...), u16(xf)...)
}

// xlsBookSpec is a small workbook for building test streams.
type xlsBookSpec struct {
	date1904 bool
	filePass bool
	formats  map[int]string // custom number formats by id
	xfs      []int          // number format id of each cell style
	sst      [][]byte       // the SST body and its CONTINUE bodies; nil for none
	sheets   []xlsSheetSpec
}

type xlsSheetSpec struct {
	name   string
	state  byte // 0 visible, 1 hidden, 2 very hidden
	kind   byte // BOUNDSHEET dt
	bofDT  int  // the substream's BOF type; 0 means a worksheet
	stream []byte
}

// stream assembles the Workbook stream: globals, then each sheet's
// substream (the records given, then EOF).
func (spec xlsBookSpec) stream() []byte {
	g := &biff{}
	g.rec(biffBOF, bof(0x0005))
	if spec.filePass {
		g.rec(biffFilePass, make([]byte, 54))
	}
	if spec.date1904 {
		g.rec(biffDateMode, u16(1))
	}
	for id, code := range spec.formats {
		g.rec(biffFormat, u16(id), xlStr(code))
	}
	for _, id := range spec.xfs {
		g.rec(biffXF, u16(0), u16(id), make([]byte, 16))
	}
	if spec.sst != nil {
		g.rec(biffSST, spec.sst[0])
		for _, c := range spec.sst[1:] {
			g.rec(biffContinue, c)
		}
	}
	// BOUNDSHEET records point at their substreams: lay them out after the
	// globals, whose length is known once the records are sized.
	var bounds [][]byte
	for _, s := range spec.sheets {
		name := append([]byte{byte(len(utf16.Encode([]rune(s.name))))}, strChars(s.name)...)
		bounds = append(bounds, name)
	}
	size := len(g.b) + 4 // + EOF
	for _, b := range bounds {
		size += 4 + 6 + len(b)
	}
	var subs []byte
	pos := size
	for i, s := range spec.sheets {
		dt := s.bofDT
		if dt == 0 {
			dt = 0x0010
		}
		sub := (&biff{}).rec(biffBOF, bof(dt)).b
		sub = append(sub, s.stream...)
		sub = append(sub, (&biff{}).rec(biffEOF).b...)
		g.rec(biffBoundSheet, u32(pos), []byte{s.state, s.kind}, bounds[i])
		pos += len(sub)
		subs = append(subs, sub...)
	}
	g.rec(biffEOF)
	return append(g.b, subs...)
}

// sstOf is an SST body of strings that fit one record.
func sstOf(strs ...string) [][]byte {
	b := append(u32(len(strs)), u32(len(strs))...)
	for _, s := range strs {
		b = append(b, xlStr(s)...)
	}
	return [][]byte{b}
}

// xlsRows reads every sheet of a workbook stream with the lower layer.
func xlsRows(t *testing.T, stream []byte) (*xlsBook, map[string][]rawRow, map[string]*xlsSheetReader) {
	t.Helper()
	wb, err := parseXLSGlobals(stream)
	if err != nil {
		t.Fatalf("parseXLSGlobals = %v", err)
	}
	r := newReader(context.Background(), "t.xls", defaultOptions(), nil, &Input{})
	rows := map[string][]rawRow{}
	srcs := map[string]*xlsSheetReader{}
	for _, ws := range wb.sheets {
		src, skip, ferr := openXLSSheet(r, wb, ws)
		if ferr != nil {
			t.Fatalf("sheet %q: %v", ws.name, ferr)
		}
		if skip != "" {
			continue
		}
		srcs[ws.name] = src
		for {
			row, err := src.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("sheet %q: next = %v", ws.name, err)
			}
			rows[ws.name] = append(rows[ws.name], row)
		}
	}
	return wb, rows, srcs
}

// cellsOf renders rows as "num: cell|cell" lines, with the cell kinds.
func cellsOf(rows []rawRow) []string {
	var out []string
	for _, r := range rows {
		var cs []string
		for i, c := range r.cells {
			k := ""
			if i < len(r.meta) {
				switch m := r.meta[i]; m.kind {
				case cellNumber:
					k = "#" + m.currency
				case cellDate:
					k = "@" + m.stored
				case cellTime:
					k = "t"
				case cellElapsed:
					k = "h" + m.stored
				case cellBool:
					k = "b"
				case cellError:
					k = "e"
				}
			}
			cs = append(cs, c+k)
		}
		line := strings.Join(cs, "|")
		if r.hidden {
			line += " (hidden)"
		}
		out = append(out, strconv.Itoa(r.num)+": "+line)
	}
	return out
}

func TestXLSCells(t *testing.T) {
	rk := func(v int) []byte { return u32(v<<2 | 0x02) }
	rkX100 := func(v int) []byte { return u32(v<<2 | 0x03) }
	rkFloat := func(f float64) []byte { return u32(int(math.Float64bits(f) >> 32 &^ 3)) }
	strResult := append(append([]byte{0, 0, 0, 0, 0, 0}, 0xFF, 0xFF), make([]byte, 6)...)
	boolResult := append(append([]byte{1, 0, 1, 0, 0, 0}, 0xFF, 0xFF), make([]byte, 6)...)
	errResult := append(append([]byte{2, 0, 0x07, 0, 0, 0}, 0xFF, 0xFF), make([]byte, 6)...)
	sheet := (&biff{}).
		rec(biffColInfo, u16(2), u16(3), u16(0), u16(0), u16(1), u16(0)). // C:D hidden
		rec(biffRow, u16(1), u16(0), u16(4), u16(0), u16(0), u16(0), u32(0x20), u16(0)).
		rec(biffLabelSST, cellHead(0, 0, 0), u32(0)).
		rec(biffLabelSST, cellHead(0, 1, 0), u32(1)).
		rec(biffLabel, cellHead(0, 2, 0), xlStr("Ünïcode ✓")).
		rec(biffNumber, cellHead(1, 0, 1), f64(45292)).                       // a date
		rec(biffRK, cellHead(1, 1, 0), rkX100(150025)).                       // 1500.25
		rec(biffRK, cellHead(1, 2, 2), rkFloat(0.5)).                         // a time of day
		rec(biffRK, cellHead(1, 3, 3), rk(-7)).                               // a custom currency format
		rec(biffMulRK, u16(1), u16(4), u16(0), rk(1), u16(0), rk(2), u16(5)). // E2:F2
		rec(biffBoolErr, cellHead(2, 0, 0), []byte{1, 0}).
		rec(biffBoolErr, cellHead(2, 1, 0), []byte{0x2A, 1}).
		rec(biffFormula, cellHead(2, 2, 0), strResult, u16(0), u32(0), u16(0)).
		rec(biffShrFmla, make([]byte, 10)).
		rec(biffString, xlStr("from a formula")).
		rec(biffFormula, cellHead(2, 3, 0), boolResult, u16(0), u32(0), u16(0)).
		rec(biffFormula, cellHead(2, 4, 0), errResult, u16(0), u32(0), u16(0)).
		rec(biffFormula, cellHead(2, 5, 4), f64(1.5), u16(0), u32(0), u16(0)). // [h]:mm
		rec(biffLabelSST, cellHead(3, 0, 0), u32(99)).                         // past the table
		rec(biffBOF, bof(0x0020)).                                             // an embedded chart
		rec(biffNumber, cellHead(40, 0, 0), f64(1)).
		rec(biffEOF).
		rec(biffNumber, cellHead(4, 1, 0), f64(1e20))
	spec := xlsBookSpec{
		formats: map[int]string{164: `#,##0.00 [$€-407]`, 165: "[h]:mm"},
		xfs:     []int{0, 14, 20, 164, 165},
		sst:     sstOf("Name", "Date of birth"),
		sheets:  []xlsSheetSpec{{name: "Roster", stream: sheet.b}},
	}
	wb, rows, srcs := xlsRows(t, spec.stream())
	if wb.date1904 {
		t.Error("date1904 set without a DATEMODE record")
	}
	got := cellsOf(rows["Roster"])
	want := []string{
		"1: Name|Date of birth|Ünïcode ✓",
		"2: 2024-01-01@45292|1500.25#|12:00t|-7#EUR|1#|2# (hidden)",
		"3: TRUEb|#N/Ae|from a formula|TRUEb|#DIV/0!e|36:00h36",
		"5: |1E+20#",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	src := srcs["Roster"]
	if !src.columnHidden(3) || !src.columnHidden(4) || src.columnHidden(2) || src.columnHidden(5) {
		t.Errorf("hidden columns = %v, want C:D", src.hidden)
	}
	if n := src.notes(); len(n) != 1 || !strings.Contains(n[0], "1 cell points to a shared string") {
		t.Errorf("notes = %q", n)
	}
}

// TestXLSSharedStringsContinue reads shared strings that run over CONTINUE
// records: characters split with a change of width, formatting runs and
// phonetic data split without a flags byte, and a string that starts a
// record.
func TestXLSSharedStringsContinue(t *testing.T) {
	wide := func(s string) []byte {
		var b []byte
		for _, c := range utf16.Encode([]rune(s)) {
			b = binary.LittleEndian.AppendUint16(b, c)
		}
		return b
	}
	rec1 := append(u32(5), u32(5)...)
	rec1 = append(rec1, xlStr("Name")...)
	// "Passport №1": 11 characters, the first 4 compressed here.
	rec1 = append(rec1, u16(11)...)
	rec1 = append(rec1, 0)
	rec1 = append(rec1, "Pass"...)
	// The rest in two bytes each, after a flags byte.
	rec2 := append([]byte{1}, wide("port №1")...)
	// A rich string: 2 runs, characters, then runs split over the boundary.
	rec2 = append(rec2, u16(3)...)
	rec2 = append(rec2, 0x08)
	rec2 = append(rec2, u16(2)...)
	rec2 = append(rec2, "Fee"...)
	rec2 = append(rec2, 1, 2, 3)
	rec3 := []byte{4, 5, 6, 7, 8}
	// A string whose header starts the record: no flags byte before it.
	rec4 := append(u16(4), 0x04)
	rec4 = append(rec4, u32(6)...) // phonetic data
	rec4 = append(rec4, "Visa"...)
	rec4 = append(rec4, 1, 2, 3)
	rec5 := []byte{4, 5, 6}
	rec5 = append(rec5, xlStr("Ünï")...)
	sheet := &biff{}
	for i := range 5 {
		sheet.rec(biffLabelSST, cellHead(i, 0, 0), u32(i))
	}
	spec := xlsBookSpec{xfs: []int{0}, sst: [][]byte{rec1, rec2, rec3, rec4, rec5}, sheets: []xlsSheetSpec{{name: "S", stream: sheet.b}}}
	wb, rows, _ := xlsRows(t, spec.stream())
	want := []string{"Name", "Passport №1", "Fee", "Visa", "Ünï"}
	if !slices.Equal(wb.sst, want) || wb.sstShort {
		t.Errorf("sst = %q (short %v), want %q", wb.sst, wb.sstShort, want)
	}
	var cells []string
	for _, r := range rows["S"] {
		cells = append(cells, r.cells[0])
	}
	if !slices.Equal(cells, want) {
		t.Errorf("cells = %q, want %q", cells, want)
	}

	// A table cut short keeps what it has and says so.
	spec.sst = [][]byte{rec1}
	wb, _, _ = xlsRows(t, spec.stream())
	if !slices.Equal(wb.sst, []string{"Name"}) || !wb.sstShort {
		t.Errorf("cut-short sst = %q (short %v)", wb.sst, wb.sstShort)
	}
}

// TestXLSSheets reads sheet names, visibility and kinds, the 1904 date
// system and cells written out of row order.
func TestXLSSheets(t *testing.T) {
	unordered := (&biff{}).
		rec(biffNumber, cellHead(2, 0, 1), f64(0)).
		rec(biffLabel, cellHead(0, 1, 0), xlStr("b1")).
		rec(biffLabel, cellHead(0, 0, 0), xlStr("a1")).
		rec(biffNumber, cellHead(1, 0, 0), f64(3))
	spec := xlsBookSpec{
		date1904: true,
		xfs:      []int{0, 15},
		sheets: []xlsSheetSpec{
			{name: "Données", stream: unordered.b},
			{name: "Hidden", state: 1, stream: (&biff{}).rec(biffLabel, cellHead(0, 0, 0), xlStr("h")).b},
			{name: "Very hidden", state: 2, stream: nil},
			{name: "Chart", kind: 2, bofDT: 0x0020},
			{name: "Macro", kind: 1, bofDT: 0x0040},
			{name: "名簿", stream: nil},
		},
	}
	wb, rows, _ := xlsRows(t, spec.stream())
	if !wb.date1904 {
		t.Error("date1904 not read")
	}
	var names []string
	var hidden []bool
	for _, s := range wb.sheets {
		names = append(names, s.name)
		hidden = append(hidden, s.hidden)
	}
	if !slices.Equal(names, []string{"Données", "Hidden", "Very hidden", "Chart", "Macro", "名簿"}) {
		t.Errorf("sheets = %q", names)
	}
	if !slices.Equal(hidden, []bool{false, true, true, false, false, false}) {
		t.Errorf("hidden = %v", hidden)
	}
	got := cellsOf(rows["Données"])
	want := []string{"1: a1|b1", "2: 3#", "3: 1904-01-01@0"}
	if !slices.Equal(got, want) {
		t.Errorf("rows = %q, want %q", got, want)
	}
}

// xlsRoster is a small roster workbook: a title row, a header, three
// contracts (one on a hidden row, one with a salary that is not a number),
// a hidden sheet and a chart sheet.
func xlsRoster() xlsBookSpec {
	data := (&biff{}).
		rec(biffRow, u16(4), u16(0), u16(4), u16(0), u16(0), u16(0), u32(0x20), u16(0)).
		rec(biffLabelSST, cellHead(0, 0, 0), u32(0)).
		rec(biffLabelSST, cellHead(2, 0, 0), u32(1)).
		rec(biffLabelSST, cellHead(2, 1, 0), u32(2)).
		rec(biffLabelSST, cellHead(2, 2, 0), u32(3)).
		rec(biffLabelSST, cellHead(2, 3, 0), u32(4))
	for i, w := range []struct {
		id, name string
		dob      float64
		salary   []byte
	}{
		{"E1", "Ana", 32874, f64(1200)},
		{"E2", "Bo", 33239, nil},
		{"E3", "Cy", 33604, f64(900.5)},
	} {
		row := 3 + i
		data.rec(biffLabel, cellHead(row, 0, 0), xlStr(w.id)).
			rec(biffLabel, cellHead(row, 1, 0), xlStr(w.name)).
			rec(biffNumber, cellHead(row, 2, 1), f64(w.dob))
		if w.salary != nil {
			data.rec(biffNumber, cellHead(row, 3, 0), w.salary)
		} else {
			data.rec(biffLabel, cellHead(row, 3, 0), xlStr("see payslip"))
		}
	}
	hidden := (&biff{}).
		rec(biffLabel, cellHead(0, 0, 0), xlStr("Employee ID")).
		rec(biffLabel, cellHead(0, 1, 0), xlStr("Worker name")).
		rec(biffLabel, cellHead(1, 0, 0), xlStr("E9")).
		rec(biffLabel, cellHead(1, 1, 0), xlStr("Di"))
	return xlsBookSpec{
		xfs:     []int{0, 164},
		formats: map[int]string{164: "dd/mm/yyyy"},
		sst:     sstOf("Roster of workers, March 2024", "Employee ID", "Worker name", "Date of birth", "Basic salary"),
		sheets: []xlsSheetSpec{
			{name: "Workers", stream: data.b},
			{name: "Old", state: 1, stream: hidden.b},
			{name: "Chart", kind: 2, bofDT: 0x0020},
		},
	}
}

// TestReadXLS reads a roster workbook end to end, as a file.
func TestReadXLS(t *testing.T) {
	data := oleFile(t, map[string][]byte{"Workbook": xlsRoster().stream()})
	g := readData(t, "roster.xls", data, defaultOptions())
	if g.in.Err != nil || g.in.Format != FormatXLS {
		t.Fatalf("Err %v, Format %q", g.in.Err, g.in.Format)
	}
	if len(g.in.Sheets) != 3 {
		t.Fatalf("%d sheets, want 3", len(g.in.Sheets))
	}
	ws, old, chart := g.in.Sheets[0], g.in.Sheets[1], g.in.Sheets[2]
	if ws.HeaderRow != 3 || ws.Rows != 3 || ws.Hidden {
		t.Errorf("Workers: header %d, rows %d, hidden %v", ws.HeaderRow, ws.Rows, ws.Hidden)
	}
	if !old.Hidden || old.Rows != 1 {
		t.Errorf("Old: hidden %v, rows %d", old.Hidden, old.Rows)
	}
	if chart.Skipped != "a chart sheet: no cells" {
		t.Errorf("Chart: skipped %q", chart.Skipped)
	}
	if !slices.Contains(ws.Notes, "1 hidden row (read as contracts)") {
		t.Errorf("notes %q lack the hidden row", ws.Notes)
	}
	if v := g.field(t, 0, "date_of_birth"); v.Raw != "1990-01-01" || v.Time.Format(time.DateOnly) != "1990-01-01" {
		t.Errorf("date_of_birth = %+v", v)
	}
	if v := g.field(t, 2, "base_wage_monthly"); v.Raw != "900.5" {
		t.Errorf("base_wage_monthly = %+v", v)
	}
	if len(g.issues) != 1 || g.issues[0].Row != 5 || g.issues[0].Column != "D" || g.issues[0].Sheet != "Workers" || g.issues[0].Value != "see payslip" {
		t.Errorf("issues = %+v, want the salary at Workers!D5", g.issues)
	}

	// One sheet by name, in any case.
	opts := defaultOptions()
	opts.Sheet = "old"
	g = readData(t, "roster.xls", data, opts)
	if len(g.in.Sheets) != 1 || g.in.Sheets[0].Name != "Old" || len(g.contracts) != 1 {
		t.Errorf("-sheet old: %d sheets, %d contracts", len(g.in.Sheets), len(g.contracts))
	}
	opts.Sheet = "Missing"
	g = readData(t, "roster.xls", data, opts)
	if !errors.Is(g.in.Err, ErrNotFound) || !strings.Contains(g.in.Err.Error(), `"Missing"`) {
		t.Errorf("-sheet Missing: Err = %v", g.in.Err)
	}

	// The cell limit fails the sheet, not the file.
	opts = defaultOptions()
	opts.Limits.MaxCells = 10
	g = readData(t, "roster.xls", data, opts)
	if g.in.Err != nil || !errors.Is(g.in.Sheets[0].Err, ErrTooLarge) {
		t.Errorf("MaxCells 10: Err %v, sheet Err %v", g.in.Err, g.in.Sheets[0].Err)
	}
}

// TestReadXLS_Refused checks that each .xls laborcheck does not read is
// refused with its reason.
func TestReadXLS_Refused(t *testing.T) {
	encrypted := xlsRoster()
	encrypted.filePass = true
	biff5 := (&biff{}).rec(biffBOF, u16(0x0500), u16(0x0005), make([]byte, 4)).rec(biffEOF).b
	roster := xlsRoster().stream()
	// A workbook whose first sheet points past the end of the stream.
	badSheet := xlsRoster().stream()
	for pos := 0; ; {
		typ, _, next, ok := biffRecord(badSheet, pos)
		if !ok {
			t.Fatal("no BOUNDSHEET record")
		}
		if typ == biffBoundSheet {
			binary.LittleEndian.PutUint32(badSheet[pos+4:], 1<<24)
			break
		}
		pos = next
	}
	tests := []struct {
		name    string
		streams map[string][]byte
		want    error
		reason  string
	}{
		{"encrypted", map[string][]byte{"Workbook": encrypted.stream()}, ErrEncrypted, "the .xls workbook is encrypted with a password"},
		{"excel 95 stream", map[string][]byte{"Book": biff5}, ErrLegacyXLS, "an Excel 5.0 or 95 workbook"},
		{"excel 95 records", map[string][]byte{"Workbook": biff5}, ErrLegacyXLS, "an Excel 5.0 or 95 workbook"},
		{"cut short", map[string][]byte{"Workbook": roster[:200]}, ErrCorrupt, "the .xls workbook could not be read"},
		{"not a workbook", map[string][]byte{"Workbook": []byte("hello, world")}, ErrCorrupt, "the .xls workbook could not be read"},
		{"no workbook", map[string][]byte{"Workbook1": roster}, ErrCorrupt, "in which no workbook can be found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := readData(t, "a.xls", oleFile(t, tc.streams), defaultOptions())
			var fe *FileError
			if !errors.As(g.in.Err, &fe) || !errors.Is(fe, tc.want) || !strings.Contains(fe.Reason, tc.reason) || fe.Hint == "" {
				t.Fatalf("Err = %#v, want %v starting %q", g.in.Err, tc.want, tc.reason)
			}
			if g.in.Format != "" || len(g.in.Sheets) != 0 {
				t.Errorf("Format %q, %d sheets", g.in.Format, len(g.in.Sheets))
			}
		})
	}
	// A damaged sheet fails alone.
	g := readData(t, "a.xls", oleFile(t, map[string][]byte{"Workbook": badSheet}), defaultOptions())
	if g.in.Err != nil || len(g.in.Sheets) != 3 || g.in.Sheets[1].Rows != 1 || !errors.Is(g.in.Sheets[0].Err, ErrCorrupt) {
		t.Fatalf("Err %v, %d sheets", g.in.Err, len(g.in.Sheets))
	}
	if fe := g.in.Sheets[0].Err.(*FileError); fe.Sheet != "Workers" || !strings.Contains(fe.Reason, "where no sheet starts") {
		t.Errorf("sheet Err = %+v", fe)
	}
}

// FuzzXLS wraps a BIFF8 stream in a valid OLE container, so that mutations
// reach the record reader rather than the container's tables.
func FuzzXLS(f *testing.F) {
	f.Add(xlsRoster().stream())
	encrypted := xlsRoster()
	encrypted.filePass = true
	f.Add(encrypted.stream())
	unordered := xlsRoster()
	unordered.sheets[0].stream = (&biff{}).
		rec(biffLabel, cellHead(3, 0, 0), xlStr("E1")).
		rec(biffLabel, cellHead(2, 0, 0), xlStr("Employee ID")).
		rec(biffLabel, cellHead(2, 1, 0), xlStr("Date of birth")).
		rec(biffRK, cellHead(3, 1, 1), u32(32874<<2|2)).
		rec(biffFormula, cellHead(3, 2, 0), []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, make([]byte, 8)).
		rec(biffString, xlStr("x")).rec(biffContinue, []byte{1, 'y', 0}).b
	f.Add(unordered.stream())
	// The workbook streams of the seed files.
	for _, name := range []string{"frictionless__sheet2.xls"} {
		f.Add(xlsWorkbookStream(f, filepath.Join("testdata", "seed", name)))
	}
	schema := contract.DefaultSchema()
	f.Fuzz(func(t *testing.T, stream []byte) {
		stream = stream[:min(len(stream), 60000)] // what one FAT sector of oleFile holds
		checkRead(t, "fuzz.xls", oleFile(t, map[string][]byte{"Workbook": stream}), schema)
	})
}

// xlsWorkbookStream reads the Workbook stream of the .xls file at path, as
// the file holds it (still encrypted, for an encrypted workbook).
func xlsWorkbookStream(tb testing.TB, path string) []byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	r := newReader(context.Background(), path, defaultOptions(), nil, &Input{})
	stream, ferr := r.xlsStream(memFile{bytes.NewReader(data)}, int64(len(data)))
	if ferr != nil {
		tb.Fatal(ferr)
	}
	return stream
}
