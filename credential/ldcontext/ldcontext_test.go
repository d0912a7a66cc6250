package ldcontext

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

func TestManifest(t *testing.T) {
	all, err := Contexts()
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{
		"https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1",
		"https://w3id.org/blockcerts/v2", "https://w3id.org/blockcerts/v3", "https://w3id.org/blockcerts/v3.1", "https://w3id.org/blockcerts/v3.2",
		"https://w3id.org/security/data-integrity/v2", "https://w3id.org/security/suites/merkle-2019/v1",
		"https://w3id.org/security/suites/chained-2021/v1", "https://w3id.org/security/suites/ed25519-2020/v1",
		"https://w3id.org/security/suites/secp256k1-2019/v1", "https://w3id.org/vc/status-list/2021/v1",
		"https://w3id.org/openbadges/v2", "https://www.w3.org/ns/did/v1",
	} {
		c, ok := all[u]
		if !ok {
			t.Errorf("context %s is not embedded", u)
			continue
		}
		if sum := sha256.Sum256(c.Raw); hex.EncodeToString(sum[:]) != c.SHA256 || c.Source == "" {
			t.Errorf("context %s: manifest entry incomplete or wrong", u)
		}
	}
}
