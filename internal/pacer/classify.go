package pacer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
)

// Class is what to do after a failed call.
type Class int

const (
	// Stop: the caller's context ended; return its error.
	Stop Class = iota
	// Fail: the failure is permanent (a 4xx other than 429, a bad
	// certificate, an unknown host); do not try again.
	Fail
	// Retry: a server error (500, 502, 503, 504) or a network failure;
	// back off and try again.
	Retry
	// RateLimited: a 429; wait as the server asks and slow down.
	RateLimited
)

func (c Class) String() string {
	switch c {
	case Stop:
		return "stop"
	case Fail:
		return "fail"
	case Retry:
		return "retry"
	case RateLimited:
		return "rate limited"
	}
	return "unknown"
}

// Classify says what to do after a call that failed with the HTTP status
// (0 when there was no answer) and the error err. The caller's context comes
// first: once it has ended nothing is retried. Then the status, then err.
func Classify(ctx context.Context, status int, err error) Class {
	if ctx.Err() != nil {
		return Stop
	}
	switch status {
	case 0:
	case http.StatusTooManyRequests:
		return RateLimited
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return Retry
	default:
		return Fail
	}
	if err == nil {
		return Fail
	}
	if transient(err) {
		return Retry
	}
	return Fail
}

// transient reports whether a transport error may clear on its own.
func transient(err error) bool {
	// A certificate the system does not trust, or a host that does not
	// exist, stays that way.
	var (
		cve  *tls.CertificateVerificationError
		uae  x509.UnknownAuthorityError
		he   x509.HostnameError
		cie  x509.CertificateInvalidError
		dnse *net.DNSError
	)
	if errors.As(err, &cve) || errors.As(err, &uae) || errors.As(err, &he) || errors.As(err, &cie) {
		return false
	}
	if errors.As(err, &dnse) && dnse.IsNotFound {
		return false
	}
	// An attempt's own timeout (the caller's context is still alive).
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var nerr net.Error
	return errors.As(err, &nerr)
}
