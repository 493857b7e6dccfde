package source

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// walkExts are the extensions Expand keeps when it walks a directory: the
// formats laborcheck reads (templates among them: .xltx, .xltm, .xlt and
// .ots are read as the workbooks they are), and the spreadsheet formats it
// does not, so that
// those are reported rather than silently passed over. Plain .txt files are
// read when named on the command line but not collected from directories,
// where they are mostly notes and read-me files.
var walkExts = map[string]bool{
	".xlsx": true, ".xlsm": true, ".xltx": true, ".xltm": true,
	".csv": true, ".tsv": true,
	".xls": true, ".xlt": true, ".xlsb": true, ".ods": true, ".ots": true, ".numbers": true,
}

// Expand turns the paths given on the command line into the files to read,
// in a stable order: files as given, then for each directory the files in it
// and its subdirectories in lexical order. In directories it skips hidden
// files and directories, Office lock files ("~$roster.xlsx") and files of
// other extensions (see walkExts); a file named on the command line is kept
// whatever its name. A file reached twice is listed once.
//
// Paths that do not exist, and directories that cannot be read, are reported
// as *FileError values joined into the error; the files found are returned
// all the same.
func Expand(paths []string) ([]string, error) {
	var (
		out  []string
		errs []error
		seen = map[string]bool{}
	)
	add := func(p string) {
		if k := filepath.Clean(p); !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	for _, root := range paths {
		st, err := os.Stat(root)
		if err != nil {
			errs = append(errs, pathError(root, err))
			continue
		}
		if !st.IsDir() || strings.EqualFold(filepath.Ext(root), ".numbers") {
			add(root)
			continue
		}
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, pathError(p, err))
				return nil
			}
			if p == root {
				return nil
			}
			name := d.Name()
			if strings.HasPrefix(name, ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			ext := strings.ToLower(filepath.Ext(name))
			if d.IsDir() {
				if ext == ".numbers" { // a Numbers document stored as a package
					add(p)
					return fs.SkipDir
				}
				return nil
			}
			if strings.HasPrefix(name, "~$") || !walkExts[ext] {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				// Follow links to files, never to directories (no cycles).
				if st, err := os.Stat(p); err != nil || st.IsDir() {
					return nil
				}
			} else if !d.Type().IsRegular() {
				return nil
			}
			add(p)
			return nil
		})
	}
	return out, errors.Join(errs...)
}

func pathError(p string, err error) *FileError {
	if errors.Is(err, fs.ErrNotExist) {
		return &FileError{Path: p, Kind: ErrNotFound, Reason: p + ": no such file or directory", Hint: "check the path"}
	}
	var pe *fs.PathError
	reason := err.Error()
	if errors.As(err, &pe) {
		reason = pe.Path + ": " + pe.Err.Error()
	}
	return &FileError{Path: p, Kind: err, Reason: reason}
}
