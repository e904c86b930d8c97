package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/zoomsync/zoomsync/internal/atomicfile"
	zsync "github.com/zoomsync/zoomsync/sync"
)

// notifier posts to notify.webhook_url when the set of problems changes: a
// row starts failing, turns invalid or waits for manual work, a problem
// clears, or the run itself cannot run or recovers. While the set stays the
// same it is quiet, except for a reminder every notify.reminder when that
// is set. What it last told the webhook is kept in state_dir, so cron runs
// remember it as well as serve does.
//
// The payload has a Slack-compatible "text" field and is built only from
// the report, which holds no secrets; the URL (itself a credential) is
// never logged.
type notifier struct {
	log    *slog.Logger
	client *http.Client
	now    func() time.Time
}

// maxWebhookAnswer bounds how much of the webhook's answer is read.
const maxWebhookAnswer = 64 << 10

// maxNotifiedRows bounds the payload for a sheet with many bad rows.
const maxNotifiedRows = 20

type notification struct {
	Text    string         `json:"text"`
	Run     string         `json:"run"`
	Result  string         `json:"result"`
	Summary string         `json:"summary,omitempty"`
	Error   string         `json:"error,omitempty"`
	Rows    []zsync.Result `json:"rows,omitempty"` // every current problem, new ones first
	More    int            `json:"more_rows,omitempty"`
	// New and Cleared are the problem keys that appeared and went away
	// since the last notification; Reminder marks a repeat of an unchanged
	// set.
	New      []string `json:"new,omitempty"`
	Cleared  []string `json:"cleared,omitempty"`
	Reminder bool     `json:"reminder,omitempty"`
}

// notifyMemory is what the webhook was last told, in state_dir.
type notifyMemory struct {
	// Problems are the keys of the problems last sent: "row:KEY:OUTCOME"
	// for rows, "run:error" when the run could not run.
	Problems []string  `json:"problems"`
	Sent     time.Time `json:"sent"`
}

const notifyMemoryFile = "notify.json"

// runProblem is the problem key of a run that could not run.
const runProblem = "run:error"

// problems are the run's problem keys and, for rows, their results: rows
// that failed, are invalid, need manual work or an unknown outcome, and
// rows waiting for their page to be made in the web app.
func problems(rec runRecord) ([]string, map[string]zsync.Result) {
	rows := map[string]zsync.Result{}
	var keys []string
	if rec.Result == resultError {
		keys = append(keys, runProblem)
	}
	if rec.report != nil {
		for _, r := range rec.report.Results {
			if r.Attention() || r.Action == zsync.ActionCreateInWebApp {
				id := r.Key
				if id == "" {
					id = fmt.Sprintf("row%d", r.Row)
				}
				if r.Row == 0 {
					id = "page:" + r.Slug
				}
				k := "row:" + id + ":" + r.Outcome()
				if _, dup := rows[k]; !dup {
					keys = append(keys, k)
				}
				rows[k] = r
			}
		}
	}
	slices.Sort(keys)
	return keys, rows
}

func (n notifier) send(ctx context.Context, rec runRecord) {
	if rec.webhook == "" || rec.Result == resultLocked {
		return
	}
	now := time.Now
	if n.now != nil {
		now = n.now
	}
	keys, rows := problems(rec)
	memPath := ""
	if rec.stateDir != "" {
		memPath = filepath.Join(rec.stateDir, notifyMemoryFile)
	}
	mem, err := readNotifyMemory(memPath)
	if err != nil {
		n.log.Warn("webhook memory unreadable; starting afresh", "detail", err.Error())
	}
	added, cleared := diffKeys(mem.Problems, keys)
	reminder := false
	switch {
	case len(added) > 0 || len(cleared) > 0:
	case len(keys) > 0 && rec.reminder > 0 && now().Sub(mem.Sent) >= rec.reminder:
		reminder = true
	default:
		n.log.Debug("webhook not called: the problems are the ones it was last told", "problems", len(keys))
		return
	}

	p := notification{Run: rec.ID, Result: rec.Result, Summary: rec.Summary, Error: rec.Error,
		New: added, Cleared: cleared, Reminder: reminder}
	// New problems first, then the others, each in key order.
	order := append(slices.Clone(added), slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return slices.Contains(added, k) })...)
	for _, k := range order {
		r, ok := rows[k]
		if !ok {
			continue
		}
		if len(p.Rows) < maxNotifiedRows {
			r.Fields = nil
			p.Rows = append(p.Rows, r)
		} else {
			p.More++
		}
	}
	p.Text = notificationText(p)
	if !n.post(ctx, rec, p) {
		return // the memory stays, so the next run tries again
	}
	if memPath != "" {
		if err := writeNotifyMemory(memPath, notifyMemory{Problems: keys, Sent: now().UTC()}); err != nil {
			n.log.Warn("webhook memory not saved; the next run may notify again", "detail", err.Error())
		}
	}
}

