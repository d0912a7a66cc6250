package pdf

import (
	"math"
	"strconv"
	"unicode"
)

// k is points per millimetre: the canvas is laid out in millimetres, the
// PDF is written in points.
const k = 72 / 25.4

// cellMargin is the space between a cell's edge and its text, in mm.
const cellMargin = 1.0

// canvas lays out A4 pages in millimetres from the top left, with one font
// (the body face) at any size: cells of text, lines, filled rectangles
// and links. It is what the transcript and the receipt are drawn on, and
// it writes no PDF itself (see writeDoc).
type canvas struct {
	face   *face
	pages  []*page
	cur    *page
	x, y   float64
	margin float64
	size   float64 // font size in points
	lasth  float64
	text   [3]uint8
	fill   [3]uint8
	draw   [3]uint8
	// cids numbers the glyphs the document uses, by glyph, in the order
	// of first use: the embedded subset keeps that order. CID 0 is
	// .notdef; any other glyph whose number is 0 is not used yet.
	cids  []uint16
	order []uint16
	runes []rune // the character of each CID, for the text layer
	// footer, if set, draws each page's footer once the pages are known.
	footer func(page, pages int)
}

// page is one page's content stream and links.
type page struct {
	ops   []byte
	links []link
	// The graphics state the content stream has set, written again only
	// when it changes: fill and stroke colours (black at the start) and
	// the font size (none yet).
	fill, stroke [3]uint8
	size         float64
}

type link struct {
	rect [4]float64 // in points, PDF coordinates
	url  string
}

func newCanvas(f *face, margin float64) *canvas {
	return &canvas{face: f, margin: margin, size: 10, cids: make([]uint16, f.glyphs), order: []uint16{0}, runes: []rune{0}}
}

func (c *canvas) addPage() {
	c.cur = &page{ops: append(make([]byte, 0, 8<<10), "0.57 w\n"...)}
	c.pages = append(c.pages, c.cur)
	c.x, c.y = c.margin, c.margin
}

func (c *canvas) setFont(size float64)             { c.size = size }
func (c *canvas) setTextColor(r, g, b uint8)       { c.text = [3]uint8{r, g, b} }
func (c *canvas) setFillColor(r, g, b uint8)       { c.fill = [3]uint8{r, g, b} }
func (c *canvas) setDrawColor(r, g, b uint8)       { c.draw = [3]uint8{r, g, b} }
func (c *canvas) setX(x float64)                   { c.x = x }
func (c *canvas) setY(y float64)                   { c.x, c.y = c.margin, y }
func (c *canvas) setXY(x, y float64)               { c.x, c.y = x, y }
func (c *canvas) getX() float64                    { return c.x }
func (c *canvas) getY() float64                    { return c.y }
func (c *canvas) fontMM() float64                  { return c.size / k }
func (c *canvas) width() float64                   { return pageW - c.margin }
func (c *canvas) num(v float64)                    { c.cur.ops = appendFixed(c.cur.ops, v, 100) }
func (c *canvas) op(s string)                      { c.cur.ops = append(c.cur.ops, s...) }
func (c *canvas) pt(x, y float64) (px, py float64) { return x * k, (pageH - y) * k }

// appendFixed appends v rounded to 1/scale (a power of ten), without
// trailing zeros: PDF numbers, written often enough that strconv's
// general formatting showed in profiles.
func appendFixed(b []byte, v float64, scale int64) []byte {
	n := int64(math.Round(v * float64(scale)))
	if n < 0 {
		b, n = append(b, '-'), -n
	}
	b = strconv.AppendInt(b, n/scale, 10)
	frac := n % scale
	if frac == 0 {
		return b
	}
	b = append(b, '.')
	for scale /= 10; frac != 0; scale /= 10 {
		b = append(b, byte('0'+frac/scale))
		frac %= scale
	}
	return b
}

// ln moves to the start of a line h below (the last cell's height if h
// is negative).
func (c *canvas) ln(h float64) {
	if h < 0 {
		h = c.lasth
	}
	c.x, c.y = c.margin, c.y+h
}

// color sets the fill ("rg") or stroke ("RG") colour, if it changes.
func (c *canvas) color(rgb [3]uint8, op string) {
	cur := &c.cur.fill
	if op == "RG" {
		cur = &c.cur.stroke
	}
	if *cur == rgb {
		return
	}
	*cur = rgb
	for _, v := range rgb {
		c.cur.ops = appendFixed(c.cur.ops, float64(v)/255, 1000)
		c.op(" ")
	}
	c.op(op + "\n")
}

// stringWidth is the width of s at the current size, in mm.
func (c *canvas) stringWidth(s string) float64 {
	w := 0
	for _, r := range s {
		w += c.face.advance(c.face.glyph(r))
	}
	return float64(w) / c.face.upem * c.fontMM()
}

