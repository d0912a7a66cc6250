package pdf

import (
	"encoding/json"
	"fmt"
	"time"
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
	title := "Verification receipt · 核實收據"
	note := "This receipt is a verifiable credential, attached to this PDF (verification-receipt.json) and signed by the verifier site: " +
		"check it with any verifier of W3C credentials. 本收據為可驗證憑證，附於此 PDF，並經核實網站簽署。"
	f, err := body()
	if err != nil {
		return nil, err
	}
	p := newCanvas(f, margin)
	p.addPage()
	p.setFont(15)
	p.cell(0, 9, title, "", 1, "L", false)
	p.setFont(9)
	for _, row := range rows {
		p.setTextColor(90, 90, 90)
		p.cell(45, lineH+1, row[0], "", 0, "L", false)
		p.setTextColor(0, 0, 0)
		p.multiCell(0, lineH+1, row[1], "L")
	}
	p.ln(3)
	p.setFont(10)
	p.cell(0, 7, "Checks 檢查項目", "", 1, "L", false)
	p.setFont(8.5)
	for _, c := range s.Checks {
		p.cell(40, lineH, c.Check, "B", 0, "L", false)
		p.cell(25, lineH, c.Status, "B", 0, "L", false)
		p.cell(0, lineH, c.Reason, "B", 1, "L", false)
	}
	p.ln(4)
	p.setFont(8)
	p.multiCell(0, 4, note, "L")
	signed, _ := time.Parse(time.RFC3339, doc.ValidFrom)
	return writeDoc(p, info{Title: title, Author: doc.Issuer, Subject: doc.ID, Creator: "etranscript", Created: signed,
		Attachment: attachment{Name: "verification-receipt.json", MIME: "application/json", Content: rc, Description: "the signed receipt"}}), nil
}
