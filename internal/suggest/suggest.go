// Package suggest finds the likely intended word for a typo ("did you mean
// ...?"), for config keys, sheet headers and day names.
package suggest

// Closest returns the candidate nearest to s by edit distance when it is
// close enough to be a likely typo (at most 2 edits, and fewer than half of
// s), or "". Candidates are compared as given; callers normalise first.
func Closest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		d := distance(s, c)
		if d < bestD && d*2 < len([]rune(s))+1 {
			best, bestD = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b, in runes. Strings
// over 64 runes are never typos of a short name: they count as far apart.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 64
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
