package cli

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	walkthrough = regexp.MustCompile("(?s)<!-- walkthrough:begin -->\n```text\n(.*?)```\n<!-- walkthrough:end -->")
	reportStamp = regexp.MustCompile(`(?m)^(laborcheck report · )\S+( · laborcheck )\S+$`)
)

// TestREADMEWalkthrough runs the README's first command, exactly as written,
// from the repository root and checks its output is the one the README
// shows (apart from the run's time and version).
func TestREADMEWalkthrough(t *testing.T) {
	t.Setenv("COLUMNS", "") // the walk-through is laid out for 80 columns
	// Ages are taken on the review date: the walk-through is a review of
	// 2026-12-01, whatever the day the test runs.
	t.Setenv("SOURCE_DATE_EPOCH", "1796083200")
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	m := walkthrough.FindSubmatch(readme)
	require.NotNil(t, m, "README.md has no walkthrough block")
	require.Contains(t, string(readme), "go run ./cmd/laborcheck scan samples/...")

	t.Chdir("../..")
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"scan", "samples/..."}, strings.NewReader(""), &stdout, &stderr)
	assert.Equal(t, ExitFindings, code, "stderr: %s", stderr.String())
	assert.Empty(t, stderr.String())

	norm := func(s string) string { return reportStamp.ReplaceAllString(s, "${1}TIME${2}VERSION") }
	got, want := norm(stdout.String()), norm(string(m[1]))
	if *update && got != want {
		fixed := walkthrough.ReplaceAllLiteral(readme, []byte("<!-- walkthrough:begin -->\n```text\n"+stdout.String()+"```\n<!-- walkthrough:end -->"))
		require.NoError(t, os.WriteFile("README.md", fixed, 0o644))
		return
	}
	assert.Equal(t, want, got, "README walkthrough is out of date: run go test ./internal/cli -run TestREADMEWalkthrough -update")
}
