// Package staging writes many files into one directory from several
// goroutines without their waiting on each other, each file complete or
// absent.
package staging

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Dirs writes output files into hidden staging directories inside the
// output directory, one per worker, and renames each into place. A
// directory takes one file creation at a time (it is locked meanwhile, and
// creating a file can cost more than writing it: on an ext4 file system
// without a journal, up to 0.3 ms within minutes of a mass deletion, see
// docs/benchmarks.md), so workers that create in the same directory wait
// on each other; in their own they do not. A complete file is never seen
// partly written, and a resumed run replaces the files of the one it
// resumes the same way.
type Dirs struct {
	out  string
	dirs chan string
	all  []string
}

// New makes one staging directory per worker (0: one per core) in out.
func New(out string, workers int) (*Dirs, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	st := &Dirs{out: out, dirs: make(chan string, workers)}
	for i := range workers {
		d := filepath.Join(out, fmt.Sprintf(".staging-%d", i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
		st.dirs <- d
		st.all = append(st.all, d)
	}
	return st, nil
}

// Write writes name into out, through a staging directory and a rename.
func (st *Dirs) Write(name string, data []byte) error {
	d := <-st.dirs
	defer func() { st.dirs <- d }()
	tmp := filepath.Join(d, name)
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(st.out, name))
}

// Close removes the staging directories (and what a failed write left).
func (st *Dirs) Close() {
	for _, d := range st.all {
		os.RemoveAll(d)
	}
}
