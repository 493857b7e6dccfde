package report

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGather copies records of a file in an order of their own, as
// sortFile does with a review's rows in report order: each comes out
// whole, in the order asked for, whether the records lie close together,
// far apart, or are longer than one read takes.
func TestGather(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var file []byte
	var keys []rowKey
	var recs [][]byte
	for i := range 30000 {
		size := 20 + rng.IntN(300)
		switch {
		case i%5000 == 7:
			size = gatherSpan + 1000 // longer than a read's span
		case i%97 == 3:
			size = gatherGap + 10 // a gap wider than a read bridges
		}
		rec := bytes.Repeat([]byte{byte(i)}, size)
		copy(rec, fmt.Sprint(i))
		keys = append(keys, rowKey{seq: int32(i), off: int64(len(file)), size: uint32(size)})
		recs = append(recs, rec)
		file = append(file, rec...)
	}
	path := filepath.Join(t.TempDir(), "records")
	require.NoError(t, os.WriteFile(path, file, 0o600))
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()

	for _, order := range []string{"file", "shuffled", "reversed"} {
		t.Run(order, func(t *testing.T) {
			ks := append([]rowKey(nil), keys...)
			switch order {
			case "shuffled":
				rng.Shuffle(len(ks), func(i, j int) { ks[i], ks[j] = ks[j], ks[i] })
			case "reversed":
				for i, j := 0, len(ks)-1; i < j; i, j = i+1, j-1 {
					ks[i], ks[j] = ks[j], ks[i]
				}
			}
			var got []int32
			g := gather{f: f, emit: func(rec []byte, seq int32) error {
				if !bytes.Equal(rec, recs[seq]) {
					return fmt.Errorf("record %d: %d bytes, not its own", seq, len(rec))
				}
				got = append(got, seq)
				return nil
			}}
			for _, k := range ks {
				require.NoError(t, g.add(k))
			}
			require.NoError(t, g.flush())
			want := make([]int32, len(ks))
			for i, k := range ks {
				want[i] = k.seq
			}
			assert.Equal(t, want, got)
		})
	}

	t.Run("key past the end", func(t *testing.T) {
		g := gather{f: f, emit: func([]byte, int32) error { return nil }}
		require.NoError(t, g.add(rowKey{off: int64(len(file)) - 5, size: 10}))
		assert.Error(t, g.flush())
	})
}
