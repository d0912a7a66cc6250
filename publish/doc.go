// Package publish is the issuer's public documents at their stable URLs
// under the configured base URL: the issuer profile, the JWKS and did:web
// documents of the same keys, the signed status lists and the Blockcerts
// revocation list. The web server serves them; the command-line verifier
// and the public verifier read this instance's own documents through
// Fetcher instead of over the network.
package publish
