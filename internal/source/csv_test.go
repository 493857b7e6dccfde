package source

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		name      string
		sample    string
		preferTab bool
		want      rune
		wantOK    bool
	}{
		{"comma", "Name,Employee ID,Salary\nAna,E1,1200\nBo,E2,1300\n", false, ',', true},
		{"semicolon with decimal commas", "Name;Salary;Hours\nAna;1200,50;48,5\nBo;1300,00;60\n", false, ';', true},
		{"tab", "Name\tSalary\nAna\t1,200\nBo\t1,300\n", false, '\t', true},
		{"pipe", "id|name\n1|english\n2|中国人\n", false, '|', true},
		{"quoted delimiters do not count", "Name,Address\n\"Lee; Ana\",\"1; Main St; Dhaka\"\n\"Bo; K\",\"2; Side; Doha\"\n", false, ',', true},
		{"header only", "Name;DOB;Salary\n", false, ';', true},
		{"single column", "SingleLine", false, ',', false},
		{"single column tsv", "SingleLine\n", true, '\t', false},
		{"tsv extension prefers tab", "a,b\tc,d\te\n1,2\t3,4\t5\n", true, '\t', true},
		{"ragged rows still win", "id,name,age\n1,Ana\n2,Bo,30,extra\n3,Cy,41\n", false, ',', true},
		{"semicolon in free text", "Name,Note,Salary\nAna,late; warned,1200\nBo,ok,1300\nCy,none,900\n", false, ',', true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := sniffDelimiter([]byte(tc.sample), tc.preferTab)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("sniffDelimiter(%q) = %q, %v, want %q, %v", tc.sample, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestReadCSV_Encodings(t *testing.T) {
	const text = "Name,Employee ID,Basic Salary\nJosé Núñez,E1,1200\nZoë,E2,1300\n"
	utf16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	utf16be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	utf16leNoBOM, _ := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().Bytes([]byte(text))
	utf32le, _ := utf32.UTF32(utf32.LittleEndian, utf32.UseBOM).NewEncoder().Bytes([]byte(text))
	win1252, _ := charmap.Windows1252.NewEncoder().Bytes([]byte(text))
	tests := []struct {
		name     string
		data     []byte
		wantNote string // "" for none
	}{
		{"utf-8", []byte(text), ""},
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, text...), ""},
		{"utf-16le bom", utf16le, "text encoding: UTF-16LE (byte-order mark)"},
		{"utf-16be bom", utf16be, "text encoding: UTF-16BE (byte-order mark)"},
		{"utf-16le no bom", utf16leNoBOM, "text encoding: UTF-16LE (no byte-order mark)"},
		{"utf-32le bom", utf32le, "text encoding: UTF-32LE (byte-order mark)"},
		{"windows-1252", win1252, "text encoding: windows-1252 (not valid UTF-8)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := readData(t, "roster.csv", tc.data, defaultOptions())
			sh := onlySheet(t, g.in)
			if sh.HeaderRow != 1 || len(g.contracts) != 2 {
				t.Fatalf("header row %d, %d contracts, want 1 and 2 (skipped %q)", sh.HeaderRow, len(g.contracts), sh.Skipped)
			}
			if name := g.field(t, 0, "worker_name").Str; name != "José Núñez" {
				t.Errorf("worker_name = %q, want %q", name, "José Núñez")
			}
			if name := g.field(t, 1, "worker_name").Str; name != "Zoë" {
				t.Errorf("worker_name = %q, want %q", name, "Zoë")
			}
			hasNote := tc.wantNote != "" && slices.Contains(g.in.Notes, tc.wantNote)
			if tc.wantNote != "" && !hasNote || tc.wantNote == "" && len(g.in.Notes) > 0 {
				t.Errorf("Notes = %q, want %q", g.in.Notes, tc.wantNote)
			}
			if g.in.Format != FormatCSV {
				t.Errorf("Format = %q, want csv", g.in.Format)
			}
		})
	}
}

func TestReadCSV_LineNumbers(t *testing.T) {
	// Quoted newlines shift the line numbers of later records; blank lines
	// are skipped but counted.
	data := "Name,Employee ID,Job Title\r\n" +
		"Ana,E1,\"Sewing\r\noperator\"\r\n" +
		"\r\n" +
		"Bo,E2,Cutter\r\n" +
		"\"Cy\nDee\",E3,\"a\n\nb\"\n" +
		"Eve,E4,Packer"
	g := readData(t, "r.csv", []byte(data), defaultOptions())
	if want := []int{2, 5, 6, 10}; !slices.Equal(g.rows(), want) {
		t.Errorf("rows = %v, want %v", g.rows(), want)
	}
	if v := g.field(t, 0, "job_title").Raw; v != "Sewing\noperator" {
		t.Errorf("job_title raw = %q", v)
	}
}

func TestReadCSV_SepLine(t *testing.T) {
	g := readData(t, "r.csv", []byte("sep=;\r\nName;Employee ID\r\nAna;E1\r\n"), defaultOptions())
	sh := onlySheet(t, g.in)
	if sh.HeaderRow != 2 || !slices.Equal(g.rows(), []int{3}) {
		t.Errorf("header %d rows %v, want 2 and [3]", sh.HeaderRow, g.rows())
	}
	if !slices.Contains(g.in.Notes, `delimiter: ';' (from the file's "sep=" line)`) {
		t.Errorf("Notes = %q", g.in.Notes)
	}
}

