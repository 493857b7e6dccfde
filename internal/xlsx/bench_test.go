package xlsx

import (
	"archive/zip"
	"bufio"
	"context"
	"fmt"
	"github.com/laborcheck/laborcheck/internal/rostergen"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	kflate "github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"
)

// The benchmarks read a generated roster shaped like the ones laborcheck
// users send: 36 columns of worker, contract, fee and agency fields, strings
// in a shared strings table, dates as numbers with date styles, the sheet
// XML laid out as LibreOffice writes it. The files are generated once and
// cached in os.TempDir()/laborcheck-bench.

const benchCols = 36

var rosterOnce sync.Map // rows → *rosterFile

type rosterFile struct {
	once     sync.Once
	path     string
	sheetLen int64
	err      error
}

func benchRoster(b *testing.B, rows int) (string, int64) {
	b.Helper()
	v, _ := rosterOnce.LoadOrStore(rows, &rosterFile{})
	rf := v.(*rosterFile)
	rf.once.Do(func() {
		dir := filepath.Join(os.TempDir(), "laborcheck-bench")
		if rf.err = os.MkdirAll(dir, 0o755); rf.err != nil {
			return
		}
		rf.path = filepath.Join(dir, fmt.Sprintf("roster-%dx%d-v1.xlsx", rows, benchCols))
		if _, err := os.Stat(rf.path); err != nil {
			tmp := rf.path + ".tmp"
			if rf.err = writeRoster(tmp, rows); rf.err != nil {
				return
			}
			if rf.err = os.Rename(tmp, rf.path); rf.err != nil {
				return
			}
		}
		w, err := Open(rf.path, Limits{})
		if err != nil {
			rf.err = err
			return
		}
		defer w.Close()
		rf.sheetLen = int64(w.part(w.sheets[0].Part).UncompressedSize64)
	})
	if rf.err != nil {
		b.Fatal(rf.err)
	}
	return rf.path, rf.sheetLen
}

// rosterStrings builds the shared strings of the roster: a pool of repeated
// values plus a few unique ones per row.
type rosterStrings struct {
	index map[string]int
	list  []string
}

func (s *rosterStrings) id(v string) int {
	if i, ok := s.index[v]; ok {
		return i
	}
	s.index[v] = len(s.list)
	s.list = append(s.list, v)
	return len(s.list) - 1
}

var (
	benchFamily  = []string{"Tamang", "Gurung", "Rai", "Hossain", "Rahman", "Santos", "Reyes", "Cruz", "Wijaya", "Nguyen", "Tran", "Bekele", "Tesfaye", "Khan", "Ali", "Sharma", "Thapa", "Magar", "Limbu", "Sherpa"}
	benchGiven   = []string{"Ram", "Sita", "Abdul", "Fatema", "Maria", "Jose", "Dewi", "Budi", "Lan", "Minh", "Almaz", "Hana", "Imran", "Ayesha", "Rina", "Kiran", "Mohammed", "Nur", "Joy", "Grace", "Anil", "Pooja"}
	benchNations = []string{"Nepal", "Bangladesh", "Philippines", "Indonesia", "Viet Nam", "Ethiopia", "Pakistan", "India", "Sri Lanka", "Myanmar", "Kenya", "Uganda"}
	benchHeld    = []string{"employer", "worker", "agent", "employer", "worker"}
	benchJobs    = []string{"Construction worker", "Domestic worker", "Factory operator", "Cleaner", "Security guard", "Driver", "Cook", "Farm worker", "Welder", "Electrician & helper"}
	benchVisa    = []string{"Work permit", "Employment visa", "Temporary skill", "Seasonal"}
	benchLang    = []string{"English", "Arabic", "Nepali", "Bangla", "Tagalog", "Bahasa"}
)

