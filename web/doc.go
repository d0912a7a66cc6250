// Package web is the HTTP face of etranscript, on echo: the issuer's
// published documents (profile, JWKS, did:web document, status lists,
// revocation list) with caching headers, and, as they arrive, the public
// verifier, the issuer API and the download pages. It holds no logic of
// its own: it maps requests to the packages that do the work.
package web
