package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/internal/logx"
)

// A log line written while the bar is shown clears the bar, prints the
// line and draws the bar again below it.
func TestTerminalKeepsTheBarBelowTheLines(t *testing.T) {
	var out bytes.Buffer
	term := &terminal{w: &out}
	log := logx.New(term, "text", "info")
	now := time.Unix(0, 0)
	b := &bar{t: term, start: now, now: func() time.Time { return now }}

	log.Info("row 2 sales: created")
	b.update(1, 4)
	now = now.Add(35 * time.Second)
	log.Info("row 3 support: created")
	b.update(2, 4)
	b.update(3, 4) // within 100 ms of the last draw: skipped
	now = now.Add(time.Second)
	b.update(4, 4)
	b.finish()

	bar1 := "applying [=======>                      ] 1/4  0:00"
	bar2 := "applying [===============>              ] 2/4  0:35"
	bar4 := "applying [==============================] 4/4  0:36"
	want := "row 2 sales: created\n" +
		clearLine + bar1 +
		clearLine + "row 3 support: created\n" + bar1 +
		clearLine + bar2 +
		clearLine + bar4 +
		clearLine
	if got := out.String(); got != want {
		t.Errorf("terminal output:\n%q\nwant:\n%q", got, want)
	}
	if strings.Count(bar1, "") != strings.Count(bar4, "") {
		t.Errorf("the bar changes width: %q, %q", bar1, bar4)
	}
}

func TestNoBarForJSONOrPipes(t *testing.T) {
	if newProgress(nil, "text") != nil || newProgress(&terminal{}, "json") != nil {
		t.Error("a bar without a terminal, or with JSON logs")
	}
	if isTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is not a terminal")
	}
}
