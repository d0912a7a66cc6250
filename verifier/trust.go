package verifier

import (
	"net/url"
	"strings"
)

// TrustList is a verifier's own list of issuers it vouches for: issuer
// profile URLs, DIDs, or domains (a domain covers its subdomains).
type TrustList []string

// Trust says whether a credential's issuer is on the verifier's list.
type Trust struct {
	Listed bool   `json:"listed"`
	Entry  string `json:"entry,omitempty"` // the entry that matched
}

// Check looks issuer (a profile URL or a DID) up in the list. The issuer
// is the one whose profile the issuer check accepted: pass only verified
// results' issuers.
func (l TrustList) Check(issuer string) Trust {
	host := ""
	if u, err := url.Parse(issuer); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		host = strings.ToLower(u.Hostname())
	}
	for _, e := range l {
		switch {
		case e == issuer:
			return Trust{Listed: true, Entry: e}
		case host != "" && !strings.Contains(e, "/") && !strings.Contains(e, ":"):
			d := strings.ToLower(strings.TrimPrefix(e, "."))
			if host == d || strings.HasSuffix(host, "."+d) {
				return Trust{Listed: true, Entry: e}
			}
		}
	}
	return Trust{}
}
