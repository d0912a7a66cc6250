package verifier_test

import (
	"testing"

	"github.com/etranscript/etranscript/verifier"
)

func TestTrustList(t *testing.T) {
	l := verifier.TrustList{"registry.example.edu", "https://other.example/issuer/profile.json", "did:web:uni.example"}
	for issuer, want := range map[string]bool{
		"https://registry.example.edu/issuer/profile.json":     true,
		"https://sub.registry.example.edu/issuer/profile.json": true,
		"https://registry.example.edu.evil.example/p.json":     false,
		"https://evilregistry.example.edu/p.json":              false,
		"https://other.example/issuer/profile.json":            true,
		"https://other.example/elsewhere.json":                 false,
		"did:web:uni.example":                                  true,
		"did:web:uni.example:x":                                false,
	} {
		if got := l.Check(issuer).Listed; got != want {
			t.Errorf("%s: listed %v, want %v", issuer, got, want)
		}
	}
}
