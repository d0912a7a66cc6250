package pdf

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/pdf/pdfcheck"
	"github.com/etranscript/etranscript/transcript"
	qrcode "github.com/skip2/go-qrcode"
)

// Options are what a transcript PDF needs besides its credential.
type Options struct {
	Institution string // the issuer's name, at the top of every page
	// VerifyURL is the credential's public verification page, in the QR
	// code and printed under it.
	VerifyURL string
	Scheme    *transcript.Scheme // for the grading key
}

// Renderer renders transcripts and receipts. It is safe for concurrent
// use; the font is read once per process, on first use.
type Renderer struct{}

// NewRenderer returns a Renderer, and starts reading the font (about
// 70 ms, once per process) while the caller does other work.
func NewRenderer() *Renderer {
	go body()
	return &Renderer{}
}

// AttachmentName is the attached credential's file name.
const AttachmentName = pdfcheck.AttachmentName

// Page geometry, in millimetres (A4).
const (
	pageW, pageH = 210.0, 297.0
	margin       = 15.0
	bottom       = pageH - 18 // content stops here; the footer is below
	lineH        = 5.0
)

// Table columns: code, title, credits, grade, grade points.
var cols = [5]float64{24, 96, 20, 18, 22}

// Render draws the transcript of cred, a credential we issued (JSON, with
// its proofs), and attaches cred itself. Every value is drawn as text.
func (r *Renderer) Render(cred []byte, o Options) ([]byte, error) {
	c, err := parse(cred)
	if err != nil {
		return nil, err
	}
	return r.render(c, cred, o)
}

// parse reads a transcript credential.
func parse(cred []byte) (*credential.Credential, error) {
	var c credential.Credential
	if err := json.Unmarshal(cred, &c); err != nil {
		return nil, fmt.Errorf("credential: %w", err)
	}
	if c.ID == "" || c.CredentialSubject.StudentID == "" {
		return nil, errors.New("credential: not a transcript credential (no id or student id)")
	}
	return &c, nil
}

func (r *Renderer) render(c *credential.Credential, cred []byte, o Options) ([]byte, error) {
	s := &c.CredentialSubject
	f, err := body()
	if err != nil {
		return nil, err
	}
	p := newCanvas(f, margin)
	p.footer = func(page, pages int) {
		p.setY(pageH - 12)
		p.setFont(7)
		p.setTextColor(90, 90, 90)
		p.cell(120, 4, o.Institution+" · "+c.ID, "", 0, "L", false)
		p.cell(0, 4, fmt.Sprintf("Page %d of %d · 第 %d 頁，共 %d 頁", page, pages, page, pages), "", 0, "R", false)
		p.setTextColor(0, 0, 0)
	}
	d := &doc{p: p, c: c, o: o}
	d.firstPage()
	for ti := range s.Terms {
		d.term(&s.Terms[ti])
	}
	d.summary()
	d.gradingKey()
	d.closing()
	issued, _ := time.Parse(time.RFC3339, c.ValidFrom)
	return writeDoc(p, info{
		Title: "Academic transcript: " + s.Name, Author: o.Institution, Subject: c.ID, Creator: "etranscript", Created: issued,
		Attachment: attachment{Name: AttachmentName, MIME: "application/json", Content: cred,
			Description: "The Blockcerts verifiable credential this transcript shows"},
	}), nil
}

type doc struct {
	p *canvas
	c *credential.Credential
	o Options
}

func (d *doc) font(size float64) { d.p.setFont(size) }

// room starts a new page unless h millimetres fit on this one; it reports
// whether it did.
func (d *doc) room(h float64) bool {
	if d.p.getY()+h <= bottom {
		return false
	}
	d.p.addPage()
	d.continuationHeader()
	return true
}

