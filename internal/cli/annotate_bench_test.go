package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/laborcheck/laborcheck/internal/annotate"
	"github.com/laborcheck/laborcheck/internal/report"
	"github.com/laborcheck/laborcheck/internal/rostergen"
)

// BenchmarkAnnotate measures writing the annotated copy of a generated
// roster (39 columns, 8% risky contracts; see internal/rostergen) as
// .xlsx, .csv and, when LibreOffice is installed to convert it, .xls and
// .ods: the review runs once, outside the timing. Besides time and
// allocations it reports the bytes allocated per roster row (B/row) and
// the peak live heap (peak-heap-MB). Run it once each:
//
//	go test ./internal/cli -run '^$' -bench Annotate -benchtime 1x
func BenchmarkAnnotate(b *testing.B) {
	for _, rows := range []int{2_000, 10_000} {
		dir := b.TempDir()
		xlsx := filepath.Join(dir, "roster.xlsx")
		if err := rostergen.WriteFile(xlsx, rostergen.Options{Rows: rows}); err != nil {
			b.Fatal(err)
		}
		inputs := map[string]string{"xlsx": xlsx}
		csv := filepath.Join(dir, "roster.csv")
		if err := rostergen.WriteFile(csv, rostergen.Options{Rows: rows}); err != nil {
			b.Fatal(err)
		}
		inputs["csv"] = csv
		if soffice, err := exec.LookPath("soffice"); err == nil {
			for _, ext := range []string{"xls", "ods"} {
				cmd := exec.Command(soffice, "--headless", "--convert-to", ext, "--outdir", dir, xlsx)
				cmd.Env = append(os.Environ(), "HOME="+b.TempDir())
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("convert to %s: %v\n%s", ext, err, out)
				}
				inputs[ext] = filepath.Join(dir, "roster."+ext)
			}
		}
		for _, format := range []string{"xlsx", "csv", "xls", "ods"} {
			in := inputs[format]
			if in == "" {
				continue
			}
			b.Run(fmt.Sprintf("%s/rows=%d", format, rows), func(b *testing.B) {
				out := b.TempDir()
				withReport(b, in, func(rep *report.Report) {
					b.ReportAllocs()
					peak := rostergen.StartPeakHeap()
					var before, after runtime.MemStats
					runtime.ReadMemStats(&before)
					n := 0
					for b.Loop() {
						n++
						res, err := annotate.Write(context.Background(), rep, annotate.Options{Dir: out})
						if err != nil || len(res) != 1 || res[0].Err != nil {
							b.Fatalf("%+v %v", res, err)
						}
					}
					runtime.ReadMemStats(&after)
					b.ReportMetric(peak.StopMB(), "peak-heap-MB")
					b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(max(n, 1)*rows), "B/row")
				})
			})
		}
	}
}

// withReport reviews one roster with the scan command and calls fn with
// its report while the report is open, before the report files are
// written.
func withReport(b *testing.B, path string, fn func(*report.Report)) {
	b.Helper()
	called := false
	testHookScanned = func(r *report.Report) { fn(r); called = true }
	defer func() { testHookScanned = nil }()
	var stdout, stderr bytes.Buffer
	Main(context.Background(), []string{"scan", "-q", "-o", filepath.Join(b.TempDir(), "r.json"), path}, nil, &stdout, &stderr)
	if !called {
		b.Fatalf("scan %s: %s", path, stderr.String())
	}
}
