package delivery_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/etranscript/etranscript/delivery"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/status"
)

// BenchmarkService takes batches of 1,000 and 4,000 transcripts (40
// courses, signed, with PDFs, their status slots in the same database)
// through the issuing service, from Submit to every mail accepted by a
// real SMTP server, on SQLite and on PostgreSQL (with
// ETRANSCRIPT_TEST_POSTGRES); it reports credentials per second and the
// peak heap in use while the service works, sampled every 10 ms.
func BenchmarkService(b *testing.B) {
	for name, open := range testkit.Stores(b) {
		for _, n := range []int{1000, 4000} {
			b.Run(fmt.Sprintf("%s/%d", name, n), func(b *testing.B) {
				batch := testkit.Batch(n, 40, 9)
				var peak atomic.Uint64
				stop := make(chan struct{})
				go func() {
					var ms runtime.MemStats
					for {
						select {
						case <-stop:
							return
						case <-time.After(10 * time.Millisecond):
						}
						runtime.ReadMemStats(&ms)
						if ms.HeapInuse > peak.Load() {
							peak.Store(ms.HeapInuse)
						}
					}
				}()
				defer close(stop)
				for i := 0; b.Loop(); i++ {
					b.StopTimer() // a new issuer's keys and store are not the service's work
					svc, smtpSrv, _, is := service(b, func(tb testing.TB) delivery.JobStore { return open(tb) }, 0)
					is.EnablePDF(b)
					is.Status.Store = svc.Store.(status.Store)           // the status slots in the same database, as serve has them
					svc.Issuer.(*issuer.Issuer).Settings = is.Settings() // with the PDF output
					batch.ID = fmt.Sprintf("bench-%d-%d", n, i)
					ctx := context.Background()
					runtime.GC()
					peak.Store(0) // not the setup's (the test keys' scrypt alone takes 256 MiB)
					b.StartTimer()
					t0 := time.Now()
					if _, _, err := svc.Submit(ctx, batch, delivery.Submission{Chain: "mocknet"}); err != nil {
						b.Fatal(err)
					}
					ts := time.Now()
					if _, err := svc.Process(ctx, batch.ID); err != nil {
						b.Fatal(err)
					}
					t1 := time.Now()
					for {
						k, err := svc.SendDue(ctx, 500)
						if err != nil {
							b.Fatal(err)
						}
						if k == 0 {
							break
						}
					}
					b.Logf("submit %v process %v mail %v", ts.Sub(t0), t1.Sub(ts), time.Since(t1))
					if got := len(smtpSrv.Messages()); got != n {
						b.Fatalf("%d messages, want %d", got, n)
					}
					b.StopTimer()
					if pdfs, _ := filepath.Glob(filepath.Join(svc.OutDir(batch.ID), "*.pdf")); len(pdfs) != n {
						b.Fatalf("%d PDFs, want %d", len(pdfs), n)
					}
					b.StartTimer()
				}
				b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "credentials/s")
				b.ReportMetric(float64(peak.Load())/(1<<20), "peak-MiB")
			})
		}
	}
}
