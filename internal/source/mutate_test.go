package source

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// mutate changes a copy of data at random: bytes flipped, set to edge
// values, a run cut out or doubled, or the end cut off.
func mutate(rng *rand.Rand, data []byte) []byte {
	b := append([]byte(nil), data...)
	if len(b) == 0 {
		return b
	}
	for range 1 + rng.IntN(4) {
		i := rng.IntN(len(b))
		switch rng.IntN(6) {
		case 0:
			b[i] ^= byte(1 << rng.IntN(8))
		case 1:
			b[i] = []byte{0, 0xFF, 0x7F, 0x80, 0xFE}[rng.IntN(5)]
		case 2:
			j := min(len(b), i+rng.IntN(64))
			b = append(b[:i:i], b[j:]...)
		case 3:
			j := min(len(b), i+rng.IntN(64))
			b = append(b[:j:j], b[i:]...)
		case 4:
			b = b[:i]
		default:
			if i+1 < len(b) {
				b[i], b[i+1] = 0xFF, 0xFF
			}
		}
		if len(b) == 0 {
			break
		}
	}
	return b
}

// drainXLS reads a whole OLE file with the .xls reader's lower layers.
func drainXLS(data []byte) {
	r := newReader(context.Background(), "m.xls", defaultOptions(), nil, &Input{})
	stream, ferr := r.xlsStream(memFile{bytes.NewReader(data)}, int64(len(data)))
	if ferr != nil {
		return
	}
	drainXLSStream(r, stream)
}

func drainXLSStream(r *reader, stream []byte) {
	wb, err := parseXLSGlobals(stream)
	if err != nil {
		return
	}
	for _, ws := range wb.sheets {
		src, _, ferr := openXLSSheet(r, wb, ws)
		if ferr != nil || src == nil {
			continue
		}
		for {
			if _, err := src.next(); err != nil {
				break
			}
		}
	}
}

// TestMutatedXLS reads a thousand damaged copies of .xls files and
// streams, within a time budget: none may panic or hang. (FuzzXLS explores
// further; this runs in every test run.)
func TestMutatedXLS(t *testing.T) {
	files := [][]byte{oleFile(t, map[string][]byte{"Workbook": xlsRoster().stream()})}
	for _, p := range []string{"testdata/formats/mix.xls", "testdata/formats/d1904.xls", "testdata/seed/phpss__oleloop.xls"} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, data)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	r := newReader(context.Background(), "m.xls", defaultOptions(), nil, &Input{})
	deadline := time.Now().Add(20 * time.Second)
	n := 0
	for _, data := range files {
		stream := data
		if s, ferr := r.xlsStream(memFile{bytes.NewReader(data)}, int64(len(data))); ferr == nil {
			stream = s
		}
		for range 150 {
			drainXLS(mutate(rng, data))
			drainXLSStream(r, mutate(rng, stream))
			n += 2
		}
		if time.Now().After(deadline) {
			t.Logf("stopped after %d damaged files, at the time budget", n)
			break
		}
	}
}

// TestMutatedODS reads damaged copies of .ods content, within a time
// budget: none may panic or hang.
func TestMutatedODS(t *testing.T) {
	var contents [][]byte
	for _, p := range []string{"testdata/formats/mix.ods", "testdata/formats/d1904.ods"} {
		zr, err := zip.OpenReader(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if f.Name == "content.xml" {
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				// The start of a large content is enough: mutations near its
				// end would only cut the data short.
				contents = append(contents, b[:min(len(b), 64<<10)])
			}
		}
		zr.Close()
	}
	rng := rand.New(rand.NewPCG(3, 4))
	dir := t.TempDir()
	deadline := time.Now().Add(30 * time.Second)
	schema := genericSchema(t)
	for i := range 200 {
		c := mutate(rng, contents[i%len(contents)])
		data := zipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": string(c)})
		path := filepath.Join(dir, "m.ods")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		in, err := Read(context.Background(), path, Options{Schema: schema}, nil)
		if err != nil {
			t.Fatalf("Read = %v", err)
		}
		if in.Err != nil && !errors.Is(in.Err, ErrCorrupt) {
			t.Errorf("Err = %v, want a damaged file", in.Err)
		}
		if time.Now().After(deadline) {
			t.Logf("stopped after %d damaged files, at the time budget", i+1)
			break
		}
	}
}
