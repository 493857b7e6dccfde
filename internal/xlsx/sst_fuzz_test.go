package xlsx

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"
)

// sstDump reads a shared strings part and renders its strings, the ones
// cut, and the error.
func sstDump(data []byte, oneByte bool, fast bool) string {
	defer func(v bool) { fastSIs = v }(fastSIs)
	fastSIs = fast
	var r ioReader = bytes.NewReader(data)
	size := scanChunk
	if oneByte {
		r, size = iotest.OneByteReader(r), 16
	}
	var t sharedStrings
	err := parseSST(newScannerSize(r, size), &t, uint64(len(data)), 1000, 1<<20)
	var b strings.Builder
	for i := range t.len() {
		v, long := t.get(i)
		fmt.Fprintf(&b, "%d %q %v\n", i, v, long)
	}
	fmt.Fprintf(&b, "err %v", err)
	return b.String()
}

// String items read by fastSI read as the tokenizer reads them, whole or
// split anywhere.
func FuzzSharedStringsFast(f *testing.F) {
	long := strings.Repeat("x", fastSIMax+1)
	for _, s := range []string{
		`<sst count="2" uniqueCount="2"><si><t>a</t></si><si><t xml:space="preserve"> b </t></si></sst>`,
		"<sst>\n  <si><t>a&amp;b&#10;&#x1F600;</t></si>\r\n\t<si><t>c\r\nd\re</t></si></sst>",
		`<sst><si><t><![CDATA[<x>]]></t></si><si><t>y<!-- c --></t></si><si><r><t>o</t></r><r><t>ne</t></r></si></sst>`,
		`<sst><si><t/></si><si/><si><t></t></si><si><t>_x000D__x005F_x</t></si><si><t>&bogus;</t></si></sst>`,
		`<x:sst><x:si><x:t>p</x:t></x:si><si><t xml:space="default">q</t></si><si><t >r</t></si><si><t>s</t><rPh><t>ph</t></rPh></si></x:sst>`,
		`<sst><si><t>` + long + `</t></si><si><t>after</t></si></sst>`,
		`<sst><si><t>unterminated`,
		`<sst/><si><t>outside</t></si>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want := sstDump(data, false, false)
		for _, oneByte := range []bool{false, true} {
			if got := sstDump(data, oneByte, true); got != want {
				t.Fatalf("fastSI (one byte at a time: %v) changed the table:\n%s\nwithout it:\n%s", oneByte, got, want)
			}
		}
	})
}
