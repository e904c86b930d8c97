package pacer

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	live := context.Background()
	done, cancel := context.WithCancel(context.Background())
	cancel()
	refused := &url.Error{Op: "Get", URL: "http://x", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}
	tests := []struct {
		name   string
		ctx    context.Context
		status int
		err    error
		want   Class
	}{
		{"context first", done, 503, nil, Stop},
		{"context first over 429", done, 429, nil, Stop},
		{"429", live, 429, nil, RateLimited},
		{"500", live, 500, nil, Retry},
		{"502", live, 502, nil, Retry},
		{"503", live, 503, nil, Retry},
		{"504", live, 504, nil, Retry},
		{"501", live, 501, nil, Fail},
		{"400", live, 400, nil, Fail},
		{"404", live, 404, nil, Fail},
		{"refused", live, 0, refused, Retry},
		{"reset", live, 0, fmt.Errorf("read: %w", syscall.ECONNRESET), Retry},
		{"eof", live, 0, io.ErrUnexpectedEOF, Retry},
		{"attempt timeout", live, 0, &url.Error{Op: "Get", Err: context.DeadlineExceeded}, Retry},
		{"unknown host", live, 0, &url.Error{Op: "Get", Err: &net.DNSError{Err: "no such host", IsNotFound: true}}, Fail},
		{"untrusted cert", live, 0, &url.Error{Op: "Get", Err: x509.UnknownAuthorityError{}}, Fail},
		{"other", live, 0, errors.New("json: bad"), Fail},
	}
	for _, tt := range tests {
		if got := Classify(tt.ctx, tt.status, tt.err); got != tt.want {
			t.Errorf("%s: Classify = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{"0", 0, true},
		{"1.5", 1500 * time.Millisecond, true},
		{"-1", 0, false},
		{"Mon, 23 Nov 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Monday, 23-Nov-26 12:00:30 GMT", 30 * time.Second, true},
		{"2026-11-24T00:00:00Z", 12 * time.Hour, true},
		{"2026-11-24T01:00:00+01:00", 12 * time.Hour, true},
		{"2026-11-23T11:00:00Z", 0, true},
		{"2026-11-23T12:01:00", time.Minute, true},
		{"soon", 0, false},
		{"NaN", 0, false},
		{"Inf", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoffBoundsAndGrowth(t *testing.T) {
	b := Backoff{Min: 100 * time.Millisecond, Max: time.Second}
	for n, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 5: time.Second, 60: time.Second} {
		for range 50 {
			if d := b.Delay(n); d < want/2 || d > want {
				t.Fatalf("Delay(%d) = %v, want in [%v, %v]", n, d, want/2, want)
			}
		}
	}
}
