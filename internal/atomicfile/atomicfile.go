// Package atomicfile writes files so that a crash leaves either the old
// content or the new, never a mix: a temporary file, fsync, rename, fsync
// of the directory.
package atomicfile

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
)

// Write replaces path with data, durably.
func Write(path string, data []byte, perm os.FileMode) error {
	_, err := Stream(filepath.Dir(path), "."+filepath.Base(path)+".*", perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}, func() string { return filepath.Base(path) })
	return err
}

// Stream writes a file in dir through fn (buffered), durably, under a
// temporary name made from pattern (os.CreateTemp), then renames it to
// name(), asked once fn has written everything (so that the name can
// depend on the content, e.g. its digest). It returns the final path.
func Stream(dir, pattern string, perm os.FileMode, fn func(w io.Writer) error, name func() string) (string, error) {
	tmp, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name()) // gone after the rename; cleans up after a failure
	fail := func(err error) (string, error) {
		tmp.Close()
		return "", err
	}
	if err := tmp.Chmod(perm); err != nil {
		return fail(err)
	}
	w := bufio.NewWriterSize(tmp, 64<<10)
	if err := fn(w); err != nil {
		return fail(err)
	}
	if err := w.Flush(); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name())
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", err
	}
	return path, SyncDir(dir)
}

// SyncDir makes the renames into dir durable (fsync of the directory).
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
