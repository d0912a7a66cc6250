// Package jsonld turns a JSON-LD document into RDF quads (JSON-LD 1.1
// Processing Algorithms: context processing, expansion and "Deserialize
// JSON-LD to RDF", fused into one walk) for the part of JSON-LD that
// credentials use: protected terms, property- and type-scoped contexts,
// @graph containers (Data Integrity proofs), type coercion. Contexts are
// compiled once and cached, keyed by URL or content. Anything outside that
// part (@list, @json, @language, @reverse, @base, relative IRIs, ...)
// returns ErrUnsupported, so that the caller can fall back to a complete
// processor; what this package does produce must be what json-gold
// produces, which the tests check.
package jsonld
