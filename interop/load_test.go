//go:build interop

package interop

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/publish"
	"github.com/etranscript/etranscript/verifier"
	"github.com/etranscript/etranscript/web"
)

// BenchmarkVerifyLoad measures, in one run, on the same 40-course
// credential: our public verifier under load (POST /api/v1/verify over
// loopback, 8 concurrent clients, 2,000 requests, warm caches), and the
// official Blockcerts verifier checking it repeatedly in one warm Node
// process.
func BenchmarkVerifyLoad(b *testing.B) {
	is := testkit.NewIssuer(b)
	doc := is.Issue(b, testkit.Batch(1, 40, 11)).Issued[0].JSON
	v := &verifier.Verifier{AllowTestChains: true, Fetcher: &verifier.CachingFetcher{Next: is.Fetcher(nil)}}
	srv := httptest.NewServer((&web.Server{Site: &publish.Site{Config: is.Config, Status: is.Status},
		Verifying: &web.Verifying{Verifier: v, PerSecond: 1e6, Burst: 1e6}}).Handler())
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	post := func() (time.Duration, int) {
		start := time.Now()
		resp, err := client.Post(srv.URL+"/api/v1/verify", "application/json", bytes.NewReader(doc))
		if err != nil {
			return 0, 0
		}
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		resp.Body.Close()
		if !bytes.Contains(buf.Bytes(), []byte(`"status":"verified"`)) {
			return 0, 0
		}
		return time.Since(start), resp.StatusCode
	}
	post() // warm the caches
	const total, clients = 2000, 8
	for b.Loop() {
		var next atomic.Int64
		lat := make([]time.Duration, total)
		var wg sync.WaitGroup
		start := time.Now()
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := next.Add(1) - 1
					if i >= total {
						return
					}
					d, code := post()
					if code != 200 {
						b.Error("a verification did not succeed")
						return
					}
					lat[i] = d
				}
			}()
		}
		wg.Wait()
		el := time.Since(start)
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(total)/el.Seconds(), "ours-verifications/s")
		b.ReportMetric(float64(lat[total*99/100].Microseconds())/1000, "ours-p99-ms")
		b.ReportMetric(float64(lat[total/2].Microseconds())/1000, "ours-p50-ms")
	}

	// The official verifier, warm: one process, the same credential 200
	// times (its profile and status lists served by our handler).
	dir := b.TempDir()
	var files []string
	for i := 0; i < 200; i++ {
		f := filepath.Join(dir, "c"+string(rune('a'+i%26))+string(rune('a'+i/26))+".json")
		os.WriteFile(f, doc, 0o644)
		files = append(files, f)
	}
	site := httptest.NewServer((&web.Server{Site: is.Site}).Handler())
	defer site.Close()
	args := append([]string{"verify.cjs", "--proxy", is.Config.URL + "=" + site.URL}, files...)
	one := exec.Command("node", append([]string{"verify.cjs", "--proxy", is.Config.URL + "=" + site.URL}, files[0])...)
	t0 := time.Now()
	if out, err := one.CombinedOutput(); err != nil || !bytes.Contains(out, []byte(`"success"`)) {
		b.Fatalf("official verifier: %v %s", err, out)
	}
	startup := time.Since(t0)
	t1 := time.Now()
	out, err := exec.Command("node", args...).CombinedOutput()
	if err != nil || bytes.Count(out, []byte(`"success"`)) != len(files) {
		b.Fatalf("official verifier: %v %.300s", err, out)
	}
	per := (time.Since(t1) - startup) / time.Duration(len(files)-1)
	b.ReportMetric(1/per.Seconds(), "official-verifications/s")
}