func TestReadCSV_CROnly(t *testing.T) {
	g := readData(t, "r.csv", []byte("Name,Employee ID\rAna,E1\rBo,E2\r"), defaultOptions())
	if !slices.Equal(g.rows(), []int{2, 3}) {
		t.Errorf("rows = %v, want [2 3]", g.rows())
	}
}

func TestReadCSV_Columns(t *testing.T) {
	data := "Name,Employee ID,Fee (USD),Name,Notes,\nAna,E1,100,Ana K,late,\n"
	g := readData(t, "r.csv", []byte(data), defaultOptions())
	sh := onlySheet(t, g.in)
	if len(sh.Columns) != 5 {
		t.Fatalf("%d columns, want 5 (trailing blank header dropped): %+v", len(sh.Columns), sh.Columns)
	}
	c := sh.Columns
	if c[0].Letter != "1" || c[4].Letter != "5" || c[4].Field != nil || c[4].Header != "Notes" {
		t.Errorf("columns = %+v", c)
	}
	if !c[3].Duplicate || c[0].Duplicate || c[3].Field == nil || c[3].Field.Name != "worker_name" {
		t.Errorf("duplicate column = %+v", c[3])
	}
	if want := `column 1 ("Name") and column 4 ("Name") both map to worker_name: column 4 ignored`; !slices.Contains(sh.Notes, want) {
		t.Errorf("Notes = %q, want %q", sh.Notes, want)
	}
	if got := g.field(t, 0, "worker_name").Str; got != "Ana" {
		t.Errorf("worker_name = %q: the duplicate must be ignored", got)
	}
}

func TestReadCSV_DataIssueNamesHeader(t *testing.T) {
	data := "Name,Employee ID,DOB\nAna,E1,not a date\n"
	g := readData(t, "r.csv", []byte(data), defaultOptions())
	if len(g.issues) != 1 {
		t.Fatalf("issues = %+v, want 1", g.issues)
	}
	is := g.issues[0]
	if is.Column != "DOB" || is.Field != "date_of_birth" || is.Row != 2 || is.Value != "not a date" || is.Problem == "" || is.Sheet != "" {
		t.Errorf("issue = %+v", is)
	}
	if v := g.field(t, 0, "date_of_birth"); v.Present || v.Raw != "not a date" {
		t.Errorf("date_of_birth = %+v, want absent with its raw text", v)
	}
}

func TestReadCSV_RecordLimit(t *testing.T) {
	data := "Name,Employee ID\nAna,E1\n\"Bo" + strings.Repeat("x", 5000) + "\n"
	opts := defaultOptions()
	opts.Limits.MaxRecord = 1024
	g := readData(t, "r.csv", []byte(data), opts)
	sh := onlySheet(t, g.in)
	if !errors.Is(sh.Err, ErrTooLarge) {
		t.Errorf("sheet Err = %v, want ErrTooLarge", sh.Err)
	}
	if len(g.contracts) != 1 {
		t.Errorf("%d contracts, want the 1 before the long record", len(g.contracts))
	}
}

func TestReadCSV_Empty(t *testing.T) {
	for name, data := range map[string][]byte{
		"zero bytes":  nil,
		"bom only":    {0xEF, 0xBB, 0xBF},
		"white space": []byte(" \r\n\t\n"),
		"utf-16 bom":  {0xFF, 0xFE},
	} {
		t.Run(name, func(t *testing.T) {
			g := readData(t, "r.csv", data, defaultOptions())
			if !errors.Is(g.in.Err, ErrEmpty) {
				t.Errorf("Err = %v, want ErrEmpty", g.in.Err)
			}
		})
	}
}

func TestReadCSV_TextNamedXLSX(t *testing.T) {
	g := readData(t, "roster.xlsx", []byte("Name;Employee ID\nAna;E1\nBo;E2\n"), defaultOptions())
	if g.in.Err != nil || len(g.contracts) != 2 {
		t.Fatalf("Err = %v, %d contracts", g.in.Err, len(g.contracts))
	}
	if !slices.Contains(g.in.Notes, "a text file named .xlsx: read as delimited text") {
		t.Errorf("Notes = %q", g.in.Notes)
	}
	g = readData(t, "roster.xlsx", []byte("Attachment roster.xlsx not found!"), defaultOptions())
	var fe *FileError
	if !errors.As(g.in.Err, &fe) || !errors.Is(fe, ErrCorrupt) || fe.Reason != "a text file named .xlsx, not a workbook" {
		t.Errorf("Err = %v, want ErrCorrupt for a text file named .xlsx", g.in.Err)
	}
}

func TestUTF8Checker(t *testing.T) {
	valid := []byte("héllo wörld ✓ 𝄞 end")
	invalid := append([]byte("abc"), 0xE9, 'x')
	truncated := []byte("abc\xE2\x9C")
	for _, tc := range []struct {
		data []byte
		want bool
	}{{valid, true}, {invalid, false}, {truncated, false}} {
		for chunk := 1; chunk <= len(tc.data); chunk++ {
			u := utf8Checker{ok: true}
			for p := tc.data; len(p) > 0; {
				n := min(chunk, len(p))
				u.write(bytes.Clone(p[:n]))
				p = p[n:]
			}
			if got := u.done(); got != tc.want {
				t.Errorf("utf8Checker(%q) in chunks of %d = %v, want %v", tc.data, chunk, got, tc.want)
			}
		}
	}
}
