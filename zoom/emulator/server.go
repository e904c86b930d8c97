package emulator

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// loopbackPeer reports whether a request's RemoteAddr is a loopback
// address. Only the peer counts: headers such as X-Forwarded-For are
// ignored, since anyone can send them.
func loopbackPeer(remoteAddr string) bool {
	ap, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		return false
	}
	return ap.Addr().Unmap().IsLoopback()
}

// IsLoopbackAddr reports whether a listen address such as "127.0.0.1:8089",
// "[::1]:0" or "localhost:8089" binds loopback only. An empty host (":8089")
// or an unspecified one ("0.0.0.0") binds every interface and is not
// loopback. Callers warn when it is false: the API (though not the admin
// endpoints, which answer loopback peers only) is then open to the network.
func IsLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// Server is an emulator behind a running HTTP server.
type Server struct {
	*Emulator
	// URL is the base URL, scheme://host:port without a trailing slash.
	URL string
	// Addr is the address it listens on.
	Addr net.Addr
	// Options are what the emulator runs with, defaults filled in.
	Options Options

	srv       *http.Server
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// ListenLoopback starts an emulator with opts on a free loopback port
// (127.0.0.1:0). Close stops it.
func ListenLoopback(opts Options) (*Server, error) {
	return Listen("127.0.0.1:0", opts)
}

// Listen starts an emulator with opts on addr. Close stops it.
func Listen(addr string, opts Options) (*Server, error) {
	emu, err := New(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		emu.Close()
		return nil, err
	}
	s := &Server{
		Emulator: emu,
		URL:      "http://" + ln.Addr().String(),
		Addr:     ln.Addr(),
		Options:  emu.opts,
		srv:      &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second},
		done:     make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// APIURL is the base of the /v2 API, for a client's api_url.
func (s *Server) APIURL() string { return s.URL + "/v2" }

// TokenURL is the OAuth token endpoint, for a client's oauth_url.
func (s *Server) TokenURL() string { return s.URL + "/oauth/token" }

// Close stops the HTTP server, with a short grace for requests in flight,
// then closes the emulator (landing pending commits and saving the state
// file, if any). Later calls return the first call's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		// net/http's Shutdown waits up to 5 s for a connection that was
		// opened but never sent a request; a short grace then Close keeps
		// every test and every demo run from paying that wait.
		ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
		defer cancel()
		err := s.srv.Shutdown(ctx)
		if err != nil {
			_ = s.srv.Close()
		}
		<-s.done
		if errors.Is(err, context.DeadlineExceeded) {
			err = nil // requests still in flight were cut off; not an error of the emulator
		}
		s.closeErr = errors.Join(err, s.Emulator.Close())
	})
	return s.closeErr
}
