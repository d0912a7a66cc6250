package workpool

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

func TestRun(t *testing.T) {
	out := make([]int, 100)
	var last atomic.Int64
	err := Run(context.Background(), len(out), 3, func(done, total int) { last.Store(int64(done*1000 + total)) }, func(i int) error {
		out[i] = i * i
		return nil
	})
	if err != nil || out[99] != 99*99 || last.Load() != 100*1000+100 {
		t.Fatalf("err %v, out[99] %d, progress %d", err, out[99], last.Load())
	}
	boom := errors.New("boom")
	var ran atomic.Int64
	err = Run(context.Background(), 10000, 2, nil, func(i int) error {
		ran.Add(1)
		if i == 3 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || ran.Load() == 10000 {
		t.Fatalf("the first error must stop the work: %v after %d", err, ran.Load())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Run(ctx, 10, 2, nil, func(int) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}
