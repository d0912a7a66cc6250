package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// face is a TrueType font read once: where its tables are, its character
// map, its advances and its glyphs, so that a document's subset is cut
// from it without parsing it again.
type face struct {
	tables map[string][]byte
	// The tables read for every glyph, kept out of the map.
	hmtx, loca, glyf []byte
	upem             float64
	numHM            int
	glyphs           int
	longLoc          bool
	bmp              []uint16        // glyph of each BMP character
	astral           map[rune]uint16 // glyph of each character beyond it
	// ascent, descent, capHeight and bbox in 1000ths of the em.
	ascent, descent, capHeight int
	bbox                       [4]int
}

// errFont is the error for a font this package cannot read.
var errFont = errors.New("not a TrueType font this renderer reads")

// parseFace reads a TrueType font (not a collection).
func parseFace(data []byte) (*face, error) {
	if len(data) < 12 || binary.BigEndian.Uint32(data) != 0x00010000 {
		return nil, errFont
	}
	f := &face{tables: map[string][]byte{}}
	n := int(binary.BigEndian.Uint16(data[4:]))
	for i := 0; i < n; i++ {
		rec := data[12+16*i:]
		if len(rec) < 16 {
			return nil, errFont
		}
		off, ln := int(binary.BigEndian.Uint32(rec[8:])), int(binary.BigEndian.Uint32(rec[12:]))
		if off < 0 || ln < 0 || off+ln > len(data) {
			return nil, fmt.Errorf("%w: table %q out of the file", errFont, rec[:4])
		}
		f.tables[string(rec[:4])] = data[off : off+ln]
	}
	for _, t := range []struct {
		tag string
		min int
	}{{"head", 54}, {"hhea", 36}, {"maxp", 6}, {"hmtx", 4}, {"loca", 4}, {"glyf", 0}, {"cmap", 4}} {
		if len(f.tables[t.tag]) < t.min {
			return nil, fmt.Errorf("%w: no %s table", errFont, t.tag)
		}
	}
	head, hhea := f.tables["head"], f.tables["hhea"]
	f.hmtx, f.loca, f.glyf = f.tables["hmtx"], f.tables["loca"], f.tables["glyf"]
	f.upem = float64(binary.BigEndian.Uint16(head[18:]))
	f.longLoc = binary.BigEndian.Uint16(head[50:]) == 1
	f.numHM = int(binary.BigEndian.Uint16(hhea[34:]))
	f.glyphs = int(binary.BigEndian.Uint16(f.tables["maxp"][4:]))
	if f.upem == 0 || f.numHM == 0 || len(f.hmtx) < 4*f.numHM+2*(f.glyphs-f.numHM) {
		return nil, fmt.Errorf("%w: bad metrics", errFont)
	}
	if (f.longLoc && len(f.loca) < 4*(f.glyphs+1)) || (!f.longLoc && len(f.loca) < 2*(f.glyphs+1)) {
		return nil, fmt.Errorf("%w: short loca table", errFont)
	}
	em := func(b []byte) int { return int(float64(int16(binary.BigEndian.Uint16(b))) * 1000 / f.upem) }
	f.bbox = [4]int{em(head[36:]), em(head[38:]), em(head[40:]), em(head[42:])}
	f.ascent, f.descent, f.capHeight = em(hhea[4:]), em(hhea[6:]), em(hhea[4:])
	if os2 := f.tables["OS/2"]; len(os2) >= 90 && binary.BigEndian.Uint16(os2) >= 2 {
		f.capHeight = em(os2[88:])
	}
	return f, f.readCmap()
}

// readCmap reads the Unicode character map: format 12 (all planes) if the
// font has it, else format 4 (the BMP).
func (f *face) readCmap() error {
	cm := f.tables["cmap"]
	n := int(binary.BigEndian.Uint16(cm[2:]))
	var fmt4, fmt12 []byte
	for i := 0; i < n && 4+8*i+8 <= len(cm); i++ {
		rec := cm[4+8*i:]
		pid, eid, off := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:]), int(binary.BigEndian.Uint32(rec[4:]))
		if off+4 > len(cm) || (pid != 3 && pid != 0) || (pid == 3 && eid != 1 && eid != 10) {
			continue
		}
		switch binary.BigEndian.Uint16(cm[off:]) {
		case 4:
			fmt4 = cm[off:]
		case 12:
			fmt12 = cm[off:]
		}
	}
	f.bmp = make([]uint16, 0x10000)
	f.astral = map[rune]uint16{}
	switch {
	case fmt12 != nil:
		return f.cmap12(fmt12)
	case fmt4 != nil:
		return f.cmap4(fmt4)
	}
	return fmt.Errorf("%w: no Unicode character map", errFont)
}

