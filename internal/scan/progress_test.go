package scan

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/rostergen"
)

// Progress within one large file moves by the bytes read, so an officer
// reviewing a single big roster sees how far it has come; at the end every
// byte and file is done.
func TestProgressWithinAFile(t *testing.T) {
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "roster."+format)
			require.NoError(t, rostergen.WriteFile(path, rostergen.Options{Rows: 10_000}))
			var (
				mu    sync.Mutex
				calls []Progress
			)
			opts := options(t, 2)
			opts.Progress = func(p Progress) {
				mu.Lock()
				calls = append(calls, p)
				mu.Unlock()
			}
			rep, err := Run(context.Background(), []string{path}, opts)
			require.NoError(t, err)
			defer rep.Close()
			require.NotEmpty(t, calls)
			within := 0
			for i, p := range calls {
				assert.LessOrEqual(t, p.BytesDone, p.Bytes)
				if i > 0 {
					assert.GreaterOrEqual(t, p.BytesDone, calls[i-1].BytesDone, "progress never goes back")
				}
				if p.FilesDone == 0 && p.BytesDone > 0 && p.BytesDone < p.Bytes {
					within++
				}
			}
			assert.Positive(t, within, "no progress by bytes within the file: %+v", calls)
			last := calls[len(calls)-1]
			assert.Equal(t, Progress{FilesDone: 1, Files: 1, Contracts: 10_000, BytesDone: last.Bytes, Bytes: last.Bytes}, last)
		})
	}
}
