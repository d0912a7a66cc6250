package keys

import (
	"crypto/ed25519"
	_ "embed"
	"encoding/json"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// Ed25519JWK is the OKP JWK of an Ed25519 public key (RFC 8037), made with
// jwx.
func Ed25519JWK(pub []byte) (JWK, error) { return jwkOf(ed25519.PublicKey(pub)) }

// jwkOf is the JWK of a public key, made with jwx.
func jwkOf(pub any) (JWK, error) {
	k, err := jwk.FromRaw(pub)
	if err != nil {
		return JWK{}, err
	}
	b, err := json.Marshal(k)
	if err != nil {
		return JWK{}, err
	}
	var out JWK
	return out, json.Unmarshal(b, &out)
}

//go:embed profile-context.json
var profileContextJSON []byte

// ProfileContext is the profile's inline context: the controller-document
// terms (assertionMethod, verificationMethod, Multikey) that the published
// contexts it lists leave undefined, and our key dates (created, retired),
// so that a JSON-LD processor in safe mode (jsonld-signatures frames the
// controller document) reads every term.
var ProfileContext = json.RawMessage(profileContextJSON)

// Issuer is what the profile says about the issuing institution.
type Issuer struct {
	ProfileURL     string // the profile's id, the credentials' issuer
	Name           string
	URL            string // the institution's site
	Email          string
	RevocationList string
}

// Profile is a BlockcertsIssuerProfile (docs/credential.md §6).
type Profile struct {
	Context            []any                `json:"@context"`
	Type               []string             `json:"type"`
	ID                 string               `json:"id"`
	Name               string               `json:"name"`
	URL                string               `json:"url,omitempty"`
	Email              string               `json:"email,omitempty"`
	PublicKey          []PublicKeyEntry     `json:"publicKey"`
	VerificationMethod []VerificationMethod `json:"verificationMethod,omitempty"`
	AssertionMethod    []string             `json:"assertionMethod,omitempty"`
	RevocationList     string               `json:"revocationList,omitempty"`
}

// PublicKeyEntry is a Blockcerts publicKey entry (an anchoring address).
type PublicKeyEntry struct {
	ID      string `json:"id"`
	Created string `json:"created"`
	Expires string `json:"expires,omitempty"`
	Revoked string `json:"revoked,omitempty"`
}

// VerificationMethod is a key of the profile: Ed25519 keys as Multikey,
// the Ethereum key as an EcdsaSecp256k1VerificationKey2019 JWK.
type VerificationMethod struct {
	ID                 string `json:"id"`
	Type               string `json:"type"`
	Controller         string `json:"controller"`
	PublicKeyMultibase string `json:"publicKeyMultibase,omitempty"`
	PublicKeyJwk       *JWK   `json:"publicKeyJwk,omitempty"`
	Revoked            string `json:"revoked,omitempty"`
	// Created and Retired bound the time the key signed. Retirement is
	// not "expires": the official verifier would then refuse everything
	// the key signed, whatever the date (docs/credential.md §6).
	Created string `json:"created,omitempty"`
	Retired string `json:"retired,omitempty"`
}

// Profile builds the issuer profile for the ring's keys. Keys retired by
// rotation stay listed without "expires" (docs/credential.md §6: the official
// verifier would refuse everything they signed); compromised keys carry
// "revoked".
func (r *Ring) Profile(in Issuer) *Profile {
	p := &Profile{
		Context: []any{"https://www.w3.org/ns/credentials/v2", "https://w3id.org/blockcerts/v3.2",
			"https://w3id.org/security/data-integrity/v2", "https://w3id.org/security/suites/secp256k1-2019/v1", ProfileContext},
		Type:           []string{"BlockcertsIssuerProfile"},
		ID:             in.ProfileURL,
		Name:           in.Name,
		URL:            in.URL,
		Email:          in.Email,
		PublicKey:      []PublicKeyEntry{},
		RevocationList: in.RevocationList,
	}
	for _, k := range r.Keys {
		vm := VerificationMethod{ID: in.ProfileURL + "#" + k.ID, Controller: in.ProfileURL}
		var revoked string
		if k.Revoked != nil {
			revoked = k.Revoked.UTC().Format(time.RFC3339)
		}
		switch k.Type {
		case Ed25519:
			// Both forms: the official Blockcerts verifier (6.35.0) reads only
			// publicKeyJwk for eddsa-rdfc-2022 keys, others read the Multikey.
			jwk, err := Ed25519JWK(k.Public)
			if err != nil {
				continue
			}
			vm.Type, vm.PublicKeyMultibase, vm.PublicKeyJwk, vm.Revoked = "Multikey", k.Multibase(), &jwk, revoked
			vm.Created = k.Created.UTC().Format(time.RFC3339)
			if k.Retired != nil {
				vm.Retired = k.Retired.UTC().Format(time.RFC3339)
			}
		case Secp256k1:
			jwk, err := Secp256k1JWK(k.Public)
			if err != nil {
				continue
			}
			vm.Type, vm.PublicKeyJwk = "EcdsaSecp256k1VerificationKey2019", &jwk
			p.PublicKey = append(p.PublicKey, PublicKeyEntry{
				ID: "ecdsa-koblitz-pubkey:" + k.Address().Hex(), Created: k.Created.UTC().Format(time.RFC3339), Revoked: revoked,
			})
		case PDFSigning:
			// The key that signs the transcript PDFs: published so that a
			// verifier can tie a PDF's signature to this issuer. It does not
			// sign credentials: not an assertion method.
			jwk, err := PublicJWK(k.Public)
			if err != nil {
				continue
			}
			vm.Type, vm.PublicKeyJwk, vm.Revoked = "JsonWebKey", &jwk, revoked
			vm.Created = k.Created.UTC().Format(time.RFC3339)
			if k.Retired != nil {
				vm.Retired = k.Retired.UTC().Format(time.RFC3339)
			}
			p.VerificationMethod = append(p.VerificationMethod, vm)
			continue
		default:
			continue
		}
		p.VerificationMethod = append(p.VerificationMethod, vm)
		p.AssertionMethod = append(p.AssertionMethod, vm.ID)
	}
	return p
}
