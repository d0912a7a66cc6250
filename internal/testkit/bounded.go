package testkit

import (
	"fmt"
	"time"
)

// FuzzInputBudget is the time one fuzz input may take to verify.
const FuzzInputBudget = time.Second

// Bounded runs f and panics, failing the fuzz input that caused it, when f
// takes longer than limit: a panic, since a hang would never return for
// the test to report it.
func Bounded(limit time.Duration, what string, f func()) {
	done := make(chan struct{})
	defer close(done)
	start := time.Now()
	go func() {
		select {
		case <-done:
		case <-time.After(limit):
			panic(fmt.Sprintf("%s ran for more than %v", what, limit))
		}
	}()
	f()
	if d := time.Since(start); d > limit {
		panic(fmt.Sprintf("%s took %v, more than %v", what, d, limit))
	}
}
