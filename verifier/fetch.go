package verifier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Fetcher gets a document the verifier needs (an issuer profile, a status
// list). Implementations enforce the size cap and their own address policy.
type Fetcher interface {
	Fetch(ctx context.Context, url string, maxBytes int64) ([]byte, error)
}

// Fetch limits.
const (
	DefaultFetchTimeout = 10 * time.Second
	MaxProfileBytes     = 1 << 20
	maxRedirects        = 3
)

// ErrBlockedAddress is returned for a fetch to an address the policy
// refuses.
var ErrBlockedAddress = errors.New("address not allowed")

// HTTPFetcher fetches over HTTP(S). By default only https URLs on public
// addresses are fetched; AllowPrivate also allows loopback and private
// addresses, over http or https (for the command line, which runs on the
// user's own machine, and for development).
//
// AllowLoopback allows loopback addresses only, and http only to a host
// named as loopback (localhost, 127.0.0.1, [::1]): for the command line,
// which may verify credentials of an issuer served on the same machine but
// must not reach the private network it runs in (link-local addresses
// such as cloud metadata, private ranges).
type HTTPFetcher struct {
	AllowPrivate  bool
	AllowLoopback bool
	Timeout       time.Duration
	client        *http.Client
}

// NewLoopbackFetcher returns a fetcher of public addresses over https and
// of loopback addresses (AllowLoopback).
func NewLoopbackFetcher(timeout time.Duration) *HTTPFetcher {
	f := NewHTTPFetcher(false, timeout)
	f.AllowLoopback = true
	return f
}

// NewHTTPFetcher returns a fetcher with the given policy.
func NewHTTPFetcher(allowPrivate bool, timeout time.Duration) *HTTPFetcher {
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	f := &HTTPFetcher{AllowPrivate: allowPrivate, Timeout: timeout}
	dialer := &net.Dialer{Timeout: timeout, Control: f.control}
	tr := &http.Transport{
		Proxy:                 nil, // never through a proxy that would hide the address
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConns:          16,
		IdleConnTimeout:       30 * time.Second,
	}
	f.client = &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("more than %d redirects", maxRedirects)
			}
			return f.checkURL(req.URL)
		},
	}
	return f
}

// control runs on every connection after name resolution: the address
// actually dialled is checked, so neither DNS tricks nor redirects reach a
// private address.
func (f *HTTPFetcher) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrBlockedAddress, address)
	}
	if f.AllowLoopback && ap.Addr().Unmap().IsLoopback() {
		return nil
	}
	if !f.AllowPrivate && !IsPublic(ap.Addr()) {
		return fmt.Errorf("%w: %s is not a public address", ErrBlockedAddress, ap.Addr())
	}
	return nil
}

func (f *HTTPFetcher) checkURL(u *url.URL) error {
	switch u.Scheme {
	case "https":
	case "http":
		if !f.AllowPrivate && !(f.AllowLoopback && loopbackHost(u.Hostname())) {
			return fmt.Errorf("%w: %s is not https", ErrBlockedAddress, u.Redacted())
		}
	default:
		return fmt.Errorf("%w: scheme %q", ErrBlockedAddress, u.Scheme)
	}
	if u.User != nil {
		return fmt.Errorf("%w: URL with credentials", ErrBlockedAddress)
	}
	return nil
}

// loopbackHost reports whether a URL's host names a loopback address.
func loopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.Unmap().IsLoopback()
}

// IsPublic reports whether a is a globally routable unicast address.
func IsPublic(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsGlobalUnicast() || a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

var nonPublic = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "64:ff9b::/96", "2001:db8::/32", "fc00::/7"} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// FetchError reports an HTTP status other than 200.
type FetchError struct {
	URL    string
	Status int
}

func (e *FetchError) Error() string { return fmt.Sprintf("%s: HTTP %d", e.URL, e.Status) }

// Fetch gets url within the time limit and the size cap.
func (f *HTTPFetcher) Fetch(ctx context.Context, raw string, maxBytes int64) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if err := f.checkURL(u); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, f.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/ld+json, application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &FetchError{URL: u.Redacted(), Status: resp.StatusCode}
	}
	if resp.ContentLength > maxBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", u.Redacted(), maxBytes)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > maxBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", u.Redacted(), maxBytes)
	}
	return b, nil
}

// Local answers some URLs from memory (this instance's own issuer
// documents, test fixtures) and passes the rest to Next, if any.
type Local struct {
	Docs map[string][]byte
	Next Fetcher
}

// ErrNotFound is returned by Local for a URL it does not hold and has no
// Next for.
var ErrNotFound = errors.New("not found")

// Fetch implements Fetcher.
// A URL with a query is answered by the document without it, as a static
// file server would.
func (l Local) Fetch(ctx context.Context, u string, maxBytes int64) ([]byte, error) {
	b, ok := l.Docs[u]
	if !ok {
		if i := strings.IndexByte(u, '?'); i >= 0 {
			b, ok = l.Docs[u[:i]]
		}
	}
	if ok {
		if int64(len(b)) > maxBytes {
			return nil, fmt.Errorf("%s: larger than %d bytes", u, maxBytes)
		}
		return b, nil
	}
	if l.Next == nil {
		return nil, fmt.Errorf("%s: %w", u, ErrNotFound)
	}
	return l.Next.Fetch(ctx, u, maxBytes)
}
