package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/laborcheck/laborcheck/internal/scan"
)

// The progress line counts files and contracts, gives the bytes read (within
// a file too), the rate and the time left; it clears itself at the end.
func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b, start: time.Now().Add(-10 * time.Second)}
	// One large file, a quarter read.
	p.update(scan.Progress{FilesDone: 0, Files: 1, Contracts: 12345, BytesDone: 25_000_000, Bytes: 100_000_000})
	line := b.String()
	for _, want := range []string{"0/1 files", "12,345 contracts", "25 MB of 100 MB", "/s", "about 30s left", "\x1b[K"} {
		if !strings.Contains(line, want) {
			t.Errorf("line %q lacks %q", line, want)
		}
	}
	b.Reset()
	p.done()
	if b.String() != "\r\x1b[K" {
		t.Errorf("done wrote %q, want the line cleared", b.String())
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
