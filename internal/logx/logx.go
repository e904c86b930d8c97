// Package logx builds zoomsync's logger: a compact human format for a
// terminal or cron mail, or one JSON object per line for machines.
package logx

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
)

// New returns a logger writing to w in format "text" or "json" at level
// "debug", "info", "warn" or "error".
func New(w io.Writer, format, level string) *slog.Logger {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		lv = slog.LevelInfo
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lv, ReplaceAttr: seconds}))
	}
	return slog.New(&human{w: w, level: lv, mu: &sync.Mutex{}})
}

// seconds writes every duration as a number of seconds under a key ending
// in _seconds ("wait": 2500000000 becomes "wait_seconds": 2.5), as
// Prometheus and most log pipelines expect.
func seconds(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() != slog.KindDuration {
		return a
	}
	if !strings.HasSuffix(a.Key, "_seconds") {
		a.Key += "_seconds"
	}
	a.Value = slog.Float64Value(a.Value.Duration().Seconds())
	return a
}

// Fields are attributes for machines only: the JSON format has them as
// top-level fields, while the human format leaves them out because the
// message already says them in words ("3 created, 1 invalid").
func Fields(args ...any) slog.Attr {
	return slog.Group("", args...)
}

// human prints "message key=value ..." without timestamps (cron and
// systemd add their own); warnings and errors are prefixed, and a "detail"
// attribute goes on its own indented line because it is usually a sentence.
type human struct {
	w      io.Writer
	level  slog.Level
	mu     *sync.Mutex
	attrs  []slog.Attr
	groups []string
}

func (h *human) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *human) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	switch {
	case r.Level >= slog.LevelError:
		b.WriteString("error: ")
	case r.Level >= slog.LevelWarn:
		b.WriteString("warning: ")
	case r.Level < slog.LevelInfo:
		b.WriteString("debug: ")
	}
	b.WriteString(r.Message)
	var detail string
	write := func(a slog.Attr) bool {
		a.Value = a.Value.Resolve()
		if a.Equal(slog.Attr{}) {
			return true
		}
		if a.Key == "" && a.Value.Kind() == slog.KindGroup {
			return true // Fields: for machines only
		}
		switch a.Key {
		case "detail":
			detail = a.Value.String()
			return true
		case "row", "key", "outcome":
			// A row's identity and outcome are already in the message
			// ("row 7 sales: created"); JSON logs keep them as fields.
			return true
		}
		key := a.Key
		if len(h.groups) > 0 {
			key = strings.Join(h.groups, ".") + "." + key
		}
		b.WriteString(" ")
		b.WriteString(key)
		b.WriteString("=")
		b.WriteString(quote(a.Value.String()))
		return true
	}
	for _, a := range h.attrs {
		write(a)
	}
	r.Attrs(write)
	b.WriteString("\n")
	if detail != "" {
		b.WriteString("    ")
		b.WriteString(strings.ReplaceAll(detail, "\n", "\n    "))
		b.WriteString("\n")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

func quote(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\n\"=") {
		return strconv.Quote(s)
	}
	return s
}

func (h *human) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

func (h *human) WithGroup(name string) slog.Handler {
	c := *h
	c.groups = append(append([]string(nil), h.groups...), name)
	return &c
}
