package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/laborcheck/laborcheck/internal/annotate"
	"github.com/laborcheck/laborcheck/internal/report"
)

// checkAnnotateDir makes the -annotate folder when it is missing and checks
// that it takes new files, before the review, so that a folder the copies
// cannot go in fails the run at once.
func checkAnnotateDir(ui *ui, dir string) bool {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		ui.errorf("-annotate %s: %v", dir, err)
		return false
	}
	tmp, err := os.CreateTemp(dir, ".laborcheck-check-*.tmp")
	if err != nil {
		ui.errorf("-annotate %s: the folder does not take new files: %v", dir, err)
		return false
	}
	tmp.Close()
	os.Remove(tmp.Name())
	return true
}

// warnCopiesScanned warns when rosters to scan lie in the -annotate folder:
// they are most likely copies an earlier run marked, and would be reviewed
// again as rosters of their own.
func warnCopiesScanned(ui *ui, dir string, files []string) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return
	}
	n := 0
	for _, f := range files {
		if af, err := filepath.Abs(f); err == nil {
			if rel, err := filepath.Rel(abs, af); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				n++
			}
		}
	}
	if n > 0 {
		ui.warnf("%s in the -annotate folder %s %s reviewed as rosters; an earlier run's marked copies count their contracts again", plural(n, "file"), dir, map[bool]string{true: "is", false: "are"}[n == 1])
		ui.hint("give -annotate a folder outside the rosters scanned")
	}
}

// writeAnnotated writes the marked copies of the inputs into dir and
// returns the paths written. A copy that is not made (an input that could
// not be read, or of a format copies are not made of) is a warning; a
// copy that fails to be written fails the run.
func writeAnnotated(ctx context.Context, ui *ui, dir, password string, rep *report.Report) ([]string, bool) {
	results, err := annotate.Write(ctx, rep, annotate.Options{Dir: dir, Password: password})
	if err != nil {
		ui.errorf("-annotate %s: %v", dir, err)
		return nil, false
	}
	var written []string
	ok := true
	for _, r := range results {
		switch {
		case r.Err == nil:
			written = append(written, r.Output)
		case errors.Is(r.Err, annotate.ErrNotCopied):
			ui.warnf("%s: %v", r.Input, r.Err)
		default:
			ui.errorf("%s: write the annotated copy: %v", r.Input, r.Err)
			ok = false
		}
	}
	if !ok {
		ui.hint("the other copies and the reports were written; the original files are never changed")
	}
	return written, ok
}

// annotateUsage is the -annotate line of scan's usage.
const annotateUsage = `  -annotate DIR     write a marked copy of each roster into DIR: flagged
                    rows filled by severity, each finding a note on its
                    evidence cell, a "laborcheck" status column; CSV,
                    .xls and .ods files get an .xlsx copy. The originals
                    are never changed
`
