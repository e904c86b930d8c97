// Package emulatortest runs a Zoom Scheduler emulator on loopback for tests
// and benchmarks, and points a real client at it.
package emulatortest

import (
	"net/http/httptest"
	"testing"

	"github.com/zoomsync/zoomsync/zoom"
	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// Server is an emulator behind an HTTP server on loopback.
type Server struct {
	*emulator.Emulator
	URL  string           // scheme://host:port, no trailing slash
	Opts emulator.Options // what it was started with
}

// Start runs an emulator with opts until the test ends.
func Start(tb testing.TB, opts emulator.Options) *Server {
	tb.Helper()
	emu, err := emulator.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	tb.Cleanup(func() {
		srv.Close()
		emu.Close()
	})
	return &Server{Emulator: emu, URL: srv.URL, Opts: opts}
}

// ClientOptions point a zoom.Client at the server with the credentials it
// accepts; callers add pacing and retry settings.
func (s *Server) ClientOptions() zoom.Options {
	o := s.Opts
	d := emulator.DefaultOptions()
	if o.AccountID == "" {
		o.AccountID = d.AccountID
	}
	if o.ClientID == "" {
		o.ClientID = d.ClientID
	}
	if o.ClientSecret == "" {
		o.ClientSecret = d.ClientSecret
	}
	return zoom.Options{
		APIURL: s.URL + "/v2", TokenURL: s.URL + "/oauth/token",
		AccountID: o.AccountID, ClientID: o.ClientID, ClientSecret: o.ClientSecret,
	}
}
