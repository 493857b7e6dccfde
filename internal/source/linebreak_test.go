package source

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// TestLoneCarriageReturns: lines ended by a carriage return alone, in part
// of a file whose other lines end in LF or CR LF, are lines; none is lost.
func TestLoneCarriageReturns(t *testing.T) {
	csv := "Name,Employee ID,Recruitment Fee\r\n" +
		"Ana,E1,0\r\n" +
		"Bo,E2,100\r" + // pasted from an old Mac export
		"Cy,E3,0\r" +
		"Dee,E4,0\n" +
		"Eve,E5,\"a fee,\rnoted\"\n" +
		"Fay,E6,0\r"
	g := readData(t, "r.csv", []byte(csv), defaultOptions())
	if want := []int{2, 3, 4, 5, 6, 8}; !slices.Equal(g.rows(), want) {
		t.Fatalf("rows = %v, want %v", g.rows(), want)
	}
	if v := g.field(t, 5, "worker_id"); v.Str != "E6" {
		t.Errorf("last row worker_id = %q", v.Str)
	}
	found := false
	for _, n := range g.in.Notes {
		found = found || strings.Contains(n, "ended by a carriage return alone")
	}
	if !found {
		t.Errorf("Notes = %q, want a note on lone carriage returns", g.in.Notes)
	}
}

// TestLoneCRReader checks the line-end reader on every split of its input,
// one byte at a time included.
func TestLoneCRReader(t *testing.T) {
	for in, want := range map[string]string{
		"a\rb\r\nc\r":    "a\nb\r\nc\n",
		"\r\r\n\r":       "\n\r\n\n",
		"x\r\r\r":        "x\n\n\n",
		"no breaks":      "no breaks",
		"a\r\n":          "a\r\n",
		"q\"\r\"\r\nz\r": "q\"\n\"\r\nz\n",
	} {
		for _, wrap := range []func(io.Reader) io.Reader{func(r io.Reader) io.Reader { return r }, iotest.OneByteReader, iotest.HalfReader} {
			var out bytes.Buffer
			buf := make([]byte, 3)
			r := &loneCR{r: wrap(strings.NewReader(in))}
			for {
				n, err := r.Read(buf)
				out.Write(buf[:n])
				if err != nil {
					break
				}
			}
			if out.String() != want {
				t.Errorf("%q → %q, want %q", in, out.String(), want)
			}
		}
	}
}

// TestStrayQuoteNamed: a stray quote at the start of a cell swallows the
// rows up to the next quote; the sheet fails with the line of the quote
// instead of losing those rows without a word.
func TestStrayQuoteNamed(t *testing.T) {
	var b strings.Builder
	b.WriteString("Name,Employee ID,Recruitment Fee,Passport Held By\n")
	b.WriteString("Ana,E1,0,Self\n")
	b.WriteString("Bo,E2,\"100,Self\n") // the stray quote
	for i := 3; i <= 40; i++ {
		b.WriteString("W" + strings.Repeat("x", i%5) + ",E" + string(rune('0'+i%10)) + ",0,Employer\n")
	}
	b.WriteString("Zed,E41,0,\"HR\"\n")
	g := readData(t, "r.csv", []byte(b.String()), defaultOptions())
	sh := onlySheet(t, g.in)
	if sh.Err == nil {
		t.Fatalf("sheet read %d contracts without an error; want the stray quote named", len(g.contracts))
	}
	if !strings.Contains(sh.Err.Error(), "a quote at line 3, cell 3") {
		t.Errorf("error = %v, want the quote's line and cell", sh.Err)
	}
}

// TestAddressOverLinesIsNoStrayQuote: a quoted cell written over several
// lines with a comma here and there is a cell, not swallowed rows.
func TestAddressOverLinesIsNoStrayQuote(t *testing.T) {
	csv := "Name,Employee ID,Recruitment Fee,Address\n" +
		"Ana,E1,0,\"Lot 5, Jalan 3,\nTaman Industri,\nShah Alam\"\n" +
		"Bo,E2,0,Kuala Lumpur\n"
	g := readData(t, "r.csv", []byte(csv), defaultOptions())
	if sh := onlySheet(t, g.in); sh.Err != nil || len(g.contracts) != 2 {
		t.Fatalf("err %v, %d contracts; want 2 and no error", sh.Err, len(g.contracts))
	}
}

// TestOverLongCell: a cell longer than a spreadsheet cell can be is not
// read; the data issue names it and quotes only its start.
func TestOverLongCell(t *testing.T) {
	long := strings.Repeat("Xinjiang ", 5000) // 45,000 characters
	csv := "Name,Employee ID,Production Region\nAna,E1," + long + "\nBo,E2,Hebei\n"
	g := readData(t, "r.csv", []byte(csv), defaultOptions())
	if len(g.contracts) != 2 || len(g.issues) != 1 {
		t.Fatalf("%d contracts, issues %v", len(g.contracts), g.issues)
	}
	is := g.issues[0]
	if !strings.Contains(is.Problem, "45000 characters, more than the 32767") || len(is.Value) > 400 {
		t.Errorf("issue = %q (value %d bytes)", is.Problem, len(is.Value))
	}
	if v := g.field(t, 0, "production_region"); v.Present || len(v.Raw) > 400 {
		t.Errorf("production_region = present %v, raw %d bytes", v.Present, len(v.Raw))
	}
}
