package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// buildInfo is what `zoomsync version` reports.
type buildInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date"` // the commit's time (vcs.time), RFC 3339
	Modified  bool   `json:"modified"`
	GoVersion string `json:"go_version"`
	Platform  string `json:"platform"`
}

const unknown = "unknown"

// readBuild gathers the build details from the values set with -ldflags
// and from the binary's build info. `go build` in a git checkout stamps
// vcs.revision and vcs.time; -buildvcs=false, `go run` and test binaries
// carry no stamp, so the commit is "unknown" there.
func readBuild(bi *debug.BuildInfo, ok bool) buildInfo {
	b := buildInfo{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version(),
		Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if ok {
		if b.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			b.Version = bi.Main.Version // go install module@version
		}
		if bi.GoVersion != "" {
			b.GoVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				if b.Date == "" {
					b.Date = s.Value
				}
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	if b.Commit == "" {
		b.Commit = unknown
	}
	if b.Date == "" {
		b.Date = unknown
	}
	return b
}

func currentBuild() buildInfo { return readBuild(debug.ReadBuildInfo()) }

// versionString is the one-line version, for --version and /status.
func versionString() string {
	b := currentBuild()
	c := b.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	if b.Modified {
		c += "+dirty"
	}
	return fmt.Sprintf("%s (commit %s, %s)", b.Version, c, b.GoVersion)
}

func runVersion(w io.Writer, asJSON bool) error {
	b := currentBuild()
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(b)
	}
	modified := ""
	if b.Modified {
		modified = " (with uncommitted changes)"
	}
	_, err := fmt.Fprintf(w, "zoomsync %s\ncommit:  %s%s\ndate:    %s\ngo:      %s %s\n",
		b.Version, b.Commit, modified, b.Date, b.GoVersion, b.Platform)
	return err
}
