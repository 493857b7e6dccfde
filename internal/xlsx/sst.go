package xlsx

import (
	"context"
	"fmt"
	"unicode/utf8"
)

// sharedStrings is the shared strings table: all strings decoded into one
// arena, string i being arena[ends[i-1]:ends[i]].
type sharedStrings struct {
	arena []byte
	ends  []int
}

func (t *sharedStrings) len() int { return len(t.ends) }

func (t *sharedStrings) get(i int) []byte {
	start := 0
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.arena[start:t.ends[i]:t.ends[i]]
}

// sharedStrings loads the shared strings table once. A load stopped by ctx
// is not remembered, so a later call with a live context loads it again.
func (w *Workbook) sharedStrings(ctx context.Context) (*sharedStrings, error) {
	w.sstMu.Lock()
	defer w.sstMu.Unlock()
	if w.sst != nil || w.sstErr != nil {
		return w.sst, w.sstErr
	}
	zf := w.part(w.sstPath)
	if zf == nil {
		w.sst = &sharedStrings{}
		return w.sst, nil
	}
	rc, err := w.openPart(ctx, zf)
	if err != nil {
		w.sstErr = fmt.Errorf("%w: damaged part %s: %v", ErrFormat, zf.Name, err)
		return nil, w.sstErr
	}
	defer rc.Close()
	t := &sharedStrings{}
	if err := parseSST(newScanner(rc), t, zf.UncompressedSize64); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		w.sstErr = fmt.Errorf("%w: %s: %v", ErrFormat, zf.Name, err)
		return nil, w.sstErr
	}
	w.sst = t
	return t, nil
}

// parseSST reads <sst><si>…</si>…</sst>. Each <si> is its <t> text, or the
// concatenation of its rich-text runs' <t> texts; phonetic runs (<rPh>) are
// left out. "_xHHHH_" escapes are decoded as excelize does.
func parseSST(sc *scanner, t *sharedStrings, size uint64) error {
	// Pre-size from the part size (a rough guess, never from the declared
	// count alone, which a damaged file may overstate).
	t.arena = make([]byte, 0, min(size/3, 64<<20))
	for {
		k, err := sc.next()
		if err != nil {
			return err
		}
		if k == tokEOF {
			return nil
		}
		if k != tokStart {
			continue
		}
		switch string(sc.name) {
		case "sst":
			if n := attrInt(sc.attrs, "uniqueCount"); n > 0 {
				t.ends = make([]int, 0, min(n, int(size/8)+1))
			}
		case "si":
			start := len(t.arena)
			if !sc.empty {
				if t.arena, err = richText(sc, t.arena); err != nil {
					return err
				}
			}
			t.arena = append(t.arena[:start], unescapeBSTR(t.arena[start:])...)
			t.ends = append(t.ends, len(t.arena))
		}
	}
}

// richText appends the text of a string item (<si> or <is>) whose start tag
// was just read, consuming up to and including its end tag.
func richText(sc *scanner, dst []byte) ([]byte, error) {
	depth := 1
	for {
		k, err := sc.next()
		if err != nil {
			return dst, err
		}
		switch k {
		case tokEOF:
			return dst, errUnexpectedEOF
		case tokEnd:
			depth--
			if depth == 0 {
				return dst, nil
			}
		case tokStart:
			switch {
			case string(sc.name) == "rPh":
				if err := sc.skip(); err != nil {
					return dst, err
				}
			case sc.empty:
			case string(sc.name) == "t":
				if dst, err = sc.text(dst); err != nil {
					return dst, err
				}
				if err := sc.skip(); err != nil {
					return dst, err
				}
			default:
				depth++
			}
		}
	}
}

// unescapeBSTR decodes the "_xHHHH_" escapes spreadsheet programs use for
// characters XML cannot carry (e.g. "_x000D_" for a carriage return), the
// way excelize does: "_x005F_" is a literal underscore, an escape of a UTF-16
// surrogate is dropped. It works in place and returns the shortened slice.
func unescapeBSTR(b []byte) []byte {
	i := indexBSTR(b, 0)
	if i < 0 {
		return b
	}
	out := b[:i]
	for i < len(b) {
		if isBSTR(b[i:]) {
			v := rune(hexVal(b[i+2])<<12 | hexVal(b[i+3])<<8 | hexVal(b[i+4])<<4 | hexVal(b[i+5]))
			if utf8.ValidRune(v) {
				out = utf8.AppendRune(out, v)
			}
			i += 7
			continue
		}
		j := indexBSTR(b, i+1)
		if j < 0 {
			j = len(b)
		}
		out = append(out, b[i:j]...)
		i = j
	}
	return out
}

func indexBSTR(b []byte, from int) int {
	for i := from; i+7 <= len(b); i++ {
		if b[i] == '_' && b[i+1] == 'x' && isBSTR(b[i:]) {
			return i
		}
	}
	return -1
}

func isBSTR(b []byte) bool {
	return len(b) >= 7 && b[0] == '_' && b[1] == 'x' && b[6] == '_' &&
		hexVal(b[2]) >= 0 && hexVal(b[3]) >= 0 && hexVal(b[4]) >= 0 && hexVal(b[5]) >= 0
}

// attrInt returns the value of an integer attribute, -1 when absent or bad.
func attrInt(attrs []byte, name string) int {
	for {
		n, v, rest, ok := nextAttr(attrs)
		if !ok {
			return -1
		}
		if string(n) == name {
			return parseUint(v, 1<<40)
		}
		attrs = rest
	}
}
