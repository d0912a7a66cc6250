package canon

import (
	"bytes"
	"slices"
)

// sortLines sorts the lines buf[s[0]:s[1]] of spans in byte order (RDFC-1.0
// §4.4.3 step 6: the canonical N-Quads sorted in code point order, which
// UTF-8 byte order is), faster than comparing whole lines: a dataset's
// lines share long prefixes (a subject IRI, then a predicate namespace),
// and most subjects have only a few lines.
//
// group[i] (below ngroups) puts line i with the lines of the same subject;
// all the lines of a group must have the same key. A line's key is the
// line up to its first space, space included (the subject term, as N-Quads
// writes no space inside one). Two different keys cannot be a prefix of
// each other (the shorter would end in a space the longer has no room for
// before its own first space), so they differ at a byte where the whole
// lines differ too: lines sort by key, then by the rest. So the groups
// are sorted by key, then the lines of equal keys by the rest of the line.
func sortLines(buf []byte, spans [][2]int, group []int32, ngroups int, tmp *sortScratch) {
	if len(spans) < 2 {
		return
	}
	// The lines of each group, together (a counting sort).
	start := slices.Grow(tmp.start[:0], ngroups+1)[:ngroups+1]
	clear(start)
	for _, g := range group {
		start[g+1]++
	}
	for g := range ngroups {
		start[g+1] += start[g]
	}
	byGroup := slices.Grow(tmp.byGroup[:0], len(spans))[:len(spans)]
	fill := slices.Grow(tmp.fill[:0], ngroups)[:ngroups]
	copy(fill, start)
	for i, g := range group {
		byGroup[fill[g]] = spans[i]
		fill[g]++
	}
	// The groups in key order.
	keys := tmp.keys[:0]
	for g := range ngroups {
		if start[g] < start[g+1] {
			keys = append(keys, groupKey{key: lineKey(buf, byGroup[start[g]]), g: int32(g)})
		}
	}
	slices.SortFunc(keys, func(a, b groupKey) int { return bytes.Compare(a.key, b.key) })
	pos := 0
	for i := 0; i < len(keys); {
		j, first := i, pos
		for ; j < len(keys) && bytes.Equal(keys[j].key, keys[i].key); j++ {
			g := keys[j].g
			pos += copy(spans[pos:], byGroup[start[g]:start[g+1]])
		}
		if pos-first > 1 {
			skip := len(keys[i].key)
			slices.SortFunc(spans[first:pos], func(a, b [2]int) int {
				return bytes.Compare(buf[a[0]+skip:a[1]], buf[b[0]+skip:b[1]])
			})
		}
		i = j
	}
	tmp.start, tmp.byGroup, tmp.fill, tmp.keys = start, byGroup, fill, keys[:0]
}

// lineKey is the line up to its first space, included, or the whole line.
func lineKey(buf []byte, sp [2]int) []byte {
	l := buf[sp[0]:sp[1]]
	if i := bytes.IndexByte(l, ' '); i >= 0 {
		return l[:i+1]
	}
	return l
}

type groupKey struct {
	key []byte
	g   int32
}

// sortScratch is sortLines' memory, kept in a pool with the buffers.
type sortScratch struct {
	start, fill []int
	byGroup     [][2]int
	keys        []groupKey
}
