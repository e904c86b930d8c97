// Package config reads zoomsync's YAML configuration file: defaults,
// ${VAR} expansion, environment overrides for the Zoom secrets, unknown-key
// detection and validation errors that name the key path.
package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/zoomsync/zoomsync/sheet"
	"github.com/zoomsync/zoomsync/zoom"
	"github.com/zoomsync/zoomsync/zoom/emulator"
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
	SourceGSheet = sheet.TypeGSheet
	SourceCSV    = sheet.TypeCSV
)

// Credential modes for a gsheet source; any other value is a key file path.
const (
	CredentialsADC  = sheet.CredentialsADC
	CredentialsNone = sheet.CredentialsNone
)

// Sheet is the source as the sheet package takes it.
func (s Source) Sheet() sheet.SourceConfig { return sheet.SourceConfig(s) }

// Defaults fill cells a row leaves empty (sheet.Defaults, with YAML keys).
type Defaults struct {
	TimeZone     string `yaml:"timezone"`
	Duration     int    `yaml:"duration"`
	Availability string `yaml:"availability"`
}

// Sheet is the defaults as the sheet package takes them.
func (d Defaults) Sheet() sheet.Defaults { return sheet.Defaults(d) }

// Zoom is how to reach the Zoom API.
type Zoom struct {
	AccountID    string        `yaml:"account_id"`
	ClientID     string        `yaml:"client_id"`
	ClientSecret Secret        `yaml:"client_secret"`
	APIURL       string        `yaml:"api_url"`
	OAuthURL     string        `yaml:"oauth_url"`
	Emulator     bool          `yaml:"emulator"`
	RateLimit    RateLimit     `yaml:"rate_limit"`
	QuotaShare   float64       `yaml:"quota_share"` // percent of the account's rate limit, 1-100
	Concurrency  int           `yaml:"concurrency"`
	Timeout      time.Duration `yaml:"timeout"`
	// MaxRetries is zoom.Options.MaxRetries, passed unchanged: how many
	// times one call is tried again after a server error (500, 502, 503,
	// 504) or a network failure; 0 takes the client's default
	// (zoom.DefaultMaxRetries, 10) and -1 never retries. Per-second rate
	// limits (429) are not counted: they are waited out. A create whose
	// answer was lost is never sent again before the owner's pages are
	// listed.
	MaxRetries int `yaml:"max_retries"`
}

// Emulator tunes the in-process emulator used when zoom.emulator is true.
type Emulator struct {
	Mode         string        `yaml:"mode"` // downgrade | collective | anyhost
	RateLimit    int           `yaml:"rate_limit"`
	Latency      time.Duration `yaml:"latency"`
	ErrorRate    float64       `yaml:"error_rate"`
	DropPostRate float64       `yaml:"drop_post_rate"`
	// Seed is a JSON file of users and web-app pages the emulator starts
	// with when it holds no pages yet (relative to the config file); the
	// demo uses it to start from an account that already has pages.
	Seed string `yaml:"seed"`
}

// Emulator modes (the emulator's, as strings).
const (
	ModeDowngrade  = string(emulator.ModeDowngrade)
	ModeCollective = string(emulator.ModeCollective)
	ModeAnyHost    = string(emulator.ModeAnyHost)
)

// Sync holds the engine's policy.
type Sync struct {
	SlugPrefix      string  `yaml:"slug_prefix"`
	OnDowngrade     string  `yaml:"on_downgrade"` // delete | keep
	Prune           string  `yaml:"prune"`        // off | deactivate | delete
	MaxPrune        int     `yaml:"max_prune"`
	MaxPrunePercent float64 `yaml:"max_prune_percent"`
	// RecheckCreate is how long a saved finding about multi-host creates
	// (honoured or downgraded), or about a host change Zoom did not store,
	// holds before a run tests it again.
	RecheckCreate time.Duration `yaml:"recheck_create"`
	Dedupe        string        `yaml:"dedupe"` // delete | report: what to do with duplicate pages zoomsync made
}

// Policy values.
const (
	OnDowngradeDelete = "delete"
	OnDowngradeKeep   = "keep"
	PruneOff          = "off"
	PruneDeactivate   = "deactivate"
	PruneDelete       = "delete"
	DedupeDelete      = "delete"
	DedupeReport      = "report"
)

// Writeback controls writing results back into the sheet.
type Writeback struct {
	Enabled bool             `yaml:"enabled"`
	Columns WritebackColumns `yaml:"columns"`
}

// WritebackColumns are the header texts of the write-back columns
// (sheet.WritebackColumns, with YAML keys).
type WritebackColumns struct {
	ScheduleID string `yaml:"schedule_id"`
	BookingURL string `yaml:"booking_url"`
	Status     string `yaml:"status"`
	SyncedAt   string `yaml:"synced_at"`
}

