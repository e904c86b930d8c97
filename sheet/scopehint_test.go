package sheet

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// A run that only reads (plan, validate) asks for the read-only scope, but
// when write-back is configured its set-up hints name the write scope, so
// that the one fix also serves sync.
func TestWriteLaterHintsNameTheWriteScope(t *testing.T) {
	src := SourceConfig{Type: TypeGSheet, SpreadsheetID: testSheetID, Credentials: CredentialsNone}
	for _, tc := range []struct {
		name               string
		opts               OpenOptions
		wantScope, wantAsk string
	}{
		{"plan without write-back", OpenOptions{}, scopeURLRead, scopeURLRead},
		{"plan with write-back", OpenOptions{WriteLater: true}, scopeURLWrite, scopeURLRead},
		{"sync with write-back", OpenOptions{Write: true}, scopeURLWrite, scopeURLWrite},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.HTTPClient = http.DefaultClient
			g, err := newGoogle(context.Background(), src, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := g.scope(); got != tc.wantAsk {
				t.Errorf("asks for %s, want %s", got, tc.wantAsk)
			}
			g.credMode = credADC
			err = g.explainSetup(errors.New("credentials: could not find default credentials"))
			if want := "--scopes=" + tc.wantScope + ","; err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("hint %v\nlacks %s", err, want)
			}
			if got := g.credentialHint(); !strings.Contains(got, "--scopes="+tc.wantScope+",") {
				t.Errorf("credential hint %q names the wrong scope", got)
			}
		})
	}
}
