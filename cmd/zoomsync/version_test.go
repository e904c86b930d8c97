package main

import (
	"runtime/debug"
	"testing"
)

func TestReadBuild(t *testing.T) {
	stamped := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	for _, tc := range []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want buildInfo
	}{
		{"go build in a checkout", stamped, true, buildInfo{Version: "v1.4.0", Commit: "0123456789abcdef0123456789abcdef01234567",
			Date: "2026-12-01T10:00:00Z", Modified: true, GoVersion: "go1.26.8"}},
		{"-buildvcs=false", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, true,
			buildInfo{Version: "dev", Commit: "unknown", Date: "unknown", GoVersion: "go1.26.8"}},
		{"no build info", nil, false, buildInfo{Version: "dev", Commit: "unknown", Date: "unknown"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := readBuild(tc.bi, tc.ok)
			got.Platform = ""
			if tc.want.GoVersion == "" {
				tc.want.GoVersion = got.GoVersion
			}
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
