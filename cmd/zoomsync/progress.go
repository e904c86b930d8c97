package main

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows how far apply has got.
type progress interface {
	update(done, total int)
	finish()
}

// newProgress returns a progress bar when stderr is a terminal and logs are
// for humans; nil otherwise (cron mail and JSON logs get plain lines).
func newProgress(stderr io.Writer, format string) progress {
	f, ok := stderr.(*os.File)
	if !ok || format == "json" || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &bar{w: f}
}

type bar struct {
	w *os.File
	b *progressbar.ProgressBar
}

func (b *bar) update(done, total int) {
	if total < 2 {
		return // not worth a bar
	}
	if b.b == nil {
		b.b = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(b.w),
			progressbar.OptionSetDescription("applying"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100_000_000),
		)
	}
	_ = b.b.Set(done)
}

func (b *bar) finish() {
	if b.b != nil {
		_ = b.b.Finish()
	}
}
