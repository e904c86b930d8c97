package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	gosync "sync"
	"time"

	"golang.org/x/term"
)

// terminal is stderr when it is a terminal. Log lines go through Write and
// appear above a status line (the progress bar) that stays at the bottom:
// each write clears the bar, prints the line and draws the bar again.
type terminal struct {
	mu  gosync.Mutex
	w   io.Writer
	bar string // the status line; "" when none is shown
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

const clearLine = "\r\x1b[K"

func (t *terminal) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.bar != "" {
		io.WriteString(t.w, clearLine)
	}
	n, err := t.w.Write(p)
	if t.bar != "" {
		io.WriteString(t.w, t.bar)
	}
	return n, err
}

// status replaces the status line; "" removes it.
func (t *terminal) status(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s == t.bar {
		return
	}
	io.WriteString(t.w, clearLine+s)
	t.bar = s
}

// progress shows how far apply has got.
type progress interface {
	update(done, total int)
	finish()
}

// newProgress returns a progress bar at the bottom of the terminal, or nil
// when stderr is not a terminal or logs are JSON (cron mail and log
// pipelines get plain lines).
func newProgress(t *terminal, format string) progress {
	if t == nil || format == "json" {
		return nil
	}
	return &bar{t: t, start: time.Now(), now: time.Now}
}

// bar draws "applying [=====>      ] 120/300  0:35".
type bar struct {
	t     *terminal
	start time.Time
	now   func() time.Time
	mu    gosync.Mutex
	last  time.Time
}

const barWidth = 30

func (b *bar) update(done, total int) {
	if total < 2 {
		return // not worth a bar
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if done < total && now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last = now
	b.t.status(barText(done, total, now.Sub(b.start)))
}

func barText(done, total int, elapsed time.Duration) string {
	fill := barWidth * done / total
	arrow := ""
	if fill < barWidth {
		arrow = ">"
	}
	s := int(elapsed.Seconds())
	return fmt.Sprintf("applying [%s%s%s] %d/%d  %d:%02d", strings.Repeat("=", fill), arrow,
		strings.Repeat(" ", max(0, barWidth-fill-len(arrow))), done, total, s/60, s%60)
}

func (b *bar) finish() { b.t.status("") }
