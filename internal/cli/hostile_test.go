package cli

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The hostile batch: files made to slip a roster past the review or to
// exhaust the machine, of each kind issue #12 lists. They are generated
// here, never committed. Each must end in a correct review or a clearly
// failed one (exit 3, the reason named), with no crash, no temporary file
// left behind, and the whole batch read in under 400 MB.

// hostileHeader is a roster header row every case shares.
var hostileHeader = []string{"Contract No", "Full Name", "Passport Held By", "Employer", "Host Country", "Placement Fee"}

// hostileRow is contract i: its passport held by the employer, and a fee.
func hostileRow(i int) []string {
	return []string{fmt.Sprintf("HC-%03d", i), fmt.Sprintf("Worker %d", i), "Employer", "Delta Garments", "Malaysia", "1500"}
}

// inlineCells writes a row of inline-string cells from column A.
func inlineCells(b *strings.Builder, row int, cells []string) {
	fmt.Fprintf(b, `<row r="%d">`, row)
	for j, v := range cells {
		fmt.Fprintf(b, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+j, row, v)
	}
	b.WriteString(`</row>`)
}

// sheetXML wraps rows (and anything before and after <sheetData>) as a
// worksheet part.
func sheetXML(before, rows, after string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + before + `<sheetData>` + rows + `</sheetData>` + after + `</worksheet>`
}

// rosterRows is the header and n contract rows, as inline strings.
func rosterRows(n int) string {
	var b strings.Builder
	inlineCells(&b, 1, hostileHeader)
	for i := 1; i <= n; i++ {
		inlineCells(&b, i+1, hostileRow(i))
	}
	return b.String()
}

// zipPart is one entry of a generated zip: its name and content, or, for a
// raw entry, its compressed bytes and the sizes the directory declares.
type zipPart struct {
	name string
	data string
	raw  *rawPart
}

type rawPart struct {
	compressed         []byte
	crc                uint32
	uncompressed, size uint64
}

