package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/publish"
	"github.com/etranscript/etranscript/verifier"
	"github.com/etranscript/etranscript/web"
)

// TestHostileAPI: each hostile credential of the table gets its verdict
// from POST /api/v1/verify within 2 s, or a 400 when it is not readable
// JSON within the limits.
func TestHostileAPI(t *testing.T) {
	is := testkit.NewIssuer(t)
	v := &verifier.Verifier{AllowTestChains: true, Fetcher: is.Fetcher(nil)}
	h := (&web.Server{Site: &publish.Site{Config: is.Config, Status: is.Status},
		Verifying: &web.Verifying{Verifier: v, PerSecond: 1e6, Burst: 1e6}}).Handler()
	for _, tc := range testkit.HostileCredentials(t, is) {
		t.Run(tc.Name, func(t *testing.T) {
			start := time.Now()
			w := post(h, "/api/v1/verify", "application/json", tc.Data)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			switch w.Code {
			case http.StatusOK:
				var r verifier.Result
				if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil {
					t.Fatal(err)
				}
				if r.Status != tc.Want {
					t.Fatalf("verdict %s, want %s", r.Status, tc.Want)
				}
			case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
				// Refused before verification: only what fails the format.
				if tc.Check != verifier.CheckFormat {
					t.Fatalf("%d for a credential that should reach %s: %s", w.Code, tc.Check, w.Body.String())
				}
			default:
				t.Fatalf("%d: %s", w.Code, w.Body.String())
			}
		})
	}
}

// slowFetcher answers after a delay, or when the request's context ends.
type slowFetcher struct {
	next  verifier.Fetcher
	delay time.Duration
}

func (f slowFetcher) Fetch(ctx context.Context, url string, max int64) ([]byte, error) {
	select {
	case <-time.After(f.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return f.next.Fetch(ctx, url, max)
}

// TestBusy: past MaxConcurrent verifications at once, a request waits at
// most QueueWait, then gets 503 with Retry-After.
func TestBusy(t *testing.T) {
	is := testkit.NewIssuer(t)
	doc := is.Issue(t, testkit.Batch(1, 6, 1)).Issued[0].JSON
	v := &verifier.Verifier{AllowTestChains: true, Fetcher: slowFetcher{is.Fetcher(nil), 700 * time.Millisecond}}
	h := (&web.Server{Site: &publish.Site{Config: is.Config, Status: is.Status},
		Verifying: &web.Verifying{Verifier: v, PerSecond: 1e6, Burst: 1e6, MaxConcurrent: 2, QueueWait: 200 * time.Millisecond}}).Handler()
	var wg sync.WaitGroup
	codes := make([]int, 3)
	retry := make([]string, 3)
	for i := range codes {
		wg.Go(func() {
			time.Sleep(time.Duration(i) * 50 * time.Millisecond)
			w := post(h, "/api/v1/verify", "application/json", doc)
			codes[i], retry[i] = w.Code, w.Header().Get("Retry-After")
		})
	}
	wg.Wait()
	if codes[0] != 200 || codes[1] != 200 || codes[2] != http.StatusServiceUnavailable || retry[2] == "" {
		t.Fatalf("codes %v, Retry-After %q", codes, retry[2])
	}
}

// cpuTime is the process's user and system time so far.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestDisconnectStopsWork: clients that send the costliest credentials the
// limits allow and hang up leave the server idle within a second: the
// process's CPU time (not the wall clock) stops growing.
func TestDisconnectStopsWork(t *testing.T) {
	is := testkit.NewIssuer(t)
	var costly [][]byte
	for _, tc := range testkit.HostileCredentials(t, is) {
		if tc.Name == "fail/costly/2700 identical courses" || tc.Name == "ok/2000 courses" {
			costly = append(costly, tc.Data)
		}
	}
	v := &verifier.Verifier{AllowTestChains: true, Fetcher: is.Fetcher(nil)}
	srv := httptest.NewServer((&web.Server{Site: &publish.Site{Config: is.Config, Status: is.Status},
		Verifying: &web.Verifying{Verifier: v, PerSecond: 1e6, Burst: 1e6}}).Handler())
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	before := cpuTime(t)
	for i := range 16 {
		wg.Go(func() {
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/api/v1/verify", bytes.NewReader(costly[i%len(costly)]))
				req.Header.Set("Content-Type", "application/json")
				if resp, err := http.DefaultClient.Do(req); err == nil {
					resp.Body.Close()
				}
			}
		})
	}
	time.Sleep(1500 * time.Millisecond)
	cancel()
	wg.Wait()
	start := cpuTime(t)
	t.Logf("CPU time in 1.5 s of load: %v", start-before)
	if start-before < 500*time.Millisecond {
		t.Fatalf("the load used only %v of CPU: it did not load the server", start-before)
	}
	time.Sleep(time.Second)
	// Work in flight at the hang-up ends within the second.
	mid := cpuTime(t)
	time.Sleep(time.Second)
	idle := cpuTime(t) - mid
	t.Logf("CPU time in the second after the hang-up: %v; in the next: %v", mid-start, idle)
	if idle > 150*time.Millisecond {
		t.Fatalf("the server used %v of CPU in a second after every client left", idle)
	}
}
