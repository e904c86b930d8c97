package sheet

import (
	"context"
	"net/http"
	"testing"

	"github.com/zoomsync/zoomsync/internal/bodycap"
	"github.com/zoomsync/zoomsync/internal/bodycap/bodycaptest"
)

func hugeSource(url string) SourceConfig {
	return SourceConfig{Type: TypeGSheet, SpreadsheetID: testSheetID, Range: "Teams",
		Credentials: CredentialsNone, Endpoint: url}
}

// TestGoogleHugeErrorBodyIsCut: the Google client reads an error body
// whole, on every try; through the source's transport it reads 64 KiB.
func TestGoogleHugeErrorBodyIsCut(t *testing.T) {
	huge := bodycaptest.Serve(t, http.StatusServiceUnavailable, bodycaptest.Huge)
	counter := &bodycaptest.Counter{}
	g, err := newGoogle(context.Background(), hugeSource(huge.URL), OpenOptions{HTTPClient: &http.Client{Transport: counter}})
	if err != nil {
		t.Fatal(err)
	}
	g.retry = virtualRetry()
	if _, err := g.Read(context.Background()); err == nil {
		t.Fatal("Read succeeded")
	}
	tries := huge.Hits.Load()
	if tries != int64(defaultRetry.tries) {
		t.Errorf("%d tries, want %d", tries, defaultRetry.tries)
	}
	if read, most := counter.Read(), tries*bodycap.ErrorBody; read > most {
		t.Errorf("read %d bytes of %d 100 MB error bodies, want at most %d", read, tries, most)
	}
}

// TestGoogleHugeErrorBodyRSS measures peak RSS while the Sheets client, built
// as zoomsync builds it (its own authenticated transport), is answered
// five times with a 100 MB error body.
func TestGoogleHugeErrorBodyRSS(t *testing.T) {
	huge := bodycaptest.Serve(t, http.StatusServiceUnavailable, bodycaptest.Huge)
	g, err := newGoogle(context.Background(), hugeSource(huge.URL), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	g.retry = virtualRetry()
	if err := bodycaptest.ResetPeakRSS(); err != nil {
		t.Fatal(err)
	}
	before, err := bodycaptest.PeakRSS()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Read(context.Background()); err == nil {
		t.Fatal("Read succeeded")
	}
	after, _ := bodycaptest.PeakRSS()
	growth := float64(after-before) / (1 << 20)
	t.Logf("peak RSS grew %.1f MiB over %d answers of 100 MB (%.1f MiB sent)", growth, huge.Hits.Load(), float64(huge.Written.Load())/(1<<20))
	if huge.Hits.Load() != int64(defaultRetry.tries) {
		t.Errorf("%d tries, want %d", huge.Hits.Load(), defaultRetry.tries)
	}
	if growth > 30 {
		t.Errorf("peak RSS grew %.1f MiB, want ≤ 30", growth)
	}
}

// TestGoogleDefaultEndpoint: the client zoomsync builds itself (to bound its
// bodies) talks to the same endpoint sheets.NewService would.
func TestGoogleDefaultEndpoint(t *testing.T) {
	src := hugeSource("")
	g, err := newGoogle(context.Background(), src, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := g.svc.BasePath; got != "https://sheets.googleapis.com/" {
		t.Errorf("BasePath = %q", got)
	}
	src.Endpoint = "http://127.0.0.1:1/"
	if g, err = newGoogle(context.Background(), src, OpenOptions{}); err != nil || g.svc.BasePath != src.Endpoint {
		t.Errorf("with source.endpoint: %v, %v", g, err)
	}
}
