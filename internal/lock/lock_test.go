package lock

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestAcquireExcludesAndReleases(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "zoomsync.lock")
	l, err := Acquire(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(path)
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("second Acquire: want *HeldError, got %v", err)
	}
	if !strings.Contains(held.Owner, "pid ") || !strings.Contains(err.Error(), "this run did nothing") {
		t.Errorf("message should name the holder: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(path)
	if err != nil {
		t.Fatalf("after Release: %v", err)
	}
	l2.Release()
}

// TestHeldAcrossProcesses runs this test binary as a second process that
// tries to take a lock this process holds.
func TestHeldAcrossProcesses(t *testing.T) {
	if path := os.Getenv("LOCK_CHILD_PATH"); path != "" {
		_, err := Acquire(path)
		var held *HeldError
		if errors.As(err, &held) {
			os.Exit(75)
		}
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), "zoomsync.lock")
	l, err := Acquire(path)
	if err != nil {
		t.Fatal(err)
	}
	child := func() int {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHeldAcrossProcesses$")
		cmd.Env = append(os.Environ(), "LOCK_CHILD_PATH="+path)
		err := cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	}
	if code := child(); code != 75 {
		t.Errorf("child while held exited %d, want 75", code)
	}
	l.Release()
	if code := child(); code != 0 {
		t.Errorf("child after release exited %d, want 0", code)
	}
}
