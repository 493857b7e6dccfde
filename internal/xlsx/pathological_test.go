package xlsx

import (
	"bytes"
	"strings"
	"testing"
	"testing/iotest"
)

// TestPathologicalInputsTerminate feeds malformed sheets that stress the
// scanner's buffer handling (unterminated tags, comments, CDATA, deep
// nesting), whole and byte by byte; each must end with an error, quickly.
func TestPathologicalInputsTerminate(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("<", 1<<18), strings.Repeat("<a ", 1<<18), "<sheetData>" + strings.Repeat("<row>", 1<<18),
		"<sheetData><row><c><v>" + strings.Repeat("&", 1<<18), "<!--" + strings.Repeat("-", 1<<18), "<![CDATA[" + strings.Repeat("]", 1<<18),
		"<!DOCTYPE" + strings.Repeat("[", 1<<18), "<sheetData><row><c t=\"inlineStr\"><is>" + strings.Repeat("<t>x</t>", 1<<15),
		"<a b=\"" + strings.Repeat("x", 1<<18), "<sheetData>" + strings.Repeat("<row><c><v>1</v></c></row>", 1<<15),
		"<sheetData><row>" + strings.Repeat("<c/>", 1<<14),
	} {
		for _, one := range []bool{false, true} {
			wrap := func(b []byte) ioReader { return bytes.NewReader(b) }
			if one {
				wrap = func(b []byte) ioReader { return iotest.OneByteReader(bytes.NewReader(b)) }
			}
			if _, err := parseSheetBytes([]byte(in), wrap, 16); err == nil {
				t.Errorf("%.20q… (byte by byte %v): no error", in, one)
			}
		}
	}
}