// Sheet is the columns as the sheet package takes them.
func (w WritebackColumns) Sheet() sheet.WritebackColumns { return sheet.WritebackColumns(w) }

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
	// Reminder, when positive, repeats the webhook while the same rows
	// keep failing, at most this often; 0 sends it only when they change.
	Reminder time.Duration `yaml:"reminder"`
}

// RateLimit is zoom.rate_limit: `auto` (Auto), sharing the account's limit
// as Zoom's answers report it, or a number, a hard ceiling in requests per
// second (PerSecond).
type RateLimit struct {
	Auto      bool
	PerSecond float64
}

const rateLimitAuto = "auto"

// String is "auto" or the number.
func (r RateLimit) String() string {
	if r.Auto {
		return rateLimitAuto
	}
	return strconv.FormatFloat(r.PerSecond, 'f', -1, 64)
}

// UnmarshalYAML reads `auto` or a number; checkNode has already rejected
// anything else with the key's path.
func (r *RateLimit) UnmarshalYAML(n *yaml.Node) error {
	if n.Value == rateLimitAuto {
		*r = RateLimit{Auto: true}
		return nil
	}
	f, err := strconv.ParseFloat(n.Value, 64)
	if err != nil {
		return fmt.Errorf("line %d: zoom.rate_limit: expected auto or a number of requests per second, got %q", n.Line, n.Value)
	}
	*r = RateLimit{PerSecond: f}
	return nil
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
// The Zoom client's and the emulator's defaults come from their packages;
// zoom.max_retries stays 0, which the client reads as its default.
func Default() *Config {
	emu := emulator.DefaultOptions()
	return &Config{
		Source: Source{Type: SourceGSheet, Credentials: CredentialsADC},
		Defaults: Defaults{
			TimeZone:     "UTC",
			Duration:     30,
			Availability: "Mon-Fri 09:00-17:00",
		},
		Zoom: Zoom{
			APIURL:      zoom.DefaultAPIURL,
			OAuthURL:    zoom.DefaultTokenURL,
			RateLimit:   RateLimit{Auto: true},
			QuotaShare:  zoom.DefaultQuotaShare,
			Concurrency: zoom.DefaultConcurrency,
			Timeout:     zoom.DefaultTimeout,
		},
		Emulator: Emulator{Mode: string(emu.Mode), RateLimit: emu.RateLimit},
		Sync: Sync{
			OnDowngrade:     OnDowngradeDelete,
			Prune:           PruneOff,
			MaxPrune:        5,
			MaxPrunePercent: 10,
			RecheckCreate:   168 * time.Hour,
			Dedupe:          DedupeDelete,
		},
		Writeback: Writeback{Columns: WritebackColumns(sheet.DefaultWritebackColumns())},
		StateDir:  ".zoomsync",
		Log:       Log{Format: "text", Level: "info"},
		Serve: Serve{
			Schedule:        "CRON_TZ=UTC */30 * * * *",
			Addr:            "127.0.0.1:9090",
			ShutdownTimeout: 2 * time.Minute,
		},
	}
}

// maxFileSize is the largest config file zoomsync reads. Real configs are
// a few kilobytes; the cap keeps a runaway value from costing seconds and
// hundreds of megabytes before it is refused.
const maxFileSize = 1 << 20

// Load reads the file at path, applies the environment and resolves relative
// paths against the file's directory. It does not validate; call Validate.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("config file %s does not exist (pass --config, or start from examples/demo.yaml)", path)
		}
		return nil, fmt.Errorf("reading config: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > maxFileSize {
		return nil, fmt.Errorf("config file %s is %d bytes; a config file may be at most %d bytes (1 MiB)", path, st.Size(), maxFileSize)
	}
	cfg, err := Parse(f, os.LookupEnv)
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
// ZOOM_CLIENT_SECRET, when set, override the file. Keys the file names but
// zoomsync does not know and values of the wrong kind are reported together
// in one *ValidationError: each unknown key an *UnknownKeyError (errors.As
// finds the first), each wrong value naming its key path and the kind
// expected. At most maxFileSize bytes are read.
func Parse(r io.Reader, lookup LookupEnv) (*Config, error) {
	if lookup == nil {
		lookup = func(string) (string, bool) { return "", false }
	}
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("the config is larger than %d bytes (1 MiB), the most a config file may be", maxFileSize)
	}
	cfg := Default()
	cfg.unset = map[string]string{}

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not valid YAML: %w", err)
	}
	if len(doc.Content) > 0 {
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("line %d: the config must be a mapping of keys (source:, zoom:, ...)", root.Line)
		}
		expanded := expandNode(root, "", lookup, cfg.unset)
		c := &checker{expanded: expanded}
		if err := c.node(root, typeOfConfig, "", root.Line); err != nil {
			return nil, err
		}
		if len(c.errs) > 0 || len(c.unknown) > 0 {
			return nil, &ValidationError{Fields: c.errs, Unknown: c.unknown}
		}
		if err := root.Decode(cfg); err != nil {
			return nil, fmt.Errorf("decoding the config: %w", err)
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
