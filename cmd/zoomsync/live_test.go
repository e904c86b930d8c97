package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/internal/logx"
)

// Only a wait longer than 2 s gets a line; requests are counted by method
// and code; a write counts unless Zoom refused it with a 4xx, so one
// answered 5xx or not at all counts.
func TestRunOutput(t *testing.T) {
	var logs bytes.Buffer
	o := newRunOutput(logx.New(&logs, "text", "info"), nil)
	o.wait(500*time.Millisecond, "rate limited (429)")
	o.wait(2*time.Second, "rate limited (429)")
	o.wait(3200*time.Millisecond, "rate limited (429)")
	for _, r := range []struct {
		method string
		status int
	}{{"GET", 200}, {"POST", 429}, {"POST", 201}, {"PATCH", 204}, {"DELETE", 404}, {"PATCH", 503}, {"GET", 0}, {"POST", 0}} {
		o.request(r.method, r.status)
	}
	if got, want := logs.String(), "waiting 3.2s for Zoom: rate limited (429)\n"; got != want {
		t.Errorf("logs:\n%q\nwant\n%q", got, want)
	}
	requests, writes, unanswered, byCode := o.counts()
	if requests != 8 || writes != 4 || unanswered != 1 {
		t.Errorf("requests %d, writes %d, unanswered %d; want 8, 4, 1", requests, writes, unanswered)
	}
	if byCode[requestKey{"POST", "429"}] != 1 || byCode[requestKey{"GET", "error"}] != 1 {
		t.Errorf("by code: %v", byCode)
	}
	if strings.Contains(logs.String(), "0.5s") {
		t.Error("a short wait was printed")
	}
	var js bytes.Buffer
	newRunOutput(logx.New(&js, "json", "info"), nil).wait(2500*time.Millisecond, "rate limited (429)")
	if !strings.Contains(js.String(), `"msg":"waiting 2.5s for Zoom: rate limited (429)","wait_seconds":2.5,"reason":"rate limited (429)"`) {
		t.Errorf("json wait line: %s", js.String())
	}
}
