package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestClientKey: X-Forwarded-For counts only from a trusted proxy, and
// IPv6 clients are one client per /64.
func TestClientKey(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:ffff::/48")}
	for _, tc := range []struct {
		name, remote, xff, want string
	}{
		{"ok/direct", "203.0.113.7:5000", "", "203.0.113.7"},
		{"ok/untrusted peer's header ignored", "203.0.113.7:5000", "198.51.100.1", "203.0.113.7"},
		{"ok/trusted proxy", "10.1.2.3:5000", "198.51.100.1", "198.51.100.1"},
		{"ok/chain of trusted proxies", "10.1.2.3:5000", "198.51.100.1, 10.9.9.9", "198.51.100.1"},
		{"ok/forged hops before the client ignored", "10.1.2.3:5000", "1.2.3.4, 198.51.100.1", "198.51.100.1"},
		{"ok/malformed hop", "10.1.2.3:5000", "junk, 198.51.100.1", "198.51.100.1"},
		{"ok/ipv6 by /64", "[2001:db8:1:2:aaaa::1]:5000", "", "2001:db8:1:2::/64"},
		{"ok/ipv6 same /64", "[2001:db8:1:2:bbbb::9]:5000", "", "2001:db8:1:2::/64"},
		{"ok/ipv6 behind a v6 proxy", "[2001:db8:ffff::1]:443", "2001:db8:7:7::5", "2001:db8:7:7::/64"},
		{"ok/mapped ipv4", "[::ffff:203.0.113.7]:5000", "", "203.0.113.7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			if tc.xff != "" {
				r.Header.Set("X-Forwarded-For", tc.xff)
			}
			if got := clientKey(r, proxies); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}
