package delivery

import (
	"context"
	"errors"
	"path/filepath"

	"github.com/etranscript/etranscript/issuer"
)

// ErrGone is returned for a download link that expired or was revoked.
var ErrGone = errors.New("this download link has expired or was revoked")

// Download is what a download link gives access to.
type Download struct {
	Link     *Link
	Delivery *Delivery
	Job      *JobRecord
}

// Files are the credential's files: the JSON and, if it was made, the PDF.
func (d *Download) Files() (jsonPath, pdfPath string) {
	base := filepath.Join(d.Job.Out, issuer.FileName(d.Delivery.Credential))
	return base, base[:len(base)-len(".json")] + ".pdf"
}

// Open resolves a download token.
func (s *Service) Open(ctx context.Context, token string) (*Download, error) {
	l, err := s.Store.Link(ctx, HashToken(token))
	if err != nil {
		return nil, err
	}
	if l.Revoked != nil || !s.now().Before(l.Expires) {
		return nil, ErrGone
	}
	d, err := s.Store.Delivery(ctx, l.Delivery)
	if err != nil {
		return nil, err
	}
	j, err := s.Store.Job(ctx, d.Batch)
	if err != nil {
		return nil, err
	}
	return &Download{Link: l, Delivery: d, Job: j}, nil
}