func (f *face) cmap4(t []byte) error {
	if len(t) < 14 {
		return errFont
	}
	segs := int(binary.BigEndian.Uint16(t[6:])) / 2
	if len(t) < 16+8*segs {
		return errFont
	}
	ends, starts, deltas, ranges := t[14:], t[16+2*segs:], t[16+4*segs:], t[16+6*segs:]
	for s := 0; s < segs; s++ {
		end, start := int(binary.BigEndian.Uint16(ends[2*s:])), int(binary.BigEndian.Uint16(starts[2*s:]))
		delta, ro := binary.BigEndian.Uint16(deltas[2*s:]), int(binary.BigEndian.Uint16(ranges[2*s:]))
		for c := start; c <= end && c < 0xffff; c++ {
			g := uint16(c) + delta
			if ro != 0 {
				at := 16 + 6*segs + 2*s + ro + 2*(c-start)
				if at+2 > len(t) {
					return fmt.Errorf("%w: bad character map", errFont)
				}
				if g = binary.BigEndian.Uint16(t[at:]); g != 0 {
					g += delta
				}
			}
			f.set(rune(c), g)
		}
	}
	return nil
}

func (f *face) cmap12(t []byte) error {
	if len(t) < 16 {
		return errFont
	}
	n := int(binary.BigEndian.Uint32(t[12:]))
	if len(t) < 16+12*n {
		return fmt.Errorf("%w: bad character map", errFont)
	}
	for i := 0; i < n; i++ {
		g := t[16+12*i:]
		start, end, gid := binary.BigEndian.Uint32(g), binary.BigEndian.Uint32(g[4:]), binary.BigEndian.Uint32(g[8:])
		for c := start; c <= end && c <= 0x10ffff; c++ {
			f.set(rune(c), uint16(gid+c-start))
		}
	}
	return nil
}

func (f *face) set(r rune, g uint16) {
	if int(g) >= f.glyphs {
		return
	}
	if r < 0x10000 {
		f.bmp[r] = g
	} else {
		f.astral[r] = g
	}
}

// glyph is the glyph of r, 0 (.notdef) if the font has none.
func (f *face) glyph(r rune) uint16 {
	if r >= 0 && r < 0x10000 {
		return f.bmp[r]
	}
	return f.astral[r]
}

// advance is glyph g's advance width in font units.
func (f *face) advance(g uint16) int {
	i := min(int(g), f.numHM-1)
	return int(binary.BigEndian.Uint16(f.hmtx[4*i:]))
}

// lsb is glyph g's left side bearing, as stored.
func (f *face) lsb(g uint16) []byte {
	if int(g) < f.numHM {
		return f.hmtx[4*int(g)+2 : 4*int(g)+4]
	}
	at := 4*f.numHM + 2*(int(g)-f.numHM)
	return f.hmtx[at : at+2]
}

// outline is glyph g's data in the glyf table.
func (f *face) outline(g uint16) []byte {
	loca, glyf := f.loca, f.glyf
	var from, to int
	if f.longLoc {
		from, to = int(binary.BigEndian.Uint32(loca[4*int(g):])), int(binary.BigEndian.Uint32(loca[4*int(g)+4:]))
	} else {
		from, to = 2*int(binary.BigEndian.Uint16(loca[2*int(g):])), 2*int(binary.BigEndian.Uint16(loca[2*int(g)+2:]))
	}
	if from >= to || to > len(glyf) {
		return nil
	}
	return glyf[from:to:to]
}

// Composite glyph flags (TrueType glyf table).
const (
	argsAreWords = 0x0001
	haveScale    = 0x0008
	moreParts    = 0x0020
	haveXYScale  = 0x0040
	haveTwoByTwo = 0x0080
)

