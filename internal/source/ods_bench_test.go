package source

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// odsRosterContent writes the content.xml of an n-row roster as LibreOffice
// writes it: value types on every cell, calcext types beside them, dates,
// currencies, repeated blank cells and the million blank rows after the data.
func odsRosterContent(n int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.3"><office:automatic-styles><style:style style:name="ta1" style:family="table" style:master-page-name="Default"><style:table-properties table:display="true" style:writing-mode="lr-tb"/></style:style></office:automatic-styles><office:body><office:spreadsheet><table:table table:name="Workers" table:style-name="ta1"><table:table-column table:style-name="co1" table:number-columns-repeated="12" table:default-cell-style-name="Default"/>`)
	str := func(s string) {
		fmt.Fprintf(&b, `<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>%s</text:p></table:table-cell>`, s)
	}
	b.WriteString(`<table:table-row table:style-name="ro1">`)
	for _, h := range []string{"Employee ID", "Name", "Passport No", "DOB", "Start Date", "Basic Salary", "Recruitment Fee (USD)",
		"Weekly Hours", "Passport Held By", "Nationality", "Job Title", "Notes"} {
		str(h)
	}
	b.WriteString(`</table:table-row>`)
	for i := range n {
		b.WriteString(`<table:table-row table:style-name="ro1">`)
		str(fmt.Sprintf("E%06d", i))
		str(fmt.Sprintf("Worker %d", i))
		str(fmt.Sprintf("P%08d", i*7))
		for _, y := range []int{1980 + i%20, 2020 + i%4} {
			d := fmt.Sprintf("%04d-%02d-%02d", y, 1+i%12, 1+i%28)
			fmt.Fprintf(&b, `<table:table-cell table:style-name="ce1" office:value-type="date" office:date-value="%s" calcext:value-type="date"><text:p>%s</text:p></table:table-cell>`, d, d)
		}
		fmt.Fprintf(&b, `<table:table-cell office:value-type="currency" office:currency="USD" office:value="%d.5" calcext:value-type="currency"><text:p>$%d.50</text:p></table:table-cell>`, 1000+i%500, 1000+i%500)
		fmt.Fprintf(&b, `<table:table-cell office:value-type="float" office:value="%d" calcext:value-type="float"><text:p>%d</text:p></table:table-cell>`, i%3*100, i%3*100)
		fmt.Fprintf(&b, `<table:table-cell office:value-type="float" office:value="%d" calcext:value-type="float"><text:p>%d</text:p></table:table-cell>`, 48+i%20, 48+i%20)
		str([]string{"worker", "employer", "agent &amp; broker"}[i%3])
		str("Nepal")
		str(`Machine<text:s/>operator`)
		if i%5 == 0 {
			str(`ok<text:line-break/>see file`)
		} else {
			b.WriteString(`<table:table-cell/>`)
		}
		b.WriteString(`<table:table-cell table:number-columns-repeated="1012"/></table:table-row>`)
	}
	b.WriteString(`<table:table-row table:style-name="ro1" table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>`)
	return b.String()
}

// bigODS writes an n-row .ods roster to a temporary file.
func bigODS(b *testing.B, n int) string {
	b.Helper()
	data := zipOf(b, map[string]string{
		"mimetype":              "application/vnd.oasis.opendocument.spreadsheet",
		"content.xml":           odsRosterContent(n),
		"META-INF/manifest.xml": `<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>`,
	})
	p := filepath.Join(b.TempDir(), "big.ods")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkReadODS reads a 50,000-row .ods roster into contracts, as
// BenchmarkReadXLSX does the .xlsx one.
func BenchmarkReadODS(b *testing.B) {
	const n = 50000
	p := bigODS(b, n)
	schema := contract.DefaultSchema()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		got := 0
		in, err := Read(context.Background(), p, Options{Schema: schema}, func(*contract.Contract, []contract.DataIssue) error { got++; return nil })
		if err != nil || in.Err != nil || got != n {
			b.Fatalf("Read = %v, %v, %d contracts", err, in.Err, got)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
}

// BenchmarkODSRows reads the rows of a 50,000-row content.xml, already
// inflated, with the byte scanner and with the encoding/xml reader it
// replaced.
func BenchmarkODSRows(b *testing.B) {
	const n = 50000
	content := []byte(odsRosterContent(n))
	r := newReader(context.Background(), "t.ods", defaultOptions(), nil, &Input{})
	count := func(next func() (rawRow, error)) int {
		rows := 0
		for {
			_, err := next()
			if err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				return rows
			}
			rows++
		}
	}
	b.Run("scanner", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(content)))
		for range b.N {
			sc := newODSScanner(bytes.NewReader(content))
			for {
				tok, err := sc.next()
				if err != nil || tok == odsEOF {
					b.Fatal("no table", err)
				}
				if tok == odsStart && string(sc.local) == "table" {
					break
				}
			}
			src := &odsSheetReader{r: r, sc: sc, name: "Workers", cache: newODSCache()}
			if got := count(src.next); got != n+1 {
				b.Fatalf("%d rows", got)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
	})
	b.Run("encoding-xml", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(content)))
		for range b.N {
			d := xml.NewDecoder(bytes.NewReader(content))
			for {
				tok, err := d.RawToken()
				if err != nil {
					b.Fatal("no table", err)
				}
				if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "table" {
					break
				}
			}
			src := &oldODSSheetReader{r: r, d: d, name: "Workers"}
			if got := count(src.next); got != n+1 {
				b.Fatalf("%d rows", got)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
	})
}
