// Package emulatortest runs a Zoom Scheduler emulator on loopback for tests
// and benchmarks, and points a real client at it.
package emulatortest

import (
	"testing"

	"github.com/zoomsync/zoomsync/zoom"
	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// Server is an emulator behind an HTTP server on loopback.
type Server struct {
	*emulator.Server
	Opts emulator.Options // what it was started with
}

// Start runs an emulator with opts on loopback (emulator.ListenLoopback)
// until the test ends.
func Start(tb testing.TB, opts emulator.Options) *Server {
	tb.Helper()
	srv, err := emulator.ListenLoopback(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := srv.Close(); err != nil {
			tb.Errorf("closing the emulator: %v", err)
		}
	})
	return &Server{Server: srv, Opts: opts}
}

// ClientOptions point a zoom.Client at the server with the credentials it
// accepts; callers add pacing and retry settings.
func (s *Server) ClientOptions() zoom.Options {
	o := s.Server.Options
	return zoom.Options{
		APIURL: s.APIURL(), TokenURL: s.TokenURL(),
		AccountID: o.AccountID, ClientID: o.ClientID, ClientSecret: o.ClientSecret,
	}
}
