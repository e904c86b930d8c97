package main

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/zoomsync/zoomsync/config"
	"github.com/zoomsync/zoomsync/internal/bodycap/bodycaptest"
)

// TestWebhookHugeAnswerIsCut: a webhook that answers with 100 MB is read
// no further than maxWebhookAnswer.
func TestWebhookHugeAnswerIsCut(t *testing.T) {
	huge := bodycaptest.Serve(t, http.StatusOK, bodycaptest.Huge)
	counter := &bodycaptest.Counter{}
	n := notifier{log: slog.New(slog.DiscardHandler), client: &http.Client{Transport: counter}}
	n.send(context.Background(), runRecord{ID: "r1", Result: resultError, Error: "boom", webhook: config.Secret(huge.URL + "/hook")})
	if huge.Hits.Load() != 1 {
		t.Fatalf("webhook called %d times, want 1", huge.Hits.Load())
	}
	if read := counter.Read(); read > maxWebhookAnswer {
		t.Errorf("read %d bytes of the webhook's 100 MB answer, want at most %d", read, maxWebhookAnswer)
	}
}
