package pdf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/go-pdf/fpdf"
)

// ReceiptPDF prints a signed verification receipt (package receipt) on A4,
// in English and Traditional Chinese, and attaches the receipt itself
// (verification-receipt.json): the PDF is for a file, the attached receipt
// is what proves.
func (r *Renderer) ReceiptPDF(rc []byte) ([]byte, error) {
	var doc struct {
		ID, Issuer, ValidFrom string
		Subject               struct {
			VerifiedDocument, DocumentIssuer, DocumentSha256, VerifiedAt, VerifiedBy, Verdict string
			Checks                                                                            []struct{ Check, Status, Reason string }
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(rc, &doc); err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	s := doc.Subject
	rows := [][2]string{
		{"Verdict 結果", s.Verdict}, {"Document 文件", s.VerifiedDocument}, {"Its issuer 其簽發機構", s.DocumentIssuer},
		{"SHA-256", s.DocumentSha256}, {"Verified at 核實時間", s.VerifiedAt}, {"Verified by 核實者", s.VerifiedBy},
		{"Receipt 收據", doc.ID}, {"Signed as 簽署身分", doc.Issuer},
	}
	var texts []string
	for _, row := range rows {
		texts = append(texts, row[0], row[1])
	}
	for _, c := range s.Checks {
		texts = append(texts, c.Check, c.Status, c.Reason)
	}
	title := "Verification receipt · 核實收據"
	note := "This receipt is a verifiable credential, attached to this PDF (verification-receipt.json) and signed by the verifier site: " +
		"check it with any verifier of W3C credentials. 本收據為可驗證憑證，附於此 PDF，並經核實網站簽署。"
	font, err := r.fonts.cover(append(texts, title, note)...)
	if err != nil {
		return nil, fmt.Errorf("font: %w", err)
	}
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(true)
	p.SetMargins(margin, margin, margin)
	p.AddUTF8FontFromBytes("body", "", font)
	p.SetTitle(title, true)
	p.SetCreator("etranscript", true)
	p.AddPage()
	p.SetFont("body", "", 15)
	p.CellFormat(0, 9, title, "", 1, "L", false, 0, "")
	p.SetFont("body", "", 9)
	for _, row := range rows {
		p.SetTextColor(90, 90, 90)
		p.CellFormat(45, lineH+1, row[0], "", 0, "L", false, 0, "")
		p.SetTextColor(0, 0, 0)
		p.MultiCell(0, lineH+1, row[1], "", "L", false)
	}
	p.Ln(3)
	p.SetFont("body", "", 10)
	p.CellFormat(0, 7, "Checks 檢查項目", "", 1, "L", false, 0, "")
	p.SetFont("body", "", 8.5)
	for _, c := range s.Checks {
		p.CellFormat(40, lineH, c.Check, "B", 0, "L", false, 0, "")
		p.CellFormat(25, lineH, c.Status, "B", 0, "L", false, 0, "")
		p.CellFormat(0, lineH, c.Reason, "B", 1, "L", false, 0, "")
	}
	p.Ln(4)
	p.SetFont("body", "", 8)
	p.MultiCell(0, 4, note, "", "L", false)
	p.SetAttachments([]fpdf.Attachment{{Content: rc, Filename: "verification-receipt.json", Description: "the signed receipt"}})
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(b.String(), "%PDF-") {
		return nil, fmt.Errorf("receipt: not a PDF")
	}
	return b.Bytes(), nil
}