// cell draws a cell w wide (to the right margin if 0) and h high at the
// current position: its text aligned "L", "R" or "C", border "T" and/or
// "B" lines, filled if fill. Then it moves right (ln 0), to the start of
// the next line (1) or below (2).
func (c *canvas) cell(w, h float64, txt, border string, ln int, align string, fill bool) {
	if w == 0 {
		w = c.width() - c.x
	}
	if fill {
		c.color(c.fill, "rg")
		c.rectOp(c.x, c.y, w, h)
		c.op("f\n")
	}
	for _, side := range border {
		y := c.y
		if side == 'B' {
			y += h
		}
		c.line(c.x, y, c.x+w, y)
	}
	if txt != "" {
		dx := cellMargin
		switch align {
		case "R":
			dx = w - cellMargin - c.stringWidth(txt)
		case "C":
			dx = (w - c.stringWidth(txt)) / 2
		}
		c.show(c.x+dx, c.y+0.5*h+0.3*c.fontMM(), txt)
	}
	c.lasth = h
	switch ln {
	case 0:
		c.x += w
	case 1:
		c.x, c.y = c.margin, c.y+h
	default:
		c.y += h
	}
}

// show writes txt with its baseline starting at x, y.
func (c *canvas) show(x, y float64, txt string) {
	px, py := c.pt(x, y)
	c.color(c.text, "rg")
	if c.cur.size != c.size {
		c.cur.size = c.size
		c.op("/F1 ")
		c.num(c.size)
		c.op(" Tf\n")
	}
	c.op("BT ")
	c.num(px)
	c.op(" ")
	c.num(py)
	c.op(" Td <")
	for _, r := range txt {
		g := c.face.glyph(r)
		cid := c.cids[g]
		if cid == 0 && g != 0 {
			cid = uint16(len(c.order))
			c.cids[g] = cid
			c.order = append(c.order, g)
			c.runes = append(c.runes, r)
		}
		c.cur.ops = append(c.cur.ops, hex[cid>>12], hex[cid>>8&15], hex[cid>>4&15], hex[cid&15])
	}
	c.op("> Tj ET\n")
}

const hex = "0123456789ABCDEF"

func (c *canvas) rectOp(x, y, w, h float64) {
	px, py := c.pt(x, y)
	c.num(px)
	c.op(" ")
	c.num(py)
	c.op(" ")
	c.num(w * k)
	c.op(" ")
	c.num(-h * k)
	c.op(" re ")
}

// line strokes a line in the draw colour.
func (c *canvas) line(x1, y1, x2, y2 float64) {
	c.color(c.draw, "RG")
	for i, p := range [2][2]float64{{x1, y1}, {x2, y2}} {
		px, py := c.pt(p[0], p[1])
		c.num(px)
		c.op(" ")
		c.num(py)
		c.op([]string{" m ", " l S\n"}[i])
	}
}

// fillRects fills rectangles ({x, y, w, h} in mm) in the fill colour.
func (c *canvas) fillRects(rs [][4]float64) {
	c.color(c.fill, "rg")
	for _, r := range rs {
		c.rectOp(r[0], r[1], r[2], r[3])
	}
	c.op("f\n")
}

// link makes the area at x, y, w by h (mm) a link to url.
func (c *canvas) link(x, y, w, h float64, url string) {
	x1, y1 := c.pt(x, y+h)
	x2, y2 := c.pt(x+w, y)
	c.cur.links = append(c.cur.links, link{[4]float64{x1, y1, x2, y2}, url})
}

// multiCell draws txt wrapped to w (to the right margin if 0), a line of
// h each, then returns to the left margin.
func (c *canvas) multiCell(w, h float64, txt, align string) {
	if w == 0 {
		w = c.width() - c.x
	}
	x := c.x
	for _, l := range c.splitText(txt, w) {
		c.x = x
		c.cell(w, h, l, "", 2, align, false)
	}
	c.x = c.margin
}

// splitText breaks txt into lines that fit a cell w wide at the current
// size: after a space or beside a CJK character where it can; a word
// longer than a line after a hyphen or a slash, else anywhere. No
// character is lost.
func (c *canvas) splitText(txt string, w float64) []string {
	limit := (w - 2*cellMargin) / c.fontMM() * c.face.upem
	rs := []rune(txt)
	var lines []string
	start, brk, soft, width := 0, -1, -1, 0.0
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '\n' {
			lines = append(lines, string(rs[start:i]))
			start, brk, soft, width = i+1, -1, -1, 0
			continue
		}
		if i > start && (cjk(r) || cjk(rs[i-1])) {
			brk = i // a break before r
		}
		width += float64(c.face.advance(c.face.glyph(r)))
		if unicode.IsSpace(r) {
			brk = i + 1 // a break after the space
			continue
		}
		if width > limit && i > start {
			end := i
			switch {
			case brk > start:
				end = brk
			case soft > start:
				end = soft
			}
			lines = append(lines, trimSpace(rs[start:end]))
			start, brk, soft = end, -1, -1
			i, width = start-1, 0
			continue
		}
		if r == '-' || r == '/' {
			soft = i + 1
		}
	}
	if start < len(rs) || len(lines) == 0 {
		lines = append(lines, string(rs[start:]))
	}
	return lines
}

func trimSpace(rs []rune) string {
	for len(rs) > 0 && unicode.IsSpace(rs[len(rs)-1]) {
		rs = rs[:len(rs)-1]
	}
	return string(rs)
}

// cjk reports whether a line may break on either side of r.
func cjk(r rune) bool {
	return r >= 0x2E80 && (r <= 0x9FFF || (r >= 0xF900 && r <= 0xFAFF) || (r >= 0xFF00 && r <= 0xFFEF) || r >= 0x20000)
}