func writeRoster(path string, rows int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return kflate.NewWriter(w, 6)
	})
	put := func(name, content string) error {
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, content)
		return err
	}
	p := newPkg("")
	p.withStyles(`<numFmt numFmtId="164" formatCode="yyyy\-mm\-dd\ hh:mm:ss"/>`, 0, 14, 2, 164)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"} {
		if err := put(name, p[name]); err != nil {
			return err
		}
	}
	sst := &rosterStrings{index: map[string]int{}}
	sw, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(sw, 1<<20)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<worksheet ` + nsMain + `><sheetPr filterMode="false"><pageSetUpPr fitToPage="false"/></sheetPr><dimension ref="A1:AJ` + strconv.Itoa(rows) + `"/><sheetViews><sheetView showFormulas="false" showGridLines="true" tabSelected="true" workbookViewId="0"><selection pane="topLeft" activeCell="A1" sqref="A1"/></sheetView></sheetViews><sheetFormatPr defaultColWidth="11.53515625" defaultRowHeight="12.8" zeroHeight="false" outlineLevelRow="0" outlineLevelCol="0"/><sheetData>`)
	var buf []byte
	colNames := make([]string, benchCols)
	for c := range colNames {
		colNames[c] = ColumnLetter(c)
	}
	for r := 1; r <= rows; r++ {
		rs := strconv.Itoa(r)
		buf = buf[:0]
		buf = append(buf, `<row r="`...)
		buf = append(buf, rs...)
		buf = append(buf, `" s="1" ht="12.8" hidden="false" customHeight="false" outlineLevel="0" collapsed="false">`...)
		i := r * 7919 // spreads the values
		for c := 0; c < benchCols; c++ {
			var kind byte // 's' shared string, 'n' number, 'd' date number, 't' datetime, 'b' bool, 0 blank
			var val string
			str := func(v string) { kind, val = 's', strconv.Itoa(sst.id(v)) }
			num := func(v string) { kind, val = 'n', v }
			switch c {
			case 0:
				num(strconv.Itoa(100000 + r))
			case 1:
				str(fmt.Sprintf("EMP-%07d", r))
			case 2:
				str(benchFamily[i%len(benchFamily)])
			case 3:
				str(benchGiven[(i/7)%len(benchGiven)])
			case 4, 15:
				str(benchNations[(i/3)%len(benchNations)])
			case 5:
				str([]string{"F", "M"}[i%2])
			case 6:
				kind, val = 'd', strconv.Itoa(29000+i%9000)
			case 7:
				str(fmt.Sprintf("P%08d", i%99999989))
			case 8, 17:
				str(benchHeld[(i+c)%len(benchHeld)])
			case 9:
				str(fmt.Sprintf("Employer %d Ltd", i%500))
			case 10:
				str(fmt.Sprintf("Site %d, Block %c", i%200, 'A'+i%6))
			case 11:
				str(benchJobs[i%len(benchJobs)])
			case 12, 13, 28:
				kind, val = 'd', strconv.Itoa(43000+(i+c*97)%3000)
			case 14, 21:
				num(strconv.FormatFloat(float64(i%400000)/100+250, 'f', -1, 64))
			case 16:
				num(strconv.Itoa((i % 12) * 150))
			case 18, 20:
				num(strconv.Itoa(40 + i%20))
			case 19:
				num(strconv.FormatFloat(float64(i%37)*0.5, 'f', -1, 64))
			case 22, 24:
				kind, val = 'b', strconv.Itoa((i/(c+1))%2)
			case 23:
				str(benchLang[i%len(benchLang)])
			case 25:
				str(fmt.Sprintf("Agency %d", i%100))
			case 26:
				str(fmt.Sprintf("LIC/%d/%04d", 2015+i%9, i%100))
			case 27:
				str(benchVisa[i%len(benchVisa)])
			case 29:
				str(fmt.Sprintf("+977 98%08d", i%100000000))
			case 30:
				if i%5 == 0 {
					str("Fee reimbursed; see note")
				}
			case 31:
				str(fmt.Sprintf("Dormitory %d, Room %d", i%300, i%40))
			case 32:
				num(strconv.Itoa(i % 3))
			case 33:
				if i%3 == 0 {
					str("Passport returned to worker")
				}
			case 34:
				kind, val = 't', strconv.FormatFloat(44000+float64(i%86400)/86400, 'f', -1, 64)
			case 35:
				num(strconv.FormatFloat(float64(i%1000003)/1000003, 'f', -1, 64))
			}
			if kind == 0 {
				continue
			}
			buf = append(buf, `<c r="`...)
			buf = append(buf, colNames[c]...)
			buf = append(buf, rs...)
			switch kind {
			case 's':
				buf = append(buf, `" s="0" t="s"><v>`...)
			case 'd':
				buf = append(buf, `" s="1" t="n"><v>`...)
			case 't':
				buf = append(buf, `" s="3" t="n"><v>`...)
			case 'b':
				buf = append(buf, `" s="0" t="b"><v>`...)
			default:
				buf = append(buf, `" s="2" t="n"><v>`...)
			}
			buf = append(buf, val...)
			buf = append(buf, `</v></c>`...)
		}
		buf = append(buf, `</row>`...)
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	bw.WriteString(`</sheetData><printOptions headings="false" gridLines="false"/><pageMargins left="0.7875" right="0.7875" top="1.05277777777778" bottom="1.05277777777778" header="0.7875" footer="0.7875"/></worksheet>`)
	if err := bw.Flush(); err != nil {
		return err
	}
	ssw, err := zw.Create("xl/sharedStrings.xml")
	if err != nil {
		return err
	}
	bw = bufio.NewWriterSize(ssw, 1<<20)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+`<sst %s count="%d" uniqueCount="%d">`, nsMain, len(sst.list), len(sst.list))
	for _, s := range sst.list {
		bw.WriteString(`<si><t xml:space="preserve">`)
		xmlEscape(bw, s)
		bw.WriteString(`</t></si>`)
	}
	bw.WriteString(`</sst>`)
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