// post sends p and reports whether the webhook took it.
func (n notifier) post(ctx context.Context, rec runRecord, p notification) bool {
	body, err := json.Marshal(p)
	if err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rec.webhook.Reveal(), bytes.NewReader(body))
	if err != nil {
		n.log.Warn("notification not sent: notify.webhook_url is not a valid URL")
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	client := n.client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		// The error text would include the URL: report only its kind.
		n.log.Warn("notification not sent: the webhook could not be reached")
		return false
	}
	// Read a little of the answer so the connection can be reused, never
	// more: a webhook that answers with a huge body cannot fill memory.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxWebhookAnswer))
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		n.log.Warn("notification not accepted by the webhook", "status", resp.StatusCode)
		return false
	}
	n.log.Info("webhook notified", "new", len(p.New), "cleared", len(p.Cleared), "reminder", p.Reminder)
	return true
}

// diffKeys returns the keys in now but not in before, and the reverse.
func diffKeys(before, now []string) (added, cleared []string) {
	for _, k := range now {
		if !slices.Contains(before, k) {
			added = append(added, k)
		}
	}
	for _, k := range before {
		if !slices.Contains(now, k) {
			cleared = append(cleared, k)
		}
	}
	return added, cleared
}

func readNotifyMemory(path string) (notifyMemory, error) {
	var m notifyMemory
	if path == "" {
		return m, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return notifyMemory{}, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// writeNotifyMemory replaces the file atomically, so that a run killed
// while writing leaves the old memory, not half of one.
func writeNotifyMemory(path string, m notifyMemory) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(data, '\n'), 0o600, 0o700)
}

func notificationText(p notification) string {
	var b strings.Builder
	switch {
	case p.Result == resultError:
		fmt.Fprintf(&b, "zoomsync run %s could not run: %s", p.Run, p.Error)
	case len(p.Rows) == 0 && p.More == 0:
		fmt.Fprintf(&b, "zoomsync run %s: all clear — %s", p.Run, p.Summary)
	case p.Reminder:
		fmt.Fprintf(&b, "zoomsync run %s (reminder, unchanged): %s", p.Run, p.Summary)
	default:
		fmt.Fprintf(&b, "zoomsync run %s: %s", p.Run, p.Summary)
	}
	for _, r := range p.Rows {
		fmt.Fprintf(&b, "\n• row %d %s: %s", r.Row, r.Key, r.Outcome())
		if d := r.Detail(); d != "" {
			msg := d
			if len(msg) > 300 {
				msg = msg[:297] + "..."
			}
			fmt.Fprintf(&b, " — %s", msg)
		}
	}
	if p.More > 0 {
		fmt.Fprintf(&b, "\n…and %d more rows", p.More)
	}
	var fixed []string
	for _, k := range p.Cleared {
		if k == runProblem {
			fixed = append(fixed, "the run runs again")
			continue
		}
		// "row:KEY:OUTCOME" → "KEY (OUTCOME)"
		rest := strings.TrimPrefix(k, "row:")
		if i := strings.LastIndex(rest, ":"); i > 0 {
			rest = rest[:i] + " (was " + rest[i+1:] + ")"
		}
		fixed = append(fixed, rest)
	}
	if len(fixed) > 0 {
		fmt.Fprintf(&b, "\nCleared: %s", strings.Join(fixed, ", "))
	}
	return b.String()
}
