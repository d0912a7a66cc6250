package keys

import (
	"fmt"
	"net/url"
	"strings"
)

// JWKS is a JSON Web Key Set (RFC 7517 §5) of the ring's public keys, each
// with its verification method id as "kid".
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// JWKS returns the key set of every key the profile lists.
func (r *Ring) JWKS(profileURL string) (*JWKS, error) {
	set := &JWKS{Keys: []JWK{}}
	for _, k := range r.Keys {
		var j JWK
		var err error
		switch k.Type {
		case Ed25519:
			j, err = Ed25519JWK(k.Public)
		case Secp256k1:
			j, err = Secp256k1JWK(k.Public)
		case PDFSigning:
			j, err = PublicJWK(k.Public)
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", k.ID, err)
		}
		j.Kid = profileURL + "#" + k.ID
		set.Keys = append(set.Keys, j)
	}
	return set, nil
}

// DIDWeb is the did:web identifier of a site's base URL (did:web method
// specification §3.2: the host, a percent-encoded port, path segments
// joined by ":").
func DIDWeb(base string) (string, error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("base URL %q: not a URL with a host", base)
	}
	id := "did:web:" + strings.ReplaceAll(u.Host, ":", "%3A")
	for _, seg := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		if seg != "" {
			id += ":" + seg
		}
	}
	return id, nil
}

// DIDDocument is a DID document (DID Core 1.0 §5) for the same keys.
type DIDDocument struct {
	Context            []string             `json:"@context"`
	ID                 string               `json:"id"`
	VerificationMethod []VerificationMethod `json:"verificationMethod"`
	AssertionMethod    []string             `json:"assertionMethod"`
}

// DIDDocument returns the did:web document of the issuer whose site is at
// base; it lists the same keys as the profile, under the DID.
func (r *Ring) DIDDocument(in Issuer, base string) (*DIDDocument, error) {
	did, err := DIDWeb(base)
	if err != nil {
		return nil, err
	}
	p := r.Profile(Issuer{ProfileURL: did, Name: in.Name})
	doc := &DIDDocument{
		Context: []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1", "https://w3id.org/security/suites/secp256k1-2019/v1"},
		ID:      did, VerificationMethod: p.VerificationMethod, AssertionMethod: p.AssertionMethod,
	}
	return doc, nil
}
