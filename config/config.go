// Package config reads zoomsync's YAML configuration file: defaults,
// ${VAR} expansion, environment overrides for the Zoom secrets, unknown-key
// detection and validation errors that name the key path.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the whole configuration file.
type Config struct {
	Source    Source            `yaml:"source"`
	Columns   map[string]string `yaml:"columns"`
	Defaults  Defaults          `yaml:"defaults"`
	Zoom      Zoom              `yaml:"zoom"`
	Emulator  Emulator          `yaml:"emulator"`
	Sync      Sync              `yaml:"sync"`
	Writeback Writeback         `yaml:"writeback"`
	StateDir  string            `yaml:"state_dir"`
	Log       Log               `yaml:"log"`
	Serve     Serve             `yaml:"serve"`
	Notify    Notify            `yaml:"notify"`

	// Dir is the directory of the file the config was loaded from; relative
	// paths in the file are resolved against it. Empty for Default().
	Dir string `yaml:"-"`
	// unset lists "${VAR}" references whose variable was not set, by key path.
	unset map[string]string
}

// Source says where the roster rows come from.
type Source struct {
	Type          string `yaml:"type"`           // gsheet | csv
	SpreadsheetID string `yaml:"spreadsheet_id"` // gsheet
	Range         string `yaml:"range"`          // gsheet; empty: the first tab
	Credentials   string `yaml:"credentials"`    // gsheet: adc | none | path to a service-account key
	Endpoint      string `yaml:"endpoint"`       // gsheet: another Sheets API base URL
	Path          string `yaml:"path"`           // csv
}

// Source types.
const (
	SourceGSheet = "gsheet"
	SourceCSV    = "csv"
)

// Credential modes for a gsheet source; any other value is a key file path.
const (
	CredentialsADC  = "adc"
	CredentialsNone = "none"
)

// Defaults fill cells a row leaves empty.
type Defaults struct {
	TimeZone     string `yaml:"timezone"`
	Duration     int    `yaml:"duration"`
	Availability string `yaml:"availability"`
}

// Zoom is how to reach the Zoom API.
type Zoom struct {
	AccountID    string `yaml:"account_id"`
	ClientID     string `yaml:"client_id"`
	ClientSecret Secret `yaml:"client_secret"`
	APIURL       string `yaml:"api_url"`
	OAuthURL     string `yaml:"oauth_url"`
	Emulator     bool   `yaml:"emulator"`
	// RateLimit is `auto` (the default: pace by the limit Zoom reports, at
	// most QuotaShare percent of it) or a number, a hard ceiling in
	// requests per second.
	RateLimit RateLimit `yaml:"rate_limit"`
	// QuotaShare is the percentage of the account's rate limit that
	// rate_limit auto may use (default 50).
	QuotaShare  float64       `yaml:"quota_share"`
	Concurrency int           `yaml:"concurrency"`
	Timeout     time.Duration `yaml:"timeout"`
	// MaxRetries is how many times one call is tried again after a server
	// error (500, 502, 503, 504) or a network failure; 0 takes the client's
	// default (10) and -1 never retries. Per-second rate limits (429) are
	// not counted: they are waited out. A create whose answer was lost is
	// never sent again before the owner's pages are listed.
	MaxRetries int `yaml:"max_retries"`
}

// RateLimit is zoom.rate_limit: `auto`, or a ceiling in requests per second.
type RateLimit struct {
	Auto      bool
	PerSecond float64
}

// UnmarshalYAML reads `auto` or a number.
func (r *RateLimit) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && strings.EqualFold(strings.TrimSpace(n.Value), "auto") {
		*r = RateLimit{Auto: true}
		return nil
	}
	var f float64
	if err := n.Decode(&f); err != nil {
		return fmt.Errorf("line %d: rate_limit must be auto or a number of requests per second, not %q", n.Line, n.Value)
	}
	*r = RateLimit{PerSecond: f}
	return nil
}

// MarshalYAML writes `auto` or the number.
func (r RateLimit) MarshalYAML() (any, error) {
	if r.Auto {
		return "auto", nil
	}
	return r.PerSecond, nil
}

