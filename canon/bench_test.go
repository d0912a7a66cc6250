package canon

import (
	"bytes"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
)

// transcript40 is a 40-course transcript credential's quads
// (testdata/transcript40.nq, its canonical form), with each subject's
// statements kept together and the subjects in a shuffled order, as a
// JSON-LD processor writes a document's nodes.
func transcript40(tb testing.TB) []Quad {
	b, err := os.ReadFile("testdata/transcript40.nq")
	if err != nil {
		tb.Fatal(err)
	}
	quads, err := ParseNQuads(string(b))
	if err != nil {
		tb.Fatal(err)
	}
	var groups [][]Quad
	for i := 0; i < len(quads); {
		j := i + 1
		for j < len(quads) && quads[j].S == quads[i].S {
			j++
		}
		groups = append(groups, quads[i:j])
		i = j
	}
	rand.New(rand.NewPCG(4, 2)).Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
	return slices.Concat(groups...)
}

// BenchmarkDataset canonicalizes a 40-course transcript credential's quads.
func BenchmarkDataset(b *testing.B) {
	quads := transcript40(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Canonicalize(quads, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSortLines sorts a 40-course transcript credential's N-Quads
// lines with sortLines and with a sort of whole lines.
func BenchmarkSortLines(b *testing.B) {
	quads := transcript40(b)
	var buf []byte
	var spans [][2]int
	for i := range quads {
		start := len(buf)
		q := &quads[i]
		buf = appendQuadWith(buf, q, func(k int) string { return [...]*Term{&q.S, &q.O, &q.G}[k].Value })
		spans = append(spans, [2]int{start, len(buf)})
	}
	group := make([]int32, len(spans))
	ids := map[string]int32{}
	for i := range quads {
		id, ok := ids[quads[i].S.Value]
		if !ok {
			id = int32(len(ids))
			ids[quads[i].S.Value] = id
		}
		group[i] = id
	}
	work := make([][2]int, len(spans))
	b.Run("lines", func(b *testing.B) {
		var sc sortScratch
		for b.Loop() {
			copy(work, spans)
			sortLines(buf, work, group, len(ids), &sc)
		}
	})
	b.Run("whole", func(b *testing.B) {
		for b.Loop() {
			copy(work, spans)
			slices.SortFunc(work, func(a, b [2]int) int { return bytes.Compare(buf[a[0]:a[1]], buf[b[0]:b[1]]) })
		}
	})
}
