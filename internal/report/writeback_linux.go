package report

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// startWriteback asks the system to start writing the given range of a
// report's file to disk, without waiting for it (sync_file_range with
// SYNC_FILE_RANGE_WRITE). Errors are left to the Sync that follows.
func startWriteback(c syscall.RawConn, off, n int64) {
	_ = c.Control(func(fd uintptr) {
		_ = unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE)
	})
}
