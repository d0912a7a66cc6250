package dataintegrity

import (
	"context"
	"errors"
	"fmt"

	"github.com/etranscript/etranscript/credential/ldcontext"
	"github.com/etranscript/etranscript/jsonld"
)

// ErrDataLoss is Lossless's error for a document of which JSON-LD would
// drop a value: a term or a type no context defines. A proof would not
// cover it (VC Data Integrity 1.0 §4.2, DATA_LOSS_DETECTION_ERROR).
var ErrDataLoss = errors.New("a term or a type no context defines (JSON-LD would drop it)")

// Lossless checks that every term and type of doc (its proofs aside) is
// defined by its contexts. Package jsonld looks first; a document using
// features it leaves to the complete processor is converted by json-gold
// with the fallback vocabulary (TargetHash), which names the undefined
// terms. Other errors are the document's processing errors.
func Lossless(ctx context.Context, doc map[string]any) error {
	in := doc
	if _, ok := doc["proof"]; ok {
		in = make(map[string]any, len(doc))
		for k, v := range doc {
			if k != "proof" {
				in[k] = v
			}
		}
	}
	quads, err := jsonld.ToRDFStrict(ctx, in, ldcontext.Load)
	switch {
	case err == nil:
		jsonld.Release(quads)
		return nil
	case errors.Is(err, jsonld.ErrDropped):
		return fmt.Errorf("%w: %v", ErrDataLoss, err)
	case !errors.Is(err, jsonld.ErrUnsupported):
		return err
	}
	_, err = TargetHash(ctx, Fast{}, in, 0)
	var um *UnmappedError
	if errors.As(err, &um) {
		return fmt.Errorf("%w: %v", ErrDataLoss, err)
	}
	return err
}
