package testkit

import (
	"os"
	"sync"
	"testing"
)

// The benchmarks' batch and output directories live under one root that
// is removed only when the test binary exits (RemoveBenchDirs in
// TestMain), never between measurements.
//
// On ext4 without a journal (the project's VM) deleting files makes
// creating files slower for the next one to six minutes: the inode
// allocator skips every inode of the group freed in that time, looking
// each one up in the buffer cache (fs/ext4/ialloc.c, find_inode_bit and
// recently_deleted). Removing a run's thousands of output files before the
// next run would measure that, not issuing; an issuer in service does not
// delete thousands of files between batches. docs/benchmarks.md gives the
// figures both ways.
var bench struct {
	once sync.Once
	root string
	err  error
}

// BenchDir is a new directory under the benchmarks' root.
func BenchDir(b *testing.B) string {
	b.Helper()
	bench.once.Do(func() { bench.root, bench.err = os.MkdirTemp("", "etranscript-bench-") })
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	d, err := os.MkdirTemp(bench.root, "")
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// RemoveBenchDirs removes what BenchDir made; TestMain calls it after the
// tests and benchmarks ran.
func RemoveBenchDirs() {
	if bench.root != "" {
		os.RemoveAll(bench.root)
	}
}
