//go:build linux || darwin || freebsd

package bolt

import (
	"fmt"
	"syscall"
)

// checkFreeSpace refuses a copy of need bytes (and 5% more) that the
// file system under dir has no room for.
func checkFreeSpace(dir string, need int64) error {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(dir, &fs); err != nil {
		return nil // unknown: let the copy try
	}
	if avail := int64(fs.Bavail) * int64(fs.Bsize); avail < need+need/20 {
		return fmt.Errorf("compact: the copy needs about %d MB free in %s, there are %d MB", need>>20, dir, avail>>20)
	}
	return nil
}