func (d *doc) firstPage() {
	p, s := d.p, &d.c.CredentialSubject
	p.addPage()
	// QR code to the verification page, top right, with its URL.
	const qr = 30.0
	if d.o.VerifyURL != "" {
		d.qrCode(d.o.VerifyURL, pageW-margin-qr, margin-2, qr)
	}
	p.setXY(margin, margin)
	d.font(15)
	p.multiCell(pageW-2*margin-qr-4, 7, d.o.Institution, "L")
	d.font(11)
	p.cell(0, 6, "Official Academic Transcript · 正式成績單", "", 1, "L", false)
	if d.o.VerifyURL != "" {
		d.font(6.5)
		p.setXY(pageW-margin-qr-14, margin+qr-1)
		p.multiCell(qr+14, 3, "Verify: "+d.o.VerifyURL, "C")
	}
	// Below the QR code and its URL, however many lines that takes.
	p.setY(max(margin+qr+8, p.getY()+2))
	d.rule()
	name := s.Name
	if s.NameLocal != "" {
		name += "   " + s.NameLocal
	}
	d.field("Name 姓名", name)
	d.field("Student ID 學號", s.StudentID)
	prog := s.Program.Name
	if s.Program.Code != "" {
		prog += " (" + s.Program.Code + ")"
	}
	if s.Program.Level != "" {
		prog += ", " + s.Program.Level
	}
	d.field("Programme 課程", prog)
	if s.Program.Admitted != "" {
		d.field("Admitted 入學日期", s.Program.Admitted)
	}
	d.rule()
}

// qrCode draws the QR code of url, its quiet zone included, as a square of
// size at x, y, linked to url: drawn as filled runs of modules, not an
// image, so it is sharp at any zoom and costs no image encoding.
func (d *doc) qrCode(url string, x, y, size float64) {
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return // too long for a QR code: the URL is printed below it
	}
	bm := q.Bitmap()
	m := size / float64(len(bm))
	var runs [][4]float64
	for r, row := range bm {
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < len(row) && row[c] {
				c++
			}
			runs = append(runs, [4]float64{x + float64(start)*m, y + float64(r)*m, float64(c-start) * m, m})
		}
	}
	d.p.setFillColor(0, 0, 0)
	d.p.fillRects(runs)
	d.p.link(x, y, size, size, url)
}

func (d *doc) continuationHeader() {
	p, s := d.p, &d.c.CredentialSubject
	p.setXY(margin, margin)
	d.font(8)
	p.setTextColor(90, 90, 90)
	p.cell(0, 4, d.o.Institution+" · Academic Transcript of "+s.Name+" ("+s.StudentID+"), continued", "", 1, "L", false)
	p.setTextColor(0, 0, 0)
	p.ln(2)
}

// field draws "label   value", the value wrapped.
func (d *doc) field(label, value string) {
	p := d.p
	d.font(9)
	lines := p.splitText(value, pageW-2*margin-38)
	d.room(float64(len(lines)) * lineH)
	p.setTextColor(90, 90, 90)
	p.cell(38, lineH, label, "", 0, "L", false)
	p.setTextColor(0, 0, 0)
	for i, l := range lines {
		if i > 0 {
			p.setX(margin + 38)
		}
		p.cell(0, lineH, l, "", 1, "L", false)
	}
}

func (d *doc) rule() {
	p := d.p
	p.setDrawColor(160, 160, 160)
	y := p.getY() + 1.5
	p.line(margin, y, pageW-margin, y)
	p.setY(y + 2.5)
}

func scaleName(s string) string {
	switch s {
	case "4", "4-point":
		return "4-point scale"
	case "12", "12-point":
		return "12-point scale"
	}
	if s == "" {
		return ""
	}
	return s + " scale"
}

