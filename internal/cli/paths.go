package cli

import "strings"

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