// String is `auto` or the number.
func (r RateLimit) String() string {
	if r.Auto {
		return "auto"
	}
	return strconv.FormatFloat(r.PerSecond, 'f', -1, 64)
}

// Emulator tunes the in-process emulator used when zoom.emulator is true.
type Emulator struct {
	Mode         string        `yaml:"mode"` // collective | downgrade
	RateLimit    int           `yaml:"rate_limit"`
	Latency      time.Duration `yaml:"latency"`
	ErrorRate    float64       `yaml:"error_rate"`
	DropPostRate float64       `yaml:"drop_post_rate"`
}

// Emulator modes.
const (
	ModeCollective = "collective"
	ModeDowngrade  = "downgrade"
)

// Sync holds the engine's policy.
type Sync struct {
	SlugPrefix      string  `yaml:"slug_prefix"`
	OnDowngrade     string  `yaml:"on_downgrade"` // delete | keep
	Prune           string  `yaml:"prune"`        // off | deactivate | delete
	MaxPrune        int     `yaml:"max_prune"`
	MaxPrunePercent float64 `yaml:"max_prune_percent"`
}

// Policy values.
const (
	OnDowngradeDelete = "delete"
	OnDowngradeKeep   = "keep"
	PruneOff          = "off"
	PruneDeactivate   = "deactivate"
	PruneDelete       = "delete"
)

// Writeback controls writing results back into the sheet.
type Writeback struct {
	Enabled bool             `yaml:"enabled"`
	Columns WritebackColumns `yaml:"columns"`
}

// WritebackColumns are the header texts of the write-back columns.
type WritebackColumns struct {
	ScheduleID string `yaml:"schedule_id"`
	BookingURL string `yaml:"booking_url"`
	Status     string `yaml:"status"`
	SyncedAt   string `yaml:"synced_at"`
}

// Log chooses the log format and level.
type Log struct {
	Format string `yaml:"format"` // text | json
	Level  string `yaml:"level"`  // debug | info | warn | error
}

