package scan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
)

// copyOf is a file whose bytes are those of an earlier file of the batch.
type copyOf struct {
	original string
	sha256   string
}

// identicalCopies finds the files of a batch whose bytes are the same as
// another's ("roster (1).xlsx" beside "roster.xlsx"): reviewing both
// would count every contract twice and make each worker's passport and
// bank account look shared. Only files of equal size are hashed. A file
// that cannot be opened is left for the reader to report. When only is
// set, only the sizes of files in it are looked at (a shard's files: the
// others are another shard's to review).
func identicalCopies(ctx context.Context, files []string, only map[string]bool) map[string]copyOf {
	bySize := map[int64][]string{}
	for _, f := range files {
		if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() {
			bySize[st.Size()] = append(bySize[st.Size()], f)
		}
	}
	out := map[string]copyOf{}
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil || len(bySize[st.Size()]) < 2 || only != nil && !only[f] {
			continue
		}
		group := bySize[st.Size()]
		delete(bySize, st.Size())
		same := map[string][]string{} // digest → files with it
		var digests []string
		for _, g := range group {
			if ctx.Err() != nil {
				return out
			}
			sum, err := fileDigest(g)
			if err != nil {
				continue
			}
			if same[sum] == nil {
				digests = append(digests, sum)
			}
			same[sum] = append(same[sum], g)
		}
		for _, sum := range digests {
			g := same[sum]
			if len(g) < 2 {
				continue
			}
			// The original is the shortest name ("roster.csv", not
			// "roster (1).csv"), then the first in order.
			orig := g[0]
			for _, f := range g[1:] {
				if len(f) < len(orig) {
					orig = f
				}
			}
			for _, f := range g {
				if f != orig {
					out[f] = copyOf{original: orig, sha256: sum}
				}
			}
		}
	}
	return out
}

func fileDigest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
