package contract

// Nearest returns the option nearest to got by edit distance, or "" when
// none is near enough to be a likely typo. Error messages use it for their
// "did you mean" hints.
func Nearest(got string, options []string) string {
	best, bestD := "", len(got)/3+2
	for _, o := range options {
		if d := EditDistance(got, o); d < bestD {
			best, bestD = o, d
		}
	}
	return best
}

// EditDistance is the Levenshtein distance between a and b, counted in bytes.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
