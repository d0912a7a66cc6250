package pdf

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// sfntTables reads a TrueType file's table directory, checking each
// table's checksum.
func sfntTables(t *testing.T, file []byte) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	n := int(binary.BigEndian.Uint16(file[4:]))
	for i := 0; i < n; i++ {
		rec := file[12+16*i:]
		tag := string(rec[:4])
		off, ln := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		tb := file[off : off+ln]
		want := binary.BigEndian.Uint32(rec[4:])
		if tag == "head" {
			tb = append([]byte(nil), tb...)
			binary.BigEndian.PutUint32(tb[8:], 0)
		}
		if got := checksum(tb); got != want {
			t.Errorf("table %q: checksum %08x, directory says %08x", tag, got, want)
		}
		out[tag] = file[off : off+ln]
	}
	return out
}

// TestSubset: the embedded font holds the glyphs asked for in that order,
// their outlines and metrics as in the whole font, then the components of
// its composite glyphs, renumbered; its checksums hold.
func TestSubset(t *testing.T) {
	f, err := body()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		runes string
	}{
		{"ok/latin", "Transcript 2026 é"},
		{"ok/cjk-composites", "梁詠詩正式成績單"},
		{"ok/notdef-only", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			order := []uint16{0}
			seen := map[uint16]bool{0: true}
			for _, r := range tc.runes {
				if g := f.glyph(r); !seen[g] {
					seen[g] = true
					order = append(order, g)
				}
			}
			asked := len(order)
			sub := f.subset(append([]uint16(nil), order...))
			if sum := checksum(sub); sum != 0xB1B0AFBA {
				t.Errorf("file checksum %08x, want B1B0AFBA", sum)
			}
			tb := sfntTables(t, sub)
			n := int(binary.BigEndian.Uint16(tb["maxp"][4:]))
			if n < asked {
				t.Fatalf("%d glyphs, want at least %d", n, asked)
			}
			if hm := int(binary.BigEndian.Uint16(tb["hhea"][34:])); hm != n || len(tb["hmtx"]) != 4*n {
				t.Errorf("hhea has %d metrics, hmtx %d bytes, for %d glyphs", hm, len(tb["hmtx"]), n)
			}
			loca, glyf := tb["loca"], tb["glyf"]
			for i := 0; i < asked; i++ {
				from, to := binary.BigEndian.Uint32(loca[4*i:]), binary.BigEndian.Uint32(loca[4*i+4:])
				want := f.outline(order[i])
				got := glyf[from:to]
				if len(want) >= 2 && int16(binary.BigEndian.Uint16(want)) >= 0 && !bytes.Equal(bytes.TrimRight(got, "\x00"), bytes.TrimRight(want, "\x00")) {
					t.Errorf("glyph %d (was %d): outline differs", i, order[i])
				}
				if adv := binary.BigEndian.Uint16(tb["hmtx"][4*i:]); int(adv) != f.advance(order[i]) {
					t.Errorf("glyph %d: advance %d, want %d", i, adv, f.advance(order[i]))
				}
				components(got, func(at int) {
					if c := int(binary.BigEndian.Uint16(got[at:])); c >= n {
						t.Errorf("glyph %d: component %d out of the subset's %d glyphs", i, c, n)
					}
				})
			}
		})
	}
}

// TestComposite: a composite glyph's components follow the glyphs asked
// for, and its component numbers are rewritten to theirs.
func TestComposite(t *testing.T) {
	f, err := body()
	if err != nil {
		t.Fatal(err)
	}
	var comp uint16
	for g := 1; g < f.glyphs && comp == 0; g++ {
		if o := f.outline(uint16(g)); len(o) > 10 && int16(binary.BigEndian.Uint16(o)) < 0 {
			comp = uint16(g)
		}
	}
	if comp == 0 {
		t.Skip("the font has no composite glyph")
	}
	var parts []uint16
	components(f.outline(comp), func(at int) { parts = append(parts, binary.BigEndian.Uint16(f.outline(comp)[at:])) })
	sub := f.subset([]uint16{0, comp})
	tb := sfntTables(t, sub)
	if n := int(binary.BigEndian.Uint16(tb["maxp"][4:])); n < 2+1 {
		t.Fatalf("%d glyphs: the components of glyph %d were not added", n, comp)
	}
	loca := tb["loca"]
	got := tb["glyf"][binary.BigEndian.Uint32(loca[4:]):binary.BigEndian.Uint32(loca[8:])]
	i := 0
	components(got, func(at int) {
		if c := binary.BigEndian.Uint16(got[at:]); c < 2 {
			t.Errorf("component %d (was %d) renumbered to %d, not after the glyphs asked for", i, parts[i], c)
		}
		i++
	})
	if i != len(parts) {
		t.Errorf("%d components, want %d", i, len(parts))
	}
}
