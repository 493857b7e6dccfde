package cli

import (
	"errors"
	"strings"

	"github.com/laborcheck/laborcheck/internal/rules"
	"github.com/laborcheck/laborcheck/internal/source"
)

// rosterFiles turns the paths given to scan or inspect into the files to
// read: folders are read recursively, and "dir/..." is the folder. It prints
// any problem and returns false; a path that does not exist stops the run.
func rosterFiles(ui *ui, verb string, paths []string) ([]string, bool) {
	files, err := source.Expand(expandPatterns(paths))
	if err != nil {
		errs := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		}
		for _, e := range errs {
			ui.errorf("%s", safe(e.Error()))
			var fe *source.FileError
			if errors.As(e, &fe) && fe.Hint != "" {
				ui.hint("%s", fe.Hint)
			}
		}
		return nil, false
	}
	if len(files) == 0 {
		ui.errorf("no rosters to %s found in %s", verb, safe(strings.Join(paths, ", ")))
		ui.hint("laborcheck reads %s files", strings.Join(source.Formats(), ", "))
		return nil, false
	}
	return files, true
}

// expandPatterns turns Go-style "dir/..." arguments into the directory, which
// is read recursively anyway.
func expandPatterns(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		if p == "..." {
			p = "."
		} else if d, ok := strings.CutSuffix(p, "/..."); ok {
			p = d
			if p == "" {
				p = "/"
			}
		}
		out[i] = p
	}
	return out
}

// readLimited reads a file named by a flag (-map, -waivers, -min-wage,
// -entity-list, -vocab): a regular file, or a symbolic link to one, of at
// most limit bytes. A device, a named pipe or a folder is refused before it
// is opened, and an over-size file before it is read; the error names the
// path and, for a file too large, its size.
func readLimited(path string, limit int64) ([]byte, error) {
	return rules.ReadLimited(path, limit)
}
