//go:build !linux

package cli

import "os"

// terminalColumns is 0 where laborcheck does not ask the terminal: $COLUMNS
// still sets the width.
func terminalColumns(*os.File) int { return 0 }
