package cli

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/rostergen"
	"github.com/laborcheck/laborcheck/internal/rules"
)

// Option files are YAML read whole into a node tree, which takes many times
// the file's size in memory; their size is capped to bound it (rule and
// waiver files at rules.MaxYAMLFileSize, 2 MiB; mapping files at maxMapFile,
// 2 MiB). These benchmarks read files of about 2 MiB and report the bytes
// allocated and the peak heap per byte of file.

// yamlOfSize repeats entry(i) under head until the text is about size bytes.
func yamlOfSize(head string, size int, entry func(i int) string) []byte {
	var b strings.Builder
	b.WriteString(head)
	for i := 0; b.Len() < size; i++ {
		b.WriteString(entry(i))
	}
	return []byte(b.String())
}

func benchOptionFile(b *testing.B, data []byte, parse func([]byte)) {
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ph := rostergen.StartPeakHeap()
	for b.Loop() {
		parse(data)
	}
	peak := ph.StopMB()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/float64(len(data)), "alloc-bytes/file-byte")
	b.ReportMetric(peak*(1<<20)/float64(len(data)), "peak-heap/file-byte")
	b.ReportMetric(peak, "peak-heap-MB")
}

func BenchmarkOptionFiles(b *testing.B) {
	const size = rules.MaxYAMLFileSize - 64<<10
	schema := contract.DefaultSchema()
	mapHeaders := yamlOfSize("headers:\n", size, func(i int) string {
		return fmt.Sprintf("  Agent Charge %d: recruitment_fee_paid_by_worker\n", i)
	})
	mapValues := yamlOfSize("values:\n  passport_held_by:\n", size, func(i int) string {
		return fmt.Sprintf("    Block %d desk: employer\n", i)
	})
	// The worst case per byte: the shortest entries YAML allows.
	mapTiny := yamlOfSize("values:\n  passport_held_by:\n", size, func(i int) string {
		return fmt.Sprintf("    %x: employer\n", i)
	})
	waivers := yamlOfSize("waivers:\n", size, func(i int) string {
		return fmt.Sprintf("  - {rule: passport-held, contract: C-%d, reason: returned to the worker, approved_by: J. Doe, expires: 2030-01-01}\n", i)
	})
	ruleFile := yamlOfSize("rules:\n", size, func(i int) string {
		return fmt.Sprintf("  - id: r%d\n    indicator: debt_bondage\n    severity: low\n    when: contract.recruitment_fee_paid_by_worker > %d\n    message: fee\n", i, i)
	})
	for _, tc := range []struct {
		name  string
		data  []byte
		parse func([]byte)
	}{
		{"map-headers", mapHeaders, func(d []byte) { parseMapping("map.yaml", d, schema) }},
		{"map-values", mapValues, func(d []byte) { parseMapping("map.yaml", d, schema) }},
		{"map-tiny-values", mapTiny, func(d []byte) { parseMapping("map.yaml", d, schema) }},
		{"waivers", waivers, func(d []byte) { rules.ParseWaivers("w.yaml", d) }},
		{"rule-file-parse", ruleFile, func(d []byte) { rules.Parse("r.yaml", d) }},
	} {
		b.Run(fmt.Sprintf("%s/%dMiB", tc.name, len(tc.data)>>20), func(b *testing.B) {
			benchOptionFile(b, tc.data, tc.parse)
		})
	}
}

// A mapping file over its limit is refused before it is parsed, with its
// size and the limit.
func TestMappingFileLimit(t *testing.T) {
	path := t.TempDir() + "/map.yaml"
	big := yamlOfSize("headers:\n", maxMapFile+100<<10, func(i int) string { return fmt.Sprintf("  H%d: worker_id\n", i) })
	if err := os.WriteFile(path, big, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if _, ok := loadMapping(&ui{out: &out, err: &errOut}, path, contract.DefaultSchema()); ok {
		t.Fatal("a mapping file over the limit was read")
	}
	if !strings.Contains(errOut.String(), "at most 2 MiB are read") {
		t.Errorf("error = %q", errOut.String())
	}
}
