package zoom

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/zoomsync/zoomsync/internal/bodycap"
	"github.com/zoomsync/zoomsync/internal/bodycap/bodycaptest"
)

// hugeClient points a client's API at a server answering every call with
// status and a 100 MB body, and counts what the client reads of it.
func hugeClient(t *testing.T, status int, mod func(*Options)) (*Client, *bodycaptest.Server, *bodycaptest.Counter) {
	t.Helper()
	huge := bodycaptest.Serve(t, status, bodycaptest.Huge)
	counter := &bodycaptest.Counter{}
	c, _, _ := setup(t, func(o *Options) {
		o.APIURL = huge.URL + "/v2"
		o.HTTPClient = &http.Client{Transport: counter}
		o.MaxRetries = 2
		if mod != nil {
			mod(o)
		}
	})
	return c, huge, counter
}

func TestHugeErrorBodyIsCut(t *testing.T) {
	c, huge, counter := hugeClient(t, http.StatusInternalServerError, nil)
	_, err := c.ListSchedules(context.Background(), "u", nil)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 500 {
		t.Fatalf("want the 500, got %v", err)
	}
	if huge.Hits.Load() != 3 {
		t.Errorf("%d tries, want 3", huge.Hits.Load())
	}
	// The token answer is small; each of the three error bodies is cut at
	// 64 KiB.
	if read, most := counter.Read(), int64(3*bodycap.ErrorBody+1024); read > most {
		t.Errorf("read %d bytes of three 100 MB error bodies, want at most %d", read, most)
	}
}

func TestHugeSuccessBodyFails(t *testing.T) {
	c, _, counter := hugeClient(t, http.StatusOK, nil)
	_, err := c.ListSchedules(context.Background(), "u", nil)
	if !errors.Is(err, bodycap.ErrTooLarge) {
		t.Fatalf("want ErrTooLarge, got %v", err)
	}
	if read, most := counter.Read(), int64(bodycap.SuccessBody+1024); read > most {
		t.Errorf("read %d bytes of a 100 MB answer, want at most %d", read, most)
	}
}

func TestHugeTokenErrorIsCut(t *testing.T) {
	huge := bodycaptest.Serve(t, http.StatusBadRequest, bodycaptest.Huge)
	counter := &bodycaptest.Counter{}
	c, _, _ := setup(t, func(o *Options) {
		o.TokenURL = huge.URL + "/oauth/token"
		o.HTTPClient = &http.Client{Transport: counter}
	})
	_, err := c.ListSchedules(context.Background(), "u", nil)
	var ae *AuthError
	if !errors.As(err, &ae) || ae.Status != 400 {
		t.Fatalf("want an AuthError, got %v", err)
	}
	if read := counter.Read(); read > bodycap.ErrorBody {
		t.Errorf("read %d bytes of a 100 MB token answer, want at most %d", read, bodycap.ErrorBody)
	}
}

// TestHugeErrorBodyRSS measures the process's peak RSS while a call is
// answered eleven times (the default retries) with a 100 MB error body.
func TestHugeErrorBodyRSS(t *testing.T) {
	c, huge, _ := hugeClient(t, http.StatusServiceUnavailable, func(o *Options) { o.MaxRetries = 0 })
	if err := bodycaptest.ResetPeakRSS(); err != nil {
		t.Fatal(err)
	}
	before, err := bodycaptest.PeakRSS()
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListSchedules(context.Background(), "u", nil)
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("want the 503, got %v", err)
	}
	after, _ := bodycaptest.PeakRSS()
	growth := float64(after-before) / (1 << 20)
	t.Logf("peak RSS grew %.1f MiB over %d answers of 100 MB (%.1f MiB sent)", growth, huge.Hits.Load(), float64(huge.Written.Load())/(1<<20))
	if growth > 30 {
		t.Errorf("peak RSS grew %.1f MiB, want ≤ 30", growth)
	}
}
