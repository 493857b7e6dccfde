package report

import (
	"errors"
	"io/fs"
	"os"
	"runtime"
)

// unlinkOpen removes the name of an open temporary file where the system
// lets an open file live on without one (everywhere but Windows): the file
// then vanishes when it is closed or when the process ends, however it ends
// (killed, or out of memory), and never outlives the run.
func unlinkOpen(f *os.File) {
	if runtime.GOOS != "windows" {
		_ = os.Remove(f.Name())
	}
}

// removeTemp removes a temporary file that unlinkOpen may have removed
// already.
func removeTemp(name string) error {
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
