package config

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// Web are the public site's limits and its place behind proxies. Zero
// values take the defaults.
type Web struct {
	// PerSecond and Burst limit each client's verifications (requests per
	// second, and how many at once above that rate); defaults 10 and 30.
	PerSecond float64 `json:"perSecond,omitempty"`
	Burst     int     `json:"burst,omitempty"`
	// MaxUploadBytes caps an uploaded credential or PDF (default 10 MB).
	MaxUploadBytes int64 `json:"maxUploadBytes,omitempty"`
	// MaxConcurrent bounds the verifications running at once on the
	// server (default two per core).
	MaxConcurrent int `json:"maxConcurrent,omitempty"`
	// TrustedProxies are the reverse proxies (CIDRs, or single addresses)
	// whose X-Forwarded-For says who the client is. Behind a proxy every
	// client otherwise has the proxy's address, and shares its limit.
	TrustedProxies []string `json:"trustedProxies,omitempty"`
}

// Validate checks the settings, naming the key at fault.
func (w Web) Validate() error {
	switch {
	case w.PerSecond < 0:
		return fmt.Errorf("web.perSecond: expected a positive number, got %v", w.PerSecond)
	case w.Burst < 0:
		return fmt.Errorf("web.burst: expected a positive number, got %d", w.Burst)
	case w.MaxUploadBytes < 0:
		return fmt.Errorf("web.maxUploadBytes: expected a positive number, got %d", w.MaxUploadBytes)
	case w.MaxConcurrent < 0:
		return fmt.Errorf("web.maxConcurrent: expected a positive number, got %d", w.MaxConcurrent)
	}
	_, err := w.Proxies()
	return err
}

// Proxies are TrustedProxies parsed.
func (w Web) Proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for i, s := range w.TrustedProxies {
		p, err := netip.ParsePrefix(s)
		if err != nil && !strings.Contains(s, "/") {
			var a netip.Addr
			if a, err = netip.ParseAddr(s); err == nil {
				p = netip.PrefixFrom(a, a.BitLen())
			}
		}
		if err != nil {
			return nil, fmt.Errorf("web.trustedProxies[%d]: expected an address or a CIDR such as 10.0.0.0/8, got %q", i, s)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// ValidateDevChainRPC checks the dev chain's JSON-RPC address: loopback.
func ValidateDevChainRPC(addr string) error {
	if addr == "" {
		return nil
	}
	h, _, err := net.SplitHostPort(addr)
	if a, perr := netip.ParseAddr(h); err != nil || (h != "localhost" && (perr != nil || !a.IsLoopback())) {
		return fmt.Errorf("devChainRpc: expected a loopback HOST:PORT such as 127.0.0.1:8545, got %q", addr)
	}
	return nil
}
