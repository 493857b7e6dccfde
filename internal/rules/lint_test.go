package rules

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/contract"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestLintGolden lints each folder of testdata/lint (its .yaml files layer
// in name order) and compares the full output, positions, carets and hints
// included, with the folder's want.txt.
func TestLintGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/lint/*")
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			_, errs := Lint([]string{dir}, contract.DefaultSchema(), LoadOptions{})
			var b strings.Builder
			for _, e := range errs {
				b.WriteString(e.Detail())
				b.WriteByte('\n')
			}
			if len(errs) == 0 {
				b.WriteString("no problems\n")
			}
			got := b.String()
			want := filepath.Join(dir, "want.txt")
			if *update {
				require.NoError(t, os.WriteFile(want, []byte(got), 0o644))
				return
			}
			data, err := os.ReadFile(want)
			require.NoError(t, err, "run go test ./internal/rules -run TestLintGolden -update to create it")
			assert.Equal(t, string(data), got)
		})
	}
}
