package canon

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortLines compares sortLines with a sort of whole lines on random
// lines built to share prefixes: keys that are prefixes of each other
// (_:c1 and _:c12), spaces inside a key's IRI, runs of one key split
// apart, equal lines, and lines with no space.
func TestSortLines(t *testing.T) {
	parts := []string{"_:c1", "_:c12", "_:c14n1", "<urn:a>", "<urn:a b>", "<urn:a", "<", "", "_:c1\t", "é"}
	rest := []string{"<p> \"x\" .\n", "<p> \"y\" .\n", "<q> _:c1 .\n", "<p> <o> <g> .\n", "\n", "", " ", "<p>  \"z\" .\n"}
	r := rand.New(rand.NewPCG(1, 2))
	var sc sortScratch
	for range 3000 {
		var buf []byte
		var spans [][2]int
		for range r.IntN(40) {
			start := len(buf)
			buf = append(buf, parts[r.IntN(len(parts))]...)
			if r.IntN(8) > 0 {
				buf = append(buf, ' ')
			}
			buf = append(buf, rest[r.IntN(len(rest))]...)
			spans = append(spans, [2]int{start, len(buf)})
			for r.IntN(3) == 0 { // a run of the same key
				start := len(buf)
				buf = append(buf, buf[spans[len(spans)-1][0]:spans[len(spans)-1][1]]...)
				spans = append(spans, [2]int{start, len(buf)})
			}
		}
		want := slices.Clone(spans)
		slices.SortFunc(want, func(a, b [2]int) int { return bytes.Compare(buf[a[0]:a[1]], buf[b[0]:b[1]]) })
		// Lines of one key in groups: one group per key, or a key's
		// lines split over several groups.
		group := make([]int32, len(spans))
		ids := map[string][]int32{}
		n := int32(0)
		for i, sp := range spans {
			k := string(lineKey(buf, sp))
			if len(ids[k]) == 0 || r.IntN(4) == 0 {
				ids[k] = append(ids[k], n)
				n++
			}
			group[i] = ids[k][r.IntN(len(ids[k]))]
		}
		got := slices.Clone(spans)
		sortLines(buf, got, group, int(n)+r.IntN(3), &sc)
		for i := range want {
			if w, g := buf[want[i][0]:want[i][1]], buf[got[i][0]:got[i][1]]; !bytes.Equal(w, g) {
				t.Fatalf("line %d: got %q, want %q\nlines: %q", i, g, w, lines(buf, spans))
			}
		}
	}
}

func lines(buf []byte, spans [][2]int) []string {
	var l []string
	for _, s := range spans {
		l = append(l, string(buf[s[0]:s[1]]))
	}
	return l
}
