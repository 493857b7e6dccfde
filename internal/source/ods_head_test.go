package source

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// odsHeadTable is a table of a header and n rows.
func odsHeadTable(name string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<table:table table:name="%s">`, name)
	row := func(cells ...string) {
		b.WriteString("<table:table-row>")
		for _, c := range cells {
			fmt.Fprintf(&b, `<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>`, c)
		}
		b.WriteString("</table:table-row>")
	}
	row("Employee ID", "Worker name", "Nationality", "Passport held by")
	for i := range n {
		row(fmt.Sprintf("E%d", i), fmt.Sprintf("Worker %d", i), "Nepal", "worker")
	}
	b.WriteString(`</table:table>`)
	return b.String()
}

// odsHeadBook is an .ods of the tables given, its content.xml stored
// uncompressed so that the bytes read from the file are the content read,
// with a meta.xml that counts them as LibreOffice's does when count > 0.
func odsHeadBook(t testing.TB, count int, tables ...string) []byte {
	t.Helper()
	parts := map[string]string{
		"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
		"content.xml": `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>` +
			strings.Join(tables, "") + `</office:spreadsheet></office:body></office:document-content>`,
		"META-INF/manifest.xml": `<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>`,
	}
	if count > 0 {
		parts["meta.xml"] = fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"><office:meta><meta:generator>LibreOffice/7.4.7.2</meta:generator><meta:document-statistic meta:table-count="%d" meta:cell-count="1818" meta:object-count="0"/></office:meta></office:document-meta>`, count)
	}
	return zipIn(t, parts, []string{"mimetype", "META-INF/manifest.xml", "meta.xml", "content.xml"}, zip.Store)
}

// countedFile counts the bytes read from it at an offset, as zip parts
// are read (the file's digest reads it from the start, not at offsets).
type countedFile struct {
	*bytes.Reader
	n *int64
}

func (f countedFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := f.Reader.ReadAt(p, off)
	*f.n += int64(n)
	return n, err
}

func (countedFile) Close() error { return nil }

// readCounted reads data as readBytes does and returns the share of its
// bytes read.
func readCounted(t *testing.T, data []byte, opts Options) (*Input, float64) {
	t.Helper()
	in := &Input{Path: "roster.ods"}
	m, err := opts.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	opts.Matcher = m
	var n int64
	r := newReader(context.Background(), "roster.ods", opts, fillEach(opts, func(*contract.Contract, []contract.DataIssue) error { return nil }), in)
	r.open = func() (file, error) { return countedFile{bytes.NewReader(data), &n}, nil }
	if err := r.read(); err != nil {
		t.Fatal(err)
	}
	return in, float64(n) / float64(len(data))
}

// TestODSHead checks that a read of each sheet's first rows, as inspect's
// is, stops reading content.xml after the last sheet it needs, and that a
// read of every row reads it all.
func TestODSHead(t *testing.T) {
	head := func(sheet string) Options {
		o := defaultOptions()
		o.MaxRows, o.Sheet = 3, sheet
		return o
	}
	const big = 20000
	tests := []struct {
		name      string
		data      []byte
		opts      Options
		sheets    int
		readsPast bool // the read must go on past the first rows
	}{
		{"one sheet", odsHeadBook(t, 1, odsHeadTable("Workers", big)), head(""), 1, false},
		{"last of two", odsHeadBook(t, 2, odsHeadTable("Workers", 300), odsHeadTable("Agents", big)), head(""), 2, false},
		{"sheet wanted", odsHeadBook(t, 0, odsHeadTable("Old", 300), odsHeadTable("Workers", big), odsHeadTable("Agents", 5)), head("Workers"), 1, false},
		// Without the count, the read cannot know that no sheet follows.
		{"no statistics", odsHeadBook(t, 0, odsHeadTable("Workers", big)), head(""), 1, true},
		// A count below the sheets' is the file's word: the read shows
		// the sheets it counts.
		{"count too low", odsHeadBook(t, 1, odsHeadTable("Workers", big), odsHeadTable("Agents", 300)), head(""), 1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, share := readCounted(t, tc.data, tc.opts)
			if in.Err != nil || len(in.Sheets) != tc.sheets {
				t.Fatalf("Err %v, %d sheets, want %d", in.Err, len(in.Sheets), tc.sheets)
			}
			for _, s := range in.Sheets {
				if s.Rows != 3 || len(s.Columns) != 4 {
					t.Errorf("sheet %q: %d rows, %d columns", s.Name, s.Rows, len(s.Columns))
				}
			}
			if past := share > 0.5; past != tc.readsPast {
				t.Errorf("read %.0f%% of the file", 100*share)
			}
			// A read of every row reads the whole content.
			all := tc.opts
			all.MaxRows = 0
			if in, share := readCounted(t, tc.data, all); in.Err != nil || share < 0.9 {
				t.Errorf("a read of every row: Err %v, %.0f%% of the file", in.Err, 100*share)
			}
		})
	}
}

