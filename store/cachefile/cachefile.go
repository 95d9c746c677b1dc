package cachefile

import (
	"bufio"
	"os"
	"path/filepath"
)

// Write writes path through encode, into a temporary file beside it that
// is renamed over path once complete. Without fsync: a cache lost to a
// power cut is rebuilt, and the commands that write these files are timed
// by their users.
func Write(path string, encode func(*bufio.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing to remove
	w := bufio.NewWriterSize(tmp, 1<<16)
	if err := encode(w); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