func xmlEscape(w *bufio.Writer, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			w.WriteString("&amp;")
		case '<':
			w.WriteString("&lt;")
		case '>':
			w.WriteString("&gt;")
		default:
			w.WriteByte(c)
		}
	}
}

func benchSizes(b *testing.B, fn func(b *testing.B, path string, rows int, sheetLen int64)) {
	for _, rows := range []int{10000, 200000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			path, n := benchRoster(b, rows)
			b.SetBytes(n)
			ph := rostergen.StartPeakHeap()
			b.ResetTimer()
			fn(b, path, rows, n)
			b.StopTimer()
			b.ReportMetric(ph.StopMB(), "peak-heap-MB")
		})
	}
}

// BenchmarkReader is this package: open, then every cell of the sheet.
func BenchmarkReader(b *testing.B) {
	benchSizes(b, func(b *testing.B, path string, rows int, _ int64) {
		for b.Loop() {
			w, err := Open(path, Limits{})
			if err != nil {
				b.Fatal(err)
			}
			n, cells := 0, 0
			err = w.Rows(context.Background(), "Sheet1", func(row int, c []Cell) error {
				n++
				cells += len(c)
				return nil
			})
			w.Close()
			if err != nil || n != rows {
				b.Fatalf("%d rows, err %v", n, err)
			}
		}
	})
}

// BenchmarkExcelize is excelize's streaming Rows/Columns with raw values.
func BenchmarkExcelize(b *testing.B) {
	benchSizes(b, func(b *testing.B, path string, rows int, _ int64) {
		for b.Loop() {
			f, err := excelize.OpenFile(path)
			if err != nil {
				b.Fatal(err)
			}
			rs, err := f.Rows("Sheet1")
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rs.Next() {
				if _, err := rs.Columns(excelize.Options{RawCellValue: true}); err != nil {
					b.Fatal(err)
				}
				n++
			}
			rs.Close()
			f.Close()
			if n != rows {
				b.Fatalf("%d rows", n)
			}
		}
	})
}

// BenchmarkInflateOnly inflates the sheet part and discards it: the floor
// for any reader (klauspost inflater, as this package uses, and the
// standard library's).
func BenchmarkInflateOnly(b *testing.B) {
	for _, impl := range []string{"klauspost", "stdlib"} {
		b.Run(impl, func(b *testing.B) {
			benchSizes(b, func(b *testing.B, path string, _ int, _ int64) {
				for b.Loop() {
					zr, err := zip.OpenReader(path)
					if err != nil {
						b.Fatal(err)
					}
					if impl == "klauspost" {
						zr.RegisterDecompressor(zip.Deflate, newFlateReader)
					}
					for _, zf := range zr.File {
						if zf.Name == "xl/worksheets/sheet1.xml" {
							rc, err := zf.Open()
							if err != nil {
								b.Fatal(err)
							}
							if _, err := io.Copy(io.Discard, rc); err != nil {
								b.Fatal(err)
							}
							rc.Close()
						}
					}
					zr.Close()
				}
			})
		})
	}
}