// components calls fn with the offset, in a composite glyph's data, of
// each component's glyph index.
func components(data []byte, fn func(at int)) {
	if len(data) < 10 || int16(binary.BigEndian.Uint16(data)) >= 0 {
		return
	}
	for at := 10; at+4 <= len(data); {
		flags := binary.BigEndian.Uint16(data[at:])
		fn(at + 2)
		at += 4
		if flags&argsAreWords != 0 {
			at += 4
		} else {
			at += 2
		}
		switch {
		case flags&haveScale != 0:
			at += 2
		case flags&haveXYScale != 0:
			at += 4
		case flags&haveTwoByTwo != 0:
			at += 8
		}
		if flags&moreParts == 0 {
			return
		}
	}
}

// subset is a TrueType font of the glyphs order names, renumbered in that
// order (order[0] is .notdef), and the glyphs their composites use after
// them: the font a document embeds, its glyph numbers its CIDs.
func (f *face) subset(order []uint16) []byte {
	index := make(map[uint16]uint16, len(order))
	for i, g := range order {
		index[g] = uint16(i)
	}
	for i := 0; i < len(order); i++ {
		data := f.outline(order[i])
		components(data, func(at int) {
			g := binary.BigEndian.Uint16(data[at:])
			if _, ok := index[g]; !ok && int(g) < f.glyphs {
				index[g] = uint16(len(order))
				order = append(order, g)
			}
		})
	}
	n := len(order)
	var glyf []byte
	loca := make([]byte, 4*(n+1))
	hmtx := make([]byte, 0, 4*n)
	for i, g := range order {
		binary.BigEndian.PutUint32(loca[4*i:], uint32(len(glyf)))
		start := len(glyf)
		glyf = append(glyf, f.outline(g)...)
		components(glyf[start:], func(at int) {
			old := binary.BigEndian.Uint16(glyf[start+at:])
			binary.BigEndian.PutUint16(glyf[start+at:], index[old])
		})
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		hmtx = binary.BigEndian.AppendUint16(hmtx, uint16(f.advance(g)))
		hmtx = append(hmtx, f.lsb(g)...)
	}
	binary.BigEndian.PutUint32(loca[4*n:], uint32(len(glyf)))
	head := patch(f.tables["head"], 50, 1)
	binary.BigEndian.PutUint32(head[8:], 0)
	tables := map[string][]byte{
		"head": head, "hhea": patch(f.tables["hhea"], 34, uint16(n)), "maxp": patch(f.tables["maxp"], 4, uint16(n)),
		"hmtx": hmtx, "loca": loca, "glyf": glyf,
	}
	for _, tag := range []string{"cvt ", "fpgm", "prep", "OS/2", "name"} {
		if t, ok := f.tables[tag]; ok {
			tables[tag] = t
		}
	}
	if post := f.tables["post"]; len(post) >= 32 {
		v3 := append([]byte(nil), post[:32]...)
		binary.BigEndian.PutUint32(v3, 0x00030000) // version 3: no glyph names
		tables["post"] = v3
	}
	return sfnt(tables)
}

// patch is a copy of t with the 16-bit value at off set to v.
func patch(t []byte, off int, v uint16) []byte {
	c := append([]byte(nil), t...)
	binary.BigEndian.PutUint16(c[off:], v)
	return c
}

// sfnt writes a TrueType file of tables, with their checksums and the
// head table's checksum adjustment.
func sfnt(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	size := 12 + 16*len(tables)
	for tag, t := range tables {
		tags = append(tags, tag)
		size += (len(t) + 3) &^ 3
	}
	sort.Strings(tags)
	out := make([]byte, 12+16*len(tags), size)
	binary.BigEndian.PutUint32(out, 0x00010000)
	n := len(tags)
	entry := 1
	for entry*2 <= n {
		entry *= 2
	}
	log2 := 0
	for 1<<(log2+1) <= entry {
		log2++
	}
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	binary.BigEndian.PutUint16(out[6:], uint16(entry*16))
	binary.BigEndian.PutUint16(out[8:], uint16(log2))
	binary.BigEndian.PutUint16(out[10:], uint16(n*16-entry*16))
	headAt := 0
	for i, tag := range tags {
		t := tables[tag]
		rec := out[12+16*i:]
		copy(rec, tag)
		binary.BigEndian.PutUint32(rec[4:], checksum(t))
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(t)))
		if tag == "head" {
			headAt = len(out)
		}
		out = append(out, t...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
