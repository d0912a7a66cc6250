// Package canon is RDF Dataset Canonicalization (RDFC-1.0, the W3C
// Recommendation that URDNA2015 became): a dataset of quads in, canonical
// N-Quads out, with the issued identifiers map. Blank nodes whose
// first-degree hashes are unique (every credential we issue) take the fast
// path; the others go through Hash N-Degree Quads, whose work is bounded so
// that a hostile "poison" graph ends in ErrTooComplex instead of burning a
// core.
package canon
