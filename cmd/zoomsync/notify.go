package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	zsync "github.com/zoomsync/zoomsync/sync"
)

// notifier posts a run summary to notify.webhook_url when a run fails or
// rows fail. The payload has a Slack-compatible "text" field and is built
// only from the report, which holds no secrets; the URL (itself a
// credential) is never logged.
type notifier struct {
	log    *slog.Logger
	client *http.Client
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
	Rows    []zsync.Result `json:"rows,omitempty"`
	More    int            `json:"more_rows,omitempty"`
}

func (n notifier) send(ctx context.Context, rec runRecord) {
	if rec.webhook == "" || rec.Result == resultOK || rec.Result == resultLocked {
		return
	}
	p := notification{Run: rec.ID, Result: rec.Result, Summary: rec.Summary, Error: rec.Error}
	if rec.report != nil {
		for _, r := range rec.report.Results {
			if r.Attention() {
				if len(p.Rows) < maxNotifiedRows {
					r.Fields = nil
					p.Rows = append(p.Rows, r)
				} else {
					p.More++
				}
			}
		}
	}
	p.Text = notificationText(p)
	body, err := json.Marshal(p)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rec.webhook.Reveal(), bytes.NewReader(body))
	if err != nil {
		n.log.Warn("notification not sent: notify.webhook_url is not a valid URL")
		return
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
		return
	}
	// Read a little of the answer so the connection can be reused, never
	// more: a webhook that answers with a huge body cannot fill memory.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxWebhookAnswer))
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		n.log.Warn("notification not accepted by the webhook", "status", resp.StatusCode)
	}
}

func notificationText(p notification) string {
	var b strings.Builder
	switch p.Result {
	case resultError:
		fmt.Fprintf(&b, "zoomsync run %s could not run: %s", p.Run, p.Error)
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
	return b.String()
}