// term draws one term: its heading, the course table (its header again
// on every page it continues on), the term's credits and TGA.
func (d *doc) term(t *credential.Term) {
	p := d.p
	heading := func(cont bool) {
		d.font(10)
		h := t.Term
		if sc := scaleName(t.Scale); sc != "" {
			h += "  (" + sc + ")"
		}
		if cont {
			h += "  continued"
		}
		p.cell(0, 6, h, "", 1, "L", false)
		d.font(8)
		p.setFillColor(235, 235, 235)
		// English, and Chinese below it.
		for row, hdrs := range [][]string{{"Code", "Course title", "Credits", "Grade", "Grade points"}, {"科目編號", "科目名稱", "學分", "成績", "績點"}} {
			border := ""
			if row == 1 {
				border = "B"
			}
			for i, hdr := range hdrs {
				align := "L"
				if i >= 2 {
					align = "R"
				}
				p.cell(cols[i], lineH, hdr, border, 0, align, true)
			}
			p.ln(-1)
		}
	}
	// Keep the heading with at least one course.
	if d.room(6 + 3*lineH + 4) {
		p.ln(1)
	} else {
		p.ln(3)
	}
	heading(false)
	d.font(8.5)
	for _, co := range t.Courses {
		lines := p.splitText(co.Title, cols[1]-2)
		if len(lines) == 0 {
			lines = []string{""}
		}
		h := float64(len(lines)) * 4.2
		if d.room(h + 1) {
			heading(true)
			d.font(8.5)
		}
		x, y := p.getX(), p.getY()
		p.cell(cols[0], 4.2, co.Code, "", 0, "L", false)
		for i, l := range lines {
			p.setXY(x+cols[0], y+float64(i)*4.2)
			p.cell(cols[1], 4.2, l, "", 0, "L", false)
		}
		p.setXY(x+cols[0]+cols[1], y)
		p.cell(cols[2], 4.2, co.Credits, "", 0, "R", false)
		p.cell(cols[3], 4.2, co.Grade, "", 0, "R", false)
		p.cell(cols[4], 4.2, transcript.FormatPoints(co.GradePoints), "", 0, "R", false)
		p.setXY(x, y+h)
	}
	d.room(lineH)
	d.font(8.5)
	line := "Term credits 學期學分 " + t.TermCredits
	if t.TGA != "" {
		line += "      Term grade average (TGA) 學期平均績點 " + t.TGA
	}
	p.cell(0, lineH, line, "T", 1, "R", false)
}

func (d *doc) summary() {
	p, s := d.p, &d.c.CredentialSubject
	if d.room(40) {
		p.ln(1)
	} else {
		p.ln(4)
	}
	d.rule()
	cga := s.CGA
	if cga == "" {
		cga = "none (no graded credits)"
	} else if sc := scaleName(s.Scale); sc != "" {
		cga += " (" + sc + ")"
	}
	d.field("CGA 累積平均績點", cga)
	d.field("Credits earned 已修學分", s.CreditsEarned)
	d.field("In the CGA 計入平均", s.CreditsInAverage+" credits")
	if a := s.Award; a != nil {
		award := a.Degree
		if a.Major != "" {
			award += ", major in " + a.Major
		}
		if a.Classification != "" {
			award += ", " + a.Classification
		}
		d.field("Award 學位", award)
		if a.Conferred != "" {
			d.field("Conferred 頒授日期", a.Conferred)
		}
	}
	d.rule()
}

// gradingKey explains the grades: their points on each scale, and which
// grades count in averages.
func (d *doc) gradingKey() {
	sc := d.o.Scheme
	if sc == nil {
		return
	}
	var four, twelve, out []string
	for _, g := range sc.Grades {
		switch {
		case g.Points != nil:
			four = append(four, fmt.Sprintf("%s %s", g.Grade, trim(*g.Points)))
			if g.Points12 != nil {
				twelve = append(twelve, fmt.Sprintf("%s %s", g.Grade, trim(*g.Points12)))
			}
		default:
			m := g.Grade
			if g.Meaning != "" {
				m += " (" + g.Meaning + ")"
			}
			out = append(out, m)
		}
	}
	text := "Grading key (" + sc.Name + "). Grade points on the 4-point scale: " + strings.Join(four, ", ") + "."
	if len(twelve) > 0 && sc.FourPointFrom != "" {
		text += " Terms before " + sc.FourPointFrom + " are on the 12-point scale: " + strings.Join(twelve, ", ") +
			"; a CGA over both scales uses each letter's 4-point value."
	}
	text += " Not counted in grade averages: " + strings.Join(out, "; ") + "."
	text += " TGA and CGA are credit-weighted averages, shown to 3 decimals (truncated)."
	d.paragraph(text, 7)
}

func trim(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

func (d *doc) paragraph(text string, size float64) {
	p := d.p
	d.font(size)
	lines := p.splitText(text, pageW-2*margin)
	h := size * 0.45
	for _, l := range lines {
		d.room(h)
		p.cell(0, h, l, "", 1, "L", false)
	}
	p.ln(2)
}

func (d *doc) closing() {
	text := "Credential " + d.c.ID + ", issued " + d.c.ValidFrom + " by " + d.o.Institution +
		". This PDF carries the credential (" + AttachmentName + ") and is digitally signed by the registry. " +
		"The credential is anchored on a blockchain and signed by the issuer; anyone can check it"
	if d.o.VerifyURL != "" {
		text += " at " + d.o.VerifyURL
	}
	d.paragraph(text+".", 7.5)
}