func writeZip(t testing.TB, path string, parts []zipPart) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, p := range parts {
		if p.raw != nil {
			w, err := zw.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Deflate, CRC32: p.raw.crc,
				CompressedSize64: uint64(len(p.raw.compressed)), UncompressedSize64: p.raw.uncompressed})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(p.raw.compressed)
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// bookParts are the parts of a one-sheet workbook around sheet (and sst,
// when not "").
func bookParts(sheet, sst string) []zipPart {
	rels := `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if sst != "" {
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	parts := []zipPart{
		{name: "[Content_Types].xml", data: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`},
		{name: "_rels/.rels", data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{name: "xl/workbook.xml", data: `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Workers" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{name: "xl/_rels/workbook.xml.rels", data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels + `</Relationships>`},
		{name: "xl/worksheets/sheet1.xml", data: sheet},
	}
	if sst != "" {
		parts = append(parts, zipPart{name: "xl/sharedStrings.xml", data: sst})
	}
	return parts
}

// noise is n bytes of letters and spaces that compress about 1.6 to 1, so
// that a large text is not refused as a zip bomb before it is read.
func noise(n int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		if i%9 == 8 {
			b[i] = ' '
		} else {
			b[i] = byte('a' + r.IntN(26))
		}
	}
	return string(b)
}

// deflated compresses data as a raw zip entry.
func deflated(t testing.TB, data []byte) []byte {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return buf.Bytes()
}

// hostileCase is one file of the batch and what must become of it.
type hostileCase struct {
	name string // file name, with its extension
	make func(t testing.TB, path string)
	// fail: the file must be refused (exit 3) with this reason in the
	// output; "" when it must be reviewed.
	fail string
	// Reviewed files: the contracts they hold, and a data issue that must
	// be reported ("" for none required).
	contracts int
	issue     string
}

func hostileCases() []hostileCase {
	csvRoster := func(sep string, rows int, mangle func(i int, line string) string) string {
		var b strings.Builder
		b.WriteString(strings.Join(hostileHeader, ",") + sep)
		for i := 1; i <= rows; i++ {
			b.WriteString(mangle(i, strings.Join(hostileRow(i), ",")) + sep)
		}
		return b.String()
	}
	return []hostileCase{
		{name: "duplicate-entry.xlsx", fail: `two parts named "xl/worksheets/sheet1.xml"`, make: func(t testing.TB, path string) {
			parts := bookParts(sheetXML("", rosterRows(5), ""), "")
			clean := strings.ReplaceAll(rosterRows(5), "Employer</t>", "Self</t>")
			writeZip(t, path, append(parts, zipPart{name: "xl/worksheets/sheet1.xml", data: sheetXML("", clean, "")}))
		}},
		{name: "huge-shared-string.xlsx", contracts: 20, issue: "more than the 32767 characters a spreadsheet cell holds", make: func(t testing.TB, path string) {
			var rows strings.Builder
			inlineCells(&rows, 1, hostileHeader)
			for i := 1; i <= 20; i++ {
				cells := hostileRow(i)
				fmt.Fprintf(&rows, `<row r="%d">`, i+1)
				for j, v := range cells {
					if j == 3 {
						fmt.Fprintf(&rows, `<c r="D%d" t="s"><v>0</v></c>`, i+1)
						continue
					}
					fmt.Fprintf(&rows, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+j, i+1, v)
				}
				rows.WriteString(`</row>`)
			}
			sst := `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="20" uniqueCount="1"><si><t>` + noise(10<<20, 1) + `</t></si></sst>`
			writeZip(t, path, bookParts(sheetXML("", rows.String(), ""), sst))
		}},
		{name: "50mb-cell.xlsx", contracts: 3, issue: "more than the 32767 characters a spreadsheet cell holds", make: func(t testing.TB, path string) {
			var rows strings.Builder
			inlineCells(&rows, 1, hostileHeader)
			for i := 1; i <= 3; i++ {
				cells := hostileRow(i)
				if i == 2 {
					cells[3] = noise(50<<20, 2)
				}
				inlineCells(&rows, i+1, cells)
			}
			writeZip(t, path, bookParts(sheetXML("", rows.String(), ""), ""))
		}},
		{name: "50mb-cell.csv", fail: "longer than 16 MiB", make: func(t testing.TB, path string) {
			data := csvRoster("\n", 3, func(i int, line string) string {
				if i == 2 {
					return strings.Replace(line, "Delta Garments", noise(50<<20, 3), 1)
				}
				return line
			})
			os.WriteFile(path, []byte(data), 0o644)
		}},
		{name: "deep-nesting.xlsx", contracts: 3, make: func(t testing.TB, path string) {
			// A million elements nested in one cell, named so that they do
			// not compress like a zip bomb.
			names := strings.Fields(noise(9*1_000_000, 4))
			var deep strings.Builder
			deep.WriteString(`<row r="5"><c r="A5"><extLst>`)
			for _, n := range names {
				deep.WriteString("<" + n + ">")
			}
			for i := len(names) - 1; i >= 0; i-- {
				deep.WriteString("</" + names[i] + ">")
			}
			deep.WriteString(`</extLst></c></row>`)
			writeZip(t, path, bookParts(sheetXML("", rosterRows(3)+deep.String(), ""), ""))
		}},
		{name: "zip-bomb.xlsx", fail: "zip bomb", make: func(t testing.TB, path string) {
			// 1 GiB of one repeated row, about 1,000 times smaller packed:
			// one compressed MiB of rows, repeated (each copy refers only
			// to itself), then an empty final block.
			row := []byte(`<row><c t="inlineStr"><is><t>x</t></is></c></row>`)
			block := bytes.Repeat(row, (1<<20)/len(row))
			var one bytes.Buffer
			w, _ := flate.NewWriter(&one, flate.BestCompression)
			w.Write(block)
			w.Flush()
			var packed bytes.Buffer
			crc := crc32.NewIEEE()
			var n uint64
			for n < 1<<30 {
				packed.Write(one.Bytes())
				crc.Write(block)
				n += uint64(len(block))
			}
			packed.Write([]byte{0x03, 0x00})
			parts := bookParts("", "")
			parts[len(parts)-1] = zipPart{name: "xl/worksheets/sheet1.xml", raw: &rawPart{compressed: packed.Bytes(), crc: crc.Sum32(), uncompressed: n}}
			writeZip(t, path, parts)
		}},
		{name: "zip-lying-sizes.xlsx", fail: "does not match the zip directory", make: func(t testing.TB, path string) {
			// The directory declares 2 KiB; the entry inflates to 100 MiB.
			big := []byte(sheetXML("", rosterRows(3)+strings.Repeat("<row/>", 100<<20/6), ""))
			parts := bookParts("", "")
			parts[len(parts)-1] = zipPart{name: "xl/worksheets/sheet1.xml", raw: &rawPart{compressed: deflated(t, big), crc: crc32.ChecksumIEEE(big[:2048]), uncompressed: 2048}}
			writeZip(t, path, parts)
		}},
		{name: "out-of-range-refs.xlsx", fail: `cell reference "XFE3" is beyond the last column (XFD)`, make: func(t testing.TB, path string) {
			var rows strings.Builder
			inlineCells(&rows, 1, hostileHeader)
			inlineCells(&rows, 2, hostileRow(1))
			rows.WriteString(`<row r="3"><c r="A3" t="inlineStr"><is><t>HC-002</t></is></c><c r="B3" t="inlineStr"><is><t>Worker 2</t></is></c><c r="XFE3" t="inlineStr"><is><t>Employer</t></is></c></row>`)
			writeZip(t, path, bookParts(sheetXML("", rows.String(), ""), ""))
		}},
		{name: "stray-quote.csv", fail: "a quote at line 8", make: func(t testing.TB, path string) {
			data := csvRoster("\n", 40, func(i int, line string) string {
				if i == 7 {
					return strings.Replace(line, "Worker 7", `"Worker 7`, 1)
				}
				return line
			})
			os.WriteFile(path, []byte(data), 0o644)
		}},
		{name: "lone-cr.csv", contracts: 40, make: func(t testing.TB, path string) {
			head := csvRoster("\n", 20, func(_ int, l string) string { return l })
			var tail strings.Builder
			for i := 21; i <= 40; i++ {
				tail.WriteString(strings.Join(hostileRow(i), ",") + "\r")
			}
			os.WriteFile(path, []byte(head+tail.String()), 0o644)
		}},
		{name: "entity-bomb.xlsx", fail: `entity reference XML does not define: "&lol9;"`, make: func(t testing.TB, path string) {
			var decl strings.Builder
			decl.WriteString(`<!DOCTYPE worksheet [<!ENTITY lol "lol">`)
			for i := 1; i <= 9; i++ {
				fmt.Fprintf(&decl, `<!ENTITY lol%d "%s">`, i, strings.Repeat(fmt.Sprintf("&lol%d;", i-1), 10))
			}
			decl.WriteString(`]>`)
			rows := strings.Replace(rosterRows(3), "Delta Garments", "&lol9;", 1)
			sheet := strings.Replace(sheetXML("", rows, ""), "?>\n", "?>\n"+strings.ReplaceAll(decl.String(), "&lol0;", "&lol;"), 1)
			writeZip(t, path, bookParts(sheet, ""))
		}},
		{name: "truncated.xlsx", fail: "cut short", make: func(t testing.TB, path string) {
			writeZip(t, path, bookParts(sheetXML("", rosterRows(50), ""), ""))
			data, _ := os.ReadFile(path)
			os.WriteFile(path, data[:len(data)/2], 0o644)
		}},
		{name: "huge-dimension.xlsx", contracts: 3, make: func(t testing.TB, path string) {
			writeZip(t, path, bookParts(sheetXML(`<dimension ref="A1:XFD1048576"/>`, rosterRows(3), ""), ""))
		}},
		{name: "wide-rows.xlsx", contracts: 20_000, make: func(t testing.TB, path string) {
			// A stray cell in column XFD on every row: each row is as wide
			// as a sheet can be.
			var rows strings.Builder
			inlineCells(&rows, 1, hostileHeader)
			for i := 1; i <= 20_000; i++ {
				fmt.Fprintf(&rows, `<row r="%d"><c r="A%[1]d" t="inlineStr"><is><t>HC-%d</t></is></c><c r="C%[1]d" t="inlineStr"><is><t>Employer</t></is></c><c r="XFD%[1]d"><v>%d</v></c></row>`, i+1, i, i)
			}
			writeZip(t, path, bookParts(sheetXML("", rows.String(), ""), ""))
		}},
		{name: "million-rows.xlsx", contracts: 3, make: func(t testing.TB, path string) {
			var rows strings.Builder
			rows.WriteString(rosterRows(3))
			for r := 5; r <= 1_048_576; r++ {
				fmt.Fprintf(&rows, `<row r="%d" s="1" customFormat="1" ht="15"/>`, r)
			}
			writeZip(t, path, bookParts(sheetXML("", rows.String(), ""), ""))
		}},
	}
}

