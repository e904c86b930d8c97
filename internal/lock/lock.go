// Package lock is the lock file that keeps two one-shot zoomsync runs from
// writing at once. It uses flock(2) where available, so a run that is
// killed releases its lock with its process: there are no stale locks.
package lock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// HeldError says another process holds the lock.
type HeldError struct {
	Path  string
	Owner string // "pid 123 since 2026-11-23T10:00:00Z", when known
}

func (e *HeldError) Error() string {
	msg := "another zoomsync run holds the lock " + e.Path
	if e.Owner != "" {
		msg += " (" + e.Owner + ")"
	}
	return msg + "; this run did nothing. If no other run is active, the lock is free again once that process exits"
}

// Lock is a held lock file.
type Lock struct {
	f    *os.File
	path string
}

// Acquire takes the lock at path without waiting, creating its directory.
func Acquire(path string) (*Lock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("creating the state directory for the lock: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening lock file: %w", err)
	}
	if err := tryLock(f); err != nil {
		owner, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, errHeld) {
			return nil, &HeldError{Path: path, Owner: strings.TrimSpace(string(owner))}
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	// Record who holds it, for the message another run prints.
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte("pid "+strconv.Itoa(os.Getpid())+" since "+time.Now().UTC().Format(time.RFC3339)+"\n"), 0)
	return &Lock{f: f, path: path}, nil
}

// Release gives the lock up.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

var errHeld = errors.New("lock held")
