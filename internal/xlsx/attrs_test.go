package xlsx

import (
	"bytes"
	"testing"
)

// slowCellAttrs reads r, s and t the general way: every attribute through
// nextAttr, the last of each name winning, prefixes stripped.
func slowCellAttrs(a []byte) (r, s, t []byte, seen uint8) {
	for {
		name, v, rest, ok := nextAttr(a)
		if !ok {
			return r, s, t, seen
		}
		a = rest
		if len(name) != 1 {
			continue
		}
		switch name[0] {
		case 'r':
			r, seen = v, seen|attrR
		case 's':
			s, seen = v, seen|attrS
		case 't':
			t, seen = v, seen|attrT
		}
	}
}

func TestCellAttrs(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{` r="A2" s="1" t="s"`, true},
		{` r="A2"`, true},
		{``, true},
		{` r="B7" t="inlineStr" `, true},
		{` s="3" r="C1" customFormat="1"`, true},
		{` r='A2'`, false},
		{` r = "A2"`, false},
		{`  r="A2"`, false},
		{` x:r="A2"`, false},
		{` r="A2" r="B2"`, false},
		{` r="A2`, false},
		{"\tr=\"A2\"", false},
	} {
		r, s, ty, seen, ok := cellAttrs([]byte(tc.in))
		if ok != tc.ok {
			t.Errorf("cellAttrs(%q) ok = %v, want %v", tc.in, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		wr, ws, wt, wseen := slowCellAttrs([]byte(tc.in))
		if !bytes.Equal(r, wr) || !bytes.Equal(s, ws) || !bytes.Equal(ty, wt) || seen != wseen {
			t.Errorf("cellAttrs(%q) = %q %q %q %b, nextAttr reads %q %q %q %b", tc.in, r, s, ty, seen, wr, ws, wt, wseen)
		}
	}
}

// FuzzCellAttrs checks that the fast reader of cell attributes agrees with
// the general one on every input it accepts.
func FuzzCellAttrs(f *testing.F) {
	for _, s := range []string{` r="A2" s="1" t="s"`, ` r="A2"`, ` t="n" r="ZZ9"  `, ` a="" b="x" r=""`, ` r="A1" r="A1"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, a []byte) {
		r, s, ty, seen, ok := cellAttrs(a)
		if !ok {
			return
		}
		wr, ws, wt, wseen := slowCellAttrs(a)
		if !bytes.Equal(r, wr) || !bytes.Equal(s, ws) || !bytes.Equal(ty, wt) || seen != wseen {
			t.Fatalf("cellAttrs(%q) = %q %q %q %b, nextAttr reads %q %q %q %b", a, r, s, ty, seen, wr, ws, wt, wseen)
		}
	})
}

func BenchmarkCellAttrs(b *testing.B) {
	a := []byte(` r="AB12345" s="1" t="s"`)
	for b.Loop() {
		cellAttrs(a)
	}
}
