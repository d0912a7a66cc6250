// Package status is credential status: revocation and suspension.
//
// Every credential we issue gets a slot, a random index in a status list
// of ListSize entries (W3C Bitstring Status List v1.0 §6.1, "herd
// privacy"), and two credentialStatus entries pointing at the same index of
// the list's revocation and suspension bitstrings. The lists are
// credentials themselves, signed by the issuer's Ed25519 key
// (eddsa-rdfc-2022) and published at stable URLs; the Blockcerts
// revocationList of the issuer profile is kept beside them for verifiers
// that read it (docs/credential.md §7).
//
// Store is the persistence seam: store.DB is the SQL implementation,
// MemStore the in-memory one for tests.
package status