// BenchmarkInspectODS reads the first rows of a 50,000-row .ods, as
// inspect does, with the sheet count LibreOffice writes in meta.xml (the
// read ends after the first rows) and without it (the rest of the sheet
// is passed over by its brackets), and of a 10-row one.
func BenchmarkInspectODS(b *testing.B) {
	schema := contract.DefaultSchema()
	book := func(n int, meta bool) string {
		parts := map[string]string{
			"mimetype":              "application/vnd.oasis.opendocument.spreadsheet",
			"content.xml":           odsRosterContent(n),
			"META-INF/manifest.xml": `<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>`,
		}
		if meta {
			parts["meta.xml"] = `<office:document-meta xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"><office:meta><meta:document-statistic meta:table-count="1"/></office:meta></office:document-meta>`
		}
		p := filepath.Join(b.TempDir(), "roster.ods")
		if err := os.WriteFile(p, zipOf(b, parts), 0o644); err != nil {
			b.Fatal(err)
		}
		return p
	}
	for _, bc := range []struct {
		name string
		n    int
		meta bool
	}{{"10-rows", 10, true}, {"50000-rows", 50000, true}, {"50000-rows-no-statistics", 50000, false}} {
		b.Run(bc.name, func(b *testing.B) {
			p := book(bc.n, bc.meta)
			b.ResetTimer()
			for range b.N {
				in, err := Read(context.Background(), p, Options{Schema: schema, MaxRows: 3}, func(*contract.Contract, []contract.DataIssue) error { return nil })
				if err != nil || in.Err != nil || in.Sheets[0].Rows != 3 {
					b.Fatalf("Read = %v, %v", err, in.Err)
				}
			}
		})
	}
}

// TestODSHeadPassOver checks that the sheets after one passed over by its
// brackets are read as a read token by token reads them, whatever the
// passed-over part holds: comments and CDATA sections with tags in them,
// a processing instruction, attributes with '>' and "/>" in their
// values, self-closing tags, and a table inside a cell. (A read takes the first 230
// rows of a sheet before it stops at its row limit: the sheets are longer.)
func TestODSHeadPassOver(t *testing.T) {
	tricky := strings.Replace(odsHeadTable("Workers", 300), `</table:table>`,
		`<!-- </table:table> <table:table> --><table:table-row><table:table-cell office:value-type="string" table:formula="of:=[.A1]&gt;1" text:note='a > b /> c'><text:p><![CDATA[</table:table>]]>x</text:p><draw:frame><draw:text-box><table:table table:name="inner"><table:table-row><table:table-cell/></table:table-row></table:table></draw:text-box></draw:frame></table:table-cell><table:table-cell table:number-columns-repeated="3"/></table:table-row><?pi </table:table> ?></table:table>`, 1)
	data := odsHeadBook(t, 0, odsHeadTable("Intro", 300), tricky, odsHeadTable("Agents", 300))
	o := defaultOptions()
	o.MaxRows = 3
	g := readData(t, "roster.ods", data, o)
	if g.in.Err != nil || len(g.in.Sheets) != 3 {
		t.Fatalf("Err %v, %d sheets", g.in.Err, len(g.in.Sheets))
	}
	for i, name := range []string{"Intro", "Workers", "Agents"} {
		if s := g.in.Sheets[i]; s.Name != name || s.Err != nil || s.Rows != 3 || len(s.Columns) != 4 {
			t.Errorf("sheet %d: %q, Err %v, %d rows, %d columns", i, s.Name, s.Err, s.Rows, len(s.Columns))
		}
	}
}

// FuzzODSPassOver checks that passing over an element by its brackets
// ends where reading it token by token does, wherever the tokens can be
// read.
func FuzzODSPassOver(f *testing.F) {
	f.Add([]byte(odsHeadTable("Workers", 3) + "<after/>"))
	f.Add([]byte(`<a><!-- </a> --><b x='>' y="/>"/><![CDATA[</a>]]><?p </a> ?><a><a/></a></a>tail`))
	f.Add([]byte(`<a>text &amp; more</a>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// where returns the offset in data at which a scanner stands.
		where := func(s *odsScanner, n int) int { return n - (s.end - s.pos) }
		var na, nb int64
		a := newODSScanner(countingReader{bytes.NewReader(data), &na})
		if tok, err := a.next(); err != nil || tok != odsStart {
			return
		}
		if err := a.skip(); err != nil {
			return
		}
		b := newODSScanner(countingReader{bytes.NewReader(data), &nb})
		if tok, err := b.next(); err != nil || tok != odsStart {
			t.Fatal("the first token differs")
		}
		depth := 0
		for {
			d, end, err := b.passOver(depth)
			if err != nil {
				t.Fatalf("passOver: %v, where the tokens read", err)
			}
			if end {
				break
			}
			tok, err := b.next()
			if err != nil || tok == odsEOF {
				t.Fatalf("next = %v, %v, where the tokens read", tok, err)
			}
			if tok == odsStart {
				d++
			} else if d--; d < 0 {
				break
			}
			depth = d
		}
		if wa, wb := where(a, int(na)), where(b, int(nb)); wa != wb {
			t.Fatalf("the tokens end at %d, the brackets at %d", wa, wb)
		}
	})
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n *int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}
