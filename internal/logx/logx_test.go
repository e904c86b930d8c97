package logx

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestHuman(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, "text", "info").With("run", "r1")
	log.Debug("hidden")
	log.Info("row 3 sales: created", "row", 3, "key", "sales", "outcome", "created", "url", "https://x/y")
	log.Warn("row 4 ops: invalid", "row", 4, "detail", "column \"hosts\": only 1 host\nsecond line")
	want := "row 3 sales: created run=r1 url=https://x/y\n" +
		"warning: row 4 ops: invalid run=r1\n    column \"hosts\": only 1 host\n    second line\n"
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestJSONKeepsFields(t *testing.T) {
	var buf bytes.Buffer
	New(&buf, "json", "debug").Info("row 3 sales: created", "row", 3, "key", "sales", "outcome", "created")
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["row"] != float64(3) || m["key"] != "sales" || m["outcome"] != "created" || m["level"] != "INFO" {
		t.Errorf("json line = %v", m)
	}
	if strings.Count(buf.String(), "\n") != 1 {
		t.Errorf("want one line per record: %q", buf.String())
	}
}

func TestJSONDurationsInSeconds(t *testing.T) {
	var buf bytes.Buffer
	New(&buf, "json", "info").Info("waited", "wait", 2500*time.Millisecond, "duration_seconds", 3*time.Second, "n", 1)
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["wait_seconds"] != 2.5 || m["duration_seconds"] != float64(3) || m["wait"] != nil {
		t.Errorf("json line = %s", buf.String())
	}
}

func TestFieldsAreForMachines(t *testing.T) {
	var text, js bytes.Buffer
	New(&text, "text", "info").Info("3 created", Fields("created", 3, "took", time.Second), "run", "r1")
	New(&js, "json", "info").Info("3 created", Fields("created", 3, "took", time.Second), "run", "r1")
	if got, want := text.String(), "3 created run=r1\n"; got != want {
		t.Errorf("text: got %q, want %q", got, want)
	}
	var m map[string]any
	if err := json.Unmarshal(js.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["created"] != float64(3) || m["took_seconds"] != float64(1) || m["run"] != "r1" {
		t.Errorf("json line = %s", js.String())
	}
}