// Serve configures `zoomsync serve`.
type Serve struct {
	Schedule        string        `yaml:"schedule"`
	Addr            string        `yaml:"addr"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
}

// Notify configures run notifications.
type Notify struct {
	// WebhookURL receives a JSON summary when a run fails or rows fail.
	// Webhook URLs embed a credential, so it is a Secret.
	WebhookURL Secret `yaml:"webhook_url"`
}

// Secret is a string that never prints itself: fmt, slog and JSON all see
// a placeholder. Use Reveal to get the value.
type Secret string

const redacted = "[redacted]"

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

// String hides the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString hides the value from %#v.
func (s Secret) GoString() string { return s.String() }

// MarshalJSON hides the value.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// MarshalYAML hides the value.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// Default returns the configuration used for every key the file leaves out.
func Default() *Config {
	return &Config{
		Source: Source{Type: SourceGSheet, Credentials: CredentialsADC},
		Defaults: Defaults{
			TimeZone:     "UTC",
			Duration:     30,
			Availability: "Mon-Fri 09:00-17:00",
		},
		Zoom: Zoom{
			APIURL:      "https://api.zoom.us/v2",
			OAuthURL:    "https://zoom.us/oauth/token",
			RateLimit:   RateLimit{Auto: true},
			QuotaShare:  50,
			Concurrency: 4,
			Timeout:     30 * time.Second,
		},
		Emulator: Emulator{Mode: ModeCollective, RateLimit: 30},
		Sync: Sync{
			OnDowngrade:     OnDowngradeDelete,
			Prune:           PruneOff,
			MaxPrune:        5,
			MaxPrunePercent: 10,
		},
		Writeback: Writeback{Columns: WritebackColumns{
			ScheduleID: "schedule_id",
			BookingURL: "booking_url",
			Status:     "sync_status",
			SyncedAt:   "synced_at",
		}},
		StateDir: ".zoomsync",
		Log:      Log{Format: "text", Level: "info"},
		Serve: Serve{
			Schedule:        "CRON_TZ=UTC */30 * * * *",
			Addr:            "127.0.0.1:9090",
			ShutdownTimeout: 2 * time.Minute,
		},
	}
}

// Load reads the file at path, applies the environment and resolves relative
// paths against the file's directory. It does not validate; call Validate.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("config file %s does not exist (pass --config, or start from examples/demo.yaml)", path)
		}
		return nil, fmt.Errorf("reading config: %w", err)
	}
	cfg, err := Parse(bytes.NewReader(data), os.LookupEnv)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	cfg.Dir = filepath.Dir(abs)
	return cfg, nil
}

// LookupEnv is os.LookupEnv's shape, so tests can pass a map.
type LookupEnv func(string) (string, bool)

// Parse decodes a config file over Default(). ${VAR} in any value is
// replaced from lookup; ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and
// ZOOM_CLIENT_SECRET, when set, override the file. A key the file names but
// zoomsync does not know is an error naming its path.
func Parse(r io.Reader, lookup LookupEnv) (*Config, error) {
	if lookup == nil {
		lookup = func(string) (string, bool) { return "", false }
	}
	cfg := Default()
	cfg.unset = map[string]string{}

	var doc yaml.Node
	dec := yaml.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("not valid YAML: %w", err)
	}
	if len(doc.Content) > 0 {
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("line %d: the config must be a mapping of keys (source:, zoom:, ...)", root.Line)
		}
		lines := map[int]string{}
		if err := checkKeys(root, typeOfConfig, "", lines); err != nil {
			return nil, err
		}
		expandNode(root, "", lookup, cfg.unset)
		if err := root.Decode(cfg); err != nil {
			return nil, describeDecodeError(err, lines)
		}
	}
	applyEnv(cfg, lookup)
	return cfg, nil
}

func applyEnv(cfg *Config, lookup LookupEnv) {
	if v, ok := lookup("ZOOM_ACCOUNT_ID"); ok && v != "" {
		cfg.Zoom.AccountID = v
		delete(cfg.unset, "zoom.account_id")
	}
	if v, ok := lookup("ZOOM_CLIENT_ID"); ok && v != "" {
		cfg.Zoom.ClientID = v
		delete(cfg.unset, "zoom.client_id")
	}
	if v, ok := lookup("ZOOM_CLIENT_SECRET"); ok && v != "" {
		cfg.Zoom.ClientSecret = Secret(v)
		delete(cfg.unset, "zoom.client_secret")
	}
}

// Path resolves p against the config file's directory.
func (c *Config) Path(p string) string {
	if p == "" || filepath.IsAbs(p) || c.Dir == "" {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// LockPath is the lock file one-shot runs take.
func (c *Config) LockPath() string { return filepath.Join(c.Path(c.StateDir), "zoomsync.lock") }

// EmulatorStatePath is where the in-process emulator keeps its pages.
func (c *Config) EmulatorStatePath() string {
	return filepath.Join(c.Path(c.StateDir), "emulator.json")
}

var linePrefix = regexp.MustCompile(`^line (\d+): cannot unmarshal !!(\w+) ` + "`" + `(.*)` + "`" + ` into (.*)$`)

// describeDecodeError rewrites yaml's type errors ("line 7: cannot unmarshal
// !!str `abc` into int") so they name the key and the expected kind of
// value instead of a Go type.
func describeDecodeError(err error, lines map[int]string) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	msgs := make([]string, len(te.Errors))
	for i, m := range te.Errors {
		msgs[i] = m
		sub := linePrefix.FindStringSubmatch(m)
		if sub == nil {
			continue
		}
		line, _ := strconv.Atoi(sub[1])
		path := lines[line]
		if path == "" {
			path = "value"
		}
		msgs[i] = fmt.Sprintf("line %d: %s: %q is not %s", line, path, sub[3], kindOf(sub[4]))
	}
	return fmt.Errorf("%s", strings.Join(msgs, "; "))
}

func kindOf(goType string) string {
	switch {
	case goType == "time.Duration":
		return "a duration (for example 30s, 5m)"
	case strings.HasPrefix(goType, "int"):
		return "a whole number"
	case strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "map"):
		return "a mapping of keys to values"
	case goType == "string" || goType == "config.Secret":
		return "a single text value"
	}
	return "the right kind of value"
}
