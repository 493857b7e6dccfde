package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// The progress line counts files and contracts, gives the rate and, from
// the bytes of the files done, the time left; it clears itself at the end.
func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b, files: 4, start: time.Now().Add(-10 * time.Second), sizes: []int64{100, 100, 100, 100}, total: 400}
	p.update(1, 4, 12345)
	line := b.String()
	for _, want := range []string{"1/4 files", "12,345 contracts", "/s", "about 30s left", "\x1b[K"} {
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
