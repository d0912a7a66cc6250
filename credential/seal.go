package credential

import (
	"context"
	"crypto"
	"errors"

	"github.com/etranscript/etranscript/canon"
	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/jsonld"
)

// Seal is dataintegrity.SignAndHash of the credential's Doc, with the same
// results, skipping the map and its expansion when the credential is one
// Build made (directQuads).
func Seal(ctx context.Context, c dataintegrity.Canonicalizer, cr *Credential, signer crypto.Signer, id, vm, created string) (*dataintegrity.Proof, [32]byte, error) {
	if _, fast := c.(dataintegrity.Fast); fast && directOK() {
		if quads, ok := cr.directQuads(); ok {
			p, leaf, err := cr.sealDirect(ctx, quads, signer, id, vm, created)
			jsonld.Release(quads)
			if !errors.Is(err, dataintegrity.ErrSlowPath) {
				return p, leaf, err
			}
		}
	}
	doc, err := cr.Doc()
	if err != nil {
		return nil, [32]byte{}, err
	}
	return dataintegrity.SignAndHash(ctx, c, doc, signer, id, vm, created)
}

func (cr *Credential) sealDirect(ctx context.Context, quads []canon.Quad, signer crypto.Signer, id, vm, created string) (*dataintegrity.Proof, [32]byte, error) {
	lctx, err := cr.docContext()
	if err != nil {
		return nil, [32]byte{}, err
	}
	hctx, err := dataintegrity.HashContext(lctx)
	if err != nil {
		return nil, [32]byte{}, err
	}
	return dataintegrity.SealPrepared(ctx, &dataintegrity.Prepared{Quads: quads, Context: lctx, HashContext: hctx,
		ID: cr.ID, Type: anyStrings(cr.Type), TypeIRIs: typeIRIs}, signer, id, vm, created)
}
