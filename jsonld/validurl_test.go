package jsonld

import (
	"strings"
	"testing"

	"github.com/piprate/json-gold/ld"
)

// TestValidURL: remembering validity by authority answers as ld.IsURL
// does on the whole IRI.
func TestValidURL(t *testing.T) {
	hosts := []string{"registry.example.edu", "a", "-bad-", "x_y.example", "1.2.3.4", "300.1.1.1", "[::1]", "[zz]",
		"host:8080", "host:99999", "host:", "例子.测试", "a..b", ".lead", "www.", "a-b.c-d.e", "h.example.", "_"}
	rests := []string{"/", "/issuer/status/1/revocation#123", "?q=1", "#f", "/a/b?c#d", "/%41", "/a.b", "/x@y.com", "/ü"}
	for _, scheme := range []string{"http://", "https://"} {
		for _, h := range hosts {
			for _, r := range rests {
				iri := scheme + h + r
				if !absolute(iri) {
					continue
				}
				if got, want := validURL(iri), ld.IsURL(iri); got != want {
					t.Errorf("%s: %v, ld.IsURL %v", iri, got, want)
				}
			}
		}
	}
	long := "https://registry.example.edu/" + strings.Repeat("a", 2100)
	if validURL(long) != ld.IsURL(long) {
		t.Errorf("long IRI")
	}
}

func FuzzValidURL(f *testing.F) {
	f.Add("https://registry.example.edu/issuer/status/1/revocation#42")
	f.Add("http://-x-/a@b.c")
	f.Fuzz(func(t *testing.T, s string) {
		for _, iri := range []string{s, "https://" + s, "http://h.example/" + s} {
			if !absolute(iri) || !(strings.HasPrefix(iri, "http://") || strings.HasPrefix(iri, "https://")) {
				continue
			}
			urlOK.Clear() // compare the rule, not what an earlier input left
			if got, want := validURL(iri), ld.IsURL(iri); got != want {
				t.Fatalf("%q: %v, ld.IsURL %v", iri, got, want)
			}
		}
	})
}
