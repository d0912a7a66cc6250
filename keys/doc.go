// Package keys is the only package that touches private keys. It makes the
// issuer's keys, keeps them encrypted at rest with the operator's
// passphrase (scrypt, then XChaCha20-Poly1305; files mode 0600), and hands
// callers a crypto.Signer. It also publishes what verifiers need of the
// keys: the issuer profile (BlockcertsIssuerProfile, docs/credential.md §6).
package keys
