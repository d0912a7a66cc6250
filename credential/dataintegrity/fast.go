package dataintegrity

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/etranscript/etranscript/canon"
	"github.com/etranscript/etranscript/credential/ldcontext"
	"github.com/etranscript/etranscript/internal/jsonstrict"
	"github.com/etranscript/etranscript/jsonld"
	"github.com/piprate/json-gold/ld"
)

// Fast canonicalizes with package jsonld's JSON-LD to RDF (contexts
// compiled once; json-gold's for documents it does not handle) and package
// canon's RDFC-1.0, which replaces json-gold's quadratic normalization.
// Its output is byte-identical to JSONGold's (tested on every credential
// fixture, generated transcripts and under fuzzing), except that literals
// with control characters other than tab, newline and carriage return are
// escaped as RDFC-1.0 requires.
type Fast struct{}

// Canonicalize implements Canonicalizer.
//
// Its work is linear in the document up to package jsonld's limits, and
// stops when ctx ends. A document that package jsonld leaves to json-gold,
// whose cost grows with the square of the nodes and which cannot be
// stopped, is taken only up to MaxFallbackValues JSON values.
func (Fast) Canonicalize(ctx context.Context, doc map[string]any) ([]byte, error) {
	quads, err := jsonld.ToRDF(ctx, doc, ldcontext.Load)
	if err == nil {
		defer jsonld.Release(quads)
	} else if errors.Is(err, jsonld.ErrUnsupported) {
		if err = fallbackOK(ctx, doc); err == nil {
			quads, err = goldQuads(doc)
		}
	}
	if errors.Is(err, jsonld.ErrTooLarge) {
		err = fmt.Errorf("%w: %v", jsonstrict.ErrTooLarge, err)
	}
	if err != nil {
		return nil, err
	}
	res, err := canon.Canonicalize(quads, canon.Options{Context: ctx})
	if err != nil {
		return nil, err
	}
	return res.NQuads, nil
}

// MaxFallbackValues bounds the documents given to json-gold: at this size
// its JSON-LD to RDF takes about 0.2 s on the project's machine in the
// worst shape (every value a node of its own), and four times longer at
// twice the size. A transcript of 500 courses has about 3,600 values; ours
// never need json-gold.
const MaxFallbackValues = 4_000

// fallbackOK refuses json-gold a document over MaxFallbackValues, or when
// ctx has ended.
func fallbackOK(ctx context.Context, doc map[string]any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if n := countValues(doc, MaxFallbackValues+1); n > MaxFallbackValues {
		return fmt.Errorf("%w: this document uses JSON-LD features only the complete processor handles, which takes documents of at most %d values", jsonstrict.ErrTooLarge, MaxFallbackValues)
	}
	return nil
}

// countValues counts v's JSON values, stopping past limit.
func countValues(v any, limit int) int {
	n := 1
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			if n += countValues(e, limit-n); n > limit {
				return n
			}
		}
	case []any:
		for _, e := range x {
			if n += countValues(e, limit-n); n > limit {
				return n
			}
		}
	}
	return n
}

// goldQuads is json-gold's JSON-LD to RDF, for documents package jsonld
// does not handle.
func goldQuads(doc map[string]any) (quads []canon.Quad, err error) {
	defer recoverGold(&err)
	opts := ld.NewJsonLdOptions("")
	opts.Format = ""
	opts.DocumentLoader = ldcontext.Loader{}
	out, err := ld.NewJsonLdProcessor().ToRDF(doc, opts)
	if err != nil {
		var uc *ldcontext.UnknownError
		if errors.As(err, &uc) {
			return nil, uc
		}
		return nil, fmt.Errorf("canonicalize: %w", err)
	}
	ds, ok := out.(*ld.RDFDataset)
	if !ok {
		return nil, fmt.Errorf("canonicalize: unexpected dataset %T", out)
	}
	for name, list := range ds.Graphs {
		g := canon.Term{Kind: canon.DefaultGraph}
		if name != "@default" {
			g = term(ld.NewIRI(name))
			if strings.HasPrefix(name, "_:") {
				g = canon.Term{Kind: canon.Blank, Value: name[2:]}
			}
		}
		for _, q := range list {
			quads = append(quads, canon.Quad{S: term(q.Subject), P: term(q.Predicate), O: term(q.Object), G: g})
		}
	}
	return quads, nil
}

func term(n ld.Node) canon.Term {
	switch v := n.(type) {
	case ld.IRI:
		return canon.Term{Kind: canon.IRI, Value: v.Value}
	case ld.BlankNode:
		return canon.Term{Kind: canon.Blank, Value: strings.TrimPrefix(v.Attribute, "_:")}
	case ld.Literal:
		t := canon.Term{Kind: canon.Literal, Value: v.Value, Datatype: v.Datatype, Lang: v.Language}
		if t.Datatype == canon.XSDString {
			t.Datatype = ""
		}
		return t
	}
	return canon.Term{}
}
