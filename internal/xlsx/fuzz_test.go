package xlsx

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// parseSheetBytes runs the sheet parser over data with a fixed shared
// strings table and styles, reading through r (a wrapper of data) with a
// scanner buffer of bufSize bytes. It returns a rendering of the rows.
func parseSheetBytes(data []byte, wrap func([]byte) ioReader, bufSize int) (string, error) {
	w := &Workbook{isDate: []bool{false, true}}
	w.sst = &sharedStrings{}
	sc := newScanner(bytes.NewReader([]byte(`<sst><si><t>zero</t></si><si><r><t>o</t></r><r><t>ne</t></r></si></sst>`)))
	if err := parseSST(sc, w.sst, 100, 10, 1<<20); err != nil {
		panic(err)
	}
	var out strings.Builder
	p := sheetParser{w: w, ctx: context.Background(), sc: newScannerSize(wrap(data), bufSize), fn: func(r *Row) error {
		if r.Num < 1 || r.Num > MaxRows {
			return fmt.Errorf("row %d out of range", r.Num)
		}
		fmt.Fprintf(&out, "%d %v %v:", r.Num, r.Hidden, r.HiddenColumns)
		for _, c := range r.Cells {
			if c.Col < 0 || c.Col >= MaxColumns || c.Kind > BadShared || utf8.RuneCount(c.Value) > MaxCellText {
				return fmt.Errorf("bad cell %+v", c)
			}
			// A cell that names its shared string is that string, and
			// only a shared string's cell names one: readers look its
			// reading up by the number alone.
			if c.Shared != 0 {
				if c.Kind != String || c.Shared < 1 || int(c.Shared) > w.sst.len() || c.Text != w.sst.str(int(c.Shared)-1) || string(c.Value) != c.Text {
					return fmt.Errorf("cell %+v is not shared string %d", c, c.Shared-1)
				}
			} else if c.Text != "" {
				return fmt.Errorf("cell %+v has a shared string's text and no index", c)
			}
			fmt.Fprintf(&out, " %d=%d:%q:%v:%d", c.Col, c.Kind, c.Value, c.Truncated, c.Shared)
		}
		out.WriteByte('\n')
		return nil
	}}
	err := p.run()
	return out.String(), err
}

type ioReader = interface{ Read([]byte) (int, error) }

func FuzzSheetXML(f *testing.F) {
	for _, s := range []string{
		`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" s="1"><v>45000</v></c></row></sheetData></worksheet>`,
		`<x:worksheet><x:sheetData><x:row><x:c t="inlineStr"><x:is><x:r><x:t>a&amp;b</x:t></x:r><x:rPh><x:t>p</x:t></x:rPh></x:is></x:c></x:row></x:sheetData></x:worksheet>`,
		`<sheetData><row><c><f>1+1</f></c><c t="str"><v><![CDATA[x]]></v></c><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c><c t="d"><v>2020-01-01</v></c></row><row/></sheetData>`,
		"\xEF\xBB\xBF<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a 'b'>]><!-- c --><sheetData><row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row></sheetData>",
		"\xFF\xFE<\x00s\x00h\x00e\x00e\x00t\x00D\x00a\x00t\x00a\x00>\x00",
		`<sheetData><row r="7"><c r="A7" s="12" t="s"><v>0</v></c><c r="B7" t="n"/><c r="AB7" s="0"><v>3</v></c><c r="C07"><v>1</v></c><c r="D8" t="str"><v>x</v></c><c r="XFE7"/></row></sheetData>`,
		`<sheetData><row r="2"><c r='B2' t='inlineStr'><is><t xml:space="preserve"> _x000D_ &#10;&#x1F600;</t></is></c></row></sheetData>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		whole := func(b []byte) ioReader { return bytes.NewReader(b) }
		oneByte := func(b []byte) ioReader { return iotest.OneByteReader(bytes.NewReader(b)) }
		got, err := parseSheetBytes(data, whole, scanChunk)
		// Reading byte by byte into a tiny, growing buffer must give the
		// same rows: values must not depend on where the input is split.
		got2, err2 := parseSheetBytes(data, oneByte, 16)
		if got != got2 || (err == nil) != (err2 == nil) {
			t.Fatalf("split input changed the result:\n%s (err %v)\nvs\n%s (err %v)", got, err, got2, err2)
		}
		// Start tags read by quickTag must read as the general reader
		// reads them.
		quickTags = false
		got3, err3 := parseSheetBytes(data, whole, scanChunk)
		quickTags = true
		if got != got3 || fmt.Sprint(err) != fmt.Sprint(err3) {
			t.Fatalf("quickTag changed the result:\n%s (err %v)\nwithout it\n%s (err %v)", got, err, got3, err3)
		}
		// The shared strings parser must not panic either.
		var sst sharedStrings
		_ = parseSST(newScannerSize(bytes.NewReader(data), 16), &sst, uint64(len(data)), 1000, 1<<20)
		for i := 0; i < sst.len(); i++ {
			if v, _ := sst.get(i); utf8.RuneCount(v) > MaxCellText {
				t.Fatalf("shared string %d has %d characters", i, utf8.RuneCount(v))
			}
		}
	})
}