// writeHostileBatch writes every case of the batch into dir.
func writeHostileBatch(t testing.TB, dir string) []hostileCase {
	t.Helper()
	cases := hostileCases()
	for _, c := range cases {
		c.make(t, filepath.Join(dir, c.name))
	}
	return cases
}

// TestWriteHostileBatch writes the batch to $LABORCHECK_HOSTILE_DIR, to
// run other builds over it by hand.
func TestWriteHostileBatch(t *testing.T) {
	dir := os.Getenv("LABORCHECK_HOSTILE_DIR")
	if dir == "" {
		t.Skip("LABORCHECK_HOSTILE_DIR not set")
	}
	writeHostileBatch(t, dir)
}

// TestHostileBatch writes the batch and scans it with the laborcheck
// command (this test binary, run as laborcheck) in a child process, whose
// peak memory is measured. The run must end with exit 3, every file
// accounted for as it should be, and no file left in its temporary folder
// or beside the report.
func TestHostileBatch(t *testing.T) {
	if testing.Short() || raceBuild {
		t.Skip("the hostile batch is a few hundred MB of work, its memory bound meaningless under the race detector: skipped in -short and -race runs")
	}
	bin, err := exec.LookPath("laborcheck")
	if err != nil {
		t.Skipf("the laborcheck test command is not on PATH: %v", err)
	}
	in, out, tmp := t.TempDir(), t.TempDir(), t.TempDir()
	// The batch is written by another run of this test binary: a child's
	// peak RSS counts its parent's peak (the kernel folds it in at exec),
	// so this process must stay small for the measure to be the scan's.
	gen := exec.Command(os.Args[0], "-test.run=^TestWriteHostileBatch$", "-test.count=1")
	gen.Env = append(os.Environ(), "LABORCHECK_HOSTILE_DIR="+in)
	if msg, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("writing the batch: %v\n%s", err, msg)
	}
	cases := hostileCases()
	report := filepath.Join(out, "report.json")
	cmd := exec.Command(bin, "scan", "-o", report, in)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	code := cmd.ProcessState.ExitCode()
	peakMB := 0.0
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		peakMB = float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	t.Logf("exit %d, peak RSS %.0f MB\n%s", code, peakMB, stderr.String())
	if code != ExitIncomplete {
		t.Fatalf("exit code %d (%v), want %d", code, err, ExitIncomplete)
	}
	if peakMB >= 400 {
		t.Errorf("peak RSS %.0f MB, want under 400 MB", peakMB)
	}
	for _, dir := range []string{tmp, out} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if dir == tmp || e.Name() != "report.json" {
				t.Errorf("left behind: %s", filepath.Join(dir, e.Name()))
			}
		}
	}
	var rep struct {
		Inputs []struct {
			Path   string  `json:"path"`
			Error  *string `json:"error"`
			Sheets []struct {
				Error *string `json:"error"`
			} `json:"sheets"`
		} `json:"inputs"`
		Contracts []struct {
			File string `json:"file"`
		} `json:"contracts"`
		DataIssues []struct {
			File    string `json:"file"`
			Problem string `json:"problem"`
		} `json:"data_issues"`
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var why []string
			found := false
			for _, i := range rep.Inputs {
				if filepath.Base(i.Path) != c.name {
					continue
				}
				found = true
				if i.Error != nil {
					why = append(why, *i.Error)
				}
				for _, s := range i.Sheets {
					if s.Error != nil {
						why = append(why, *s.Error)
					}
				}
			}
			if !found {
				t.Fatal("not in the report")
			}
			reasons := strings.Join(why, "; ")
			if c.fail != "" {
				if !strings.Contains(reasons, c.fail) {
					t.Errorf("failure %q, want one naming %q", reasons, c.fail)
				}
				return
			}
			if reasons != "" {
				t.Errorf("failed: %s", reasons)
			}
			n := 0
			for _, k := range rep.Contracts {
				if filepath.Base(k.File) == c.name {
					n++
				}
			}
			if n != c.contracts {
				t.Errorf("%d contracts, want %d", n, c.contracts)
			}
			if c.issue != "" {
				seen := false
				for _, d := range rep.DataIssues {
					seen = seen || filepath.Base(d.File) == c.name && strings.Contains(d.Problem, c.issue)
				}
				if !seen {
					t.Errorf("no data issue %q", c.issue)
				}
			}
		})
	}
}
