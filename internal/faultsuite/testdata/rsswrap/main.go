// Command rsswrap runs a command and writes its peak RSS and its own, in
// KiB, to the file named by $FAULTSUITE_RSS_OUT; it exits with the
// command's exit code.
//
// The fault suite starts zoomsync through it because a child started with
// vfork inherits its parent's peak RSS into its rusage when it execs: the
// test process is large (and larger under -race), this wrapper is not, and
// its own peak is written too so that a reader can tell when it could hide
// the child's.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	own := vmHWM()
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			fmt.Fprintln(os.Stderr, "rsswrap:", err)
			os.Exit(125)
		}
		code = ee.ExitCode()
	}
	var child int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		child = ru.Maxrss // KiB on Linux
	}
	if err := os.WriteFile(os.Getenv("FAULTSUITE_RSS_OUT"), []byte(fmt.Sprintf("%d %d\n", child, own)), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "rsswrap:", err)
		os.Exit(125)
	}
	os.Exit(code)
}

// vmHWM is this process's peak RSS in KiB, 0 when unknown.
func vmHWM() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
