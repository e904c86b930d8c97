//go:build !unix

package lock

import (
	"errors"
	"os"
)

// On systems without flock the lock is a second file created exclusively.
// A crashed run leaves it behind; its message names the file to remove.

func tryLock(f *os.File) error {
	g, err := os.OpenFile(f.Name()+".held", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if errors.Is(err, os.ErrExist) {
		return errHeld
	}
	if err != nil {
		return err
	}
	return g.Close()
}

func unlock(f *os.File) error { return os.Remove(f.Name() + ".held") }
