package keys

import "time"

// Issuer is what the profile says about the issuing institution.
type Issuer struct {
	ProfileURL     string // the profile's id, the credentials' issuer
	Name           string
	URL            string // the institution's site
	Email          string
	RevocationList string
}

// Profile is a BlockcertsIssuerProfile (blockcerts.md §6).
type Profile struct {
	Context            []string             `json:"@context"`
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
}

// Profile builds the issuer profile for the ring's keys. Keys retired by
// rotation stay listed without "expires" (blockcerts.md §6: the official
// verifier would refuse everything they signed); compromised keys carry
// "revoked".
func (r *Ring) Profile(in Issuer) *Profile {
	p := &Profile{
		Context: []string{"https://www.w3.org/ns/credentials/v2", "https://w3id.org/blockcerts/v3.2",
			"https://w3id.org/security/data-integrity/v2", "https://w3id.org/security/suites/secp256k1-2019/v1"},
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
			vm.Type, vm.PublicKeyMultibase, vm.Revoked = "Multikey", k.Multibase(), revoked
		case Secp256k1:
			jwk, err := Secp256k1JWK(k.Public)
			if err != nil {
				continue
			}
			vm.Type, vm.PublicKeyJwk = "EcdsaSecp256k1VerificationKey2019", &jwk
			p.PublicKey = append(p.PublicKey, PublicKeyEntry{
				ID: "ecdsa-koblitz-pubkey:" + k.Address().Hex(), Created: k.Created.UTC().Format(time.RFC3339), Revoked: revoked,
			})
		default:
			continue
		}
		p.VerificationMethod = append(p.VerificationMethod, vm)
		p.AssertionMethod = append(p.AssertionMethod, vm.ID)
	}
	return p
}
