package delivery_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/delivery"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/issuer"
)

// takeover is a chain on which, as this process starts anchoring, another
// process ("other", an hour ahead: this one was paused past its lease)
// takes the job over; it counts the roots anchored.
type takeover struct {
	leases  delivery.Leases
	batch   string
	done    atomic.Bool
	anchors atomic.Int32
}

func (c *takeover) Anchorer(ctx context.Context, _ string) (issuer.Anchorer, error) {
	if !c.done.Swap(true) {
		later := time.Now().Add(time.Hour)
		if ok, err := c.leases.ClaimJob(ctx, c.batch, "other", later, later.Add(time.Hour)); err != nil || !ok {
			return nil, errors.Join(errors.New("the other process could not take the job"), err)
		}
	}
	return countAnchors{&c.anchors}, nil
}

type countAnchors struct{ n *atomic.Int32 }

func (a countAnchors) Anchor(ctx context.Context, root [32]byte, j anchor.Journal) (*anchor.Result, error) {
	a.n.Add(1)
	return anchor.MocknetAnchorer{}.Anchor(ctx, root, j)
}

// TestLeaseLost: a process whose job another took over (it was paused
// past its lease) stops before anchoring, leaves the job's record to the
// other, and the other issues it: one anchoring.
func TestLeaseLost(t *testing.T) {
	for name, open := range testkit.Stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db := open(t)
			svc, _, _, _ := service(t, func(testing.TB) delivery.JobStore { return db }, 0)
			b := sample(t)
			chains := &takeover{leases: db, batch: b.ID}
			svc.Leases, svc.Owner = db, "paused"
			svc.Issuer.(*issuer.Issuer).Chains = chains
			if _, _, err := svc.Submit(ctx, b, delivery.Submission{Chain: "mocknet"}); err != nil {
				t.Fatal(err)
			}
			j, err := svc.Process(ctx, b.ID)
			if !errors.Is(err, delivery.ErrLeaseLost) {
				t.Fatalf("the paused process: %v, want ErrLeaseLost", err)
			}
			if n := chains.anchors.Load(); n != 0 {
				t.Fatalf("the paused process anchored %d roots after losing its lease", n)
			}
			if j, err = db.Job(ctx, b.ID); err != nil || j.Error != "" || j.State != delivery.JobIssuing {
				t.Fatalf("the job's record after the loss: %+v, %v", j, err)
			}
			// The other process, an hour later, finishes the job.
			other := &delivery.Service{Store: svc.Store, Sender: svc.Sender, Inbox: svc.Inbox, OutDir: svc.OutDir, Issuer: svc.Issuer,
				Mail: svc.Mail, Leases: db, Owner: "other"}
			if j, err = other.Process(ctx, b.ID); err != nil || j.State != delivery.JobDelivering {
				t.Fatalf("the other process: %+v, %v", j, err)
			}
			if n := chains.anchors.Load(); n != 1 {
				t.Errorf("%d anchorings, want 1", n)
			}
		})
	}
}
