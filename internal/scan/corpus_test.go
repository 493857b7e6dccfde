package scan

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/report"
)

// corpusDir holds real spreadsheets and CSVs from other projects' test
// data: stock lists, pivot tables, scientific tables, a few lists of
// people. None is a labour roster.
const corpusDir = "../../../shared/corpus"

// TestCorpusRaisesNoFalseFlags reviews the corpus with the built-in pack.
// Reading headers by meaning must not turn its columns into contract
// fields they only resemble ("Sigma medio" is no medical cost, "Taille de
// l'entreprise" no employer): the one finding is a test file's row of a
// person aged 3.
func TestCorpusRaisesNoFalseFlags(t *testing.T) {
	entries, err := os.ReadDir(corpusDir)
	if err != nil || len(entries) == 0 {
		t.Skipf("corpus not found at %s: skipping", corpusDir)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && e.Name() != "README.md" && e.Name() != "SOURCES.tsv" {
			files = append(files, filepath.Join(corpusDir, e.Name()))
		}
	}
	rep, err := Run(context.Background(), files, options(t, 2))
	require.NoError(t, err)
	defer rep.Close()
	for _, f := range rep.Findings {
		if f.Scope == report.ScopeSupplier {
			continue
		}
		if filepath.Base(f.File) == "frictionless__structure-errors.csv" && f.RuleID == "under-minimum-age" {
			continue
		}
		t.Errorf("%s row %d: %s (%v)", filepath.Base(f.File), f.Row, f.RuleID, f.Evidence)
	}
}
