package partial

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestAssign(t *testing.T) {
	sizes := []int64{10, 500, 30, 500, 0, 0, 200, 90, 70, 1}
	got := Assign(sizes, 3)
	if again := Assign(slices.Clone(sizes), 3); !slices.Equal(got, again) {
		t.Fatalf("Assign is not stable: %v, then %v", got, again)
	}
	// Largest first, each to the lightest shard: 500→0, 500→1, 200→2,
	// 90→2, 70→2, 30→0…
	if got[1] != 0 || got[3] != 1 || got[6] != 2 || got[7] != 2 {
		t.Errorf("Assign(%v, 3) = %v", sizes, got)
	}
	load := make([]int64, 3)
	for f, s := range got {
		load[s] += sizes[f]
	}
	if slices.Max(load)-slices.Min(load) > 200 {
		t.Errorf("unbalanced: %v", load)
	}
	// One shard takes everything; more shards than files leave some empty.
	if one := Assign(sizes, 1); slices.Max(one) != 0 {
		t.Errorf("Assign(_, 1) = %v", one)
	}
	if many := Assign(sizes[:2], 5); len(many) != 2 || many[0] == many[1] {
		t.Errorf("Assign(2 files, 5) = %v", many)
	}
}

func writePartial(t *testing.T, path string, h Header, files ...int) {
	t.Helper()
	w, err := Create(path, h)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		recs := strings.Repeat(fmt.Sprintf("records of %d;", f), 1000)
		if err := w.Block(f, 1000, []byte(fmt.Sprintf("meta %d", f)), strings.NewReader(recs)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

func header(shard, shards int) Header {
	return Header{Version: "v1", Shard: shard, Shards: shards, Files: 4, Payload: []byte(`{"run":1}`),
		Digests: []Digest{{"rules", "r1"}, {"inputs", "i1"}, {KeyDigest, "k1"}}}
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	writePartial(t, filepath.Join(dir, "a.partial"), header(0, 2), 0, 3)
	writePartial(t, filepath.Join(dir, "b.partial"), header(1, 2), 2, 1)
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Fatalf("%d files in the folder, want the 2 partials alone", len(ents))
	}
	set, err := OpenSet([]string{filepath.Join(dir, "b.partial"), filepath.Join(dir, "a.partial")})
	if err != nil {
		t.Fatal(err)
	}
	for i := range set.Files() {
		r, e := set.Block(i)
		meta, err := r.Meta(e)
		if err != nil || string(meta) != fmt.Sprintf("meta %d", i) {
			t.Fatalf("input %d: meta %q, %v", i, meta, err)
		}
		rc, err := r.Records(e)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(recs, []byte(strings.Repeat(fmt.Sprintf("records of %d;", i), 1000))) {
			t.Fatalf("input %d: records differ (%d bytes), %v", i, len(recs), err)
		}
	}
}

func TestOpenSetRefuses(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.partial"), filepath.Join(dir, "b.partial")
	writePartial(t, a, header(0, 2), 0, 3)
	other := header(1, 2)
	other.Digests[0].Value = "r2"
	other.Digests[2].Value = "k2" // a derived key differs with the rules
	writePartial(t, b, other, 1, 2)
	c := filepath.Join(dir, "c.partial")
	writePartial(t, c, header(1, 3), 1, 2)
	d := filepath.Join(dir, "d.partial")
	writePartial(t, d, header(1, 2), 1)
	cut := filepath.Join(dir, "cut.partial")
	data, _ := os.ReadFile(a)
	if err := os.WriteFile(cut, data[:len(data)-5], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		paths []string
		want  string
	}{
		{[]string{a}, "shard 1 of 2 missing: 1 of 2 partial results given"},
		{[]string{a, a}, "shard 0 given twice"},
		{[]string{a, b}, "b.partial (shard 1): made with other rules than shard 0"},
		{[]string{a, c}, "made as one of 3 shards"},
		{[]string{a, d}, "no shard holds input 2 of 4"},
		{[]string{cut}, "not a laborcheck partial result, or an incomplete one (no index: the shard did not finish)"},
	} {
		_, err := OpenSet(tc.paths)
		var se *SetError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("OpenSet(%v) = %v, want %q", tc.paths, err, tc.want)
		}
	}
}
