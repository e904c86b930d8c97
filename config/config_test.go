package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func env(m map[string]string) LookupEnv {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func parse(t *testing.T, text string, vars map[string]string) *Config {
	t.Helper()
	cfg, err := Parse(strings.NewReader(text), env(vars))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return cfg
}

func TestParseEmptyFileGivesDefaults(t *testing.T) {
	got := parse(t, "", nil)
	if diff := cmp.Diff(Default(), got, cmpopts.IgnoreUnexported(Config{})); diff != "" {
		t.Errorf("empty file differs from Default() (-want +got):\n%s", diff)
	}
}

func TestParseFullExample(t *testing.T) {
	text := `
source:
  type: gsheet
  spreadsheet_id: 1AbC
  range: "Teams!A1:Z"
  credentials: /etc/zoomsync/sa.json
columns:
  hosts: "Team members"
defaults:
  timezone: America/New_York
  duration: 45
  availability: "Mon-Thu 10:00-16:00"
zoom:
  account_id: ${ZOOM_ACCOUNT_ID}
  client_id: ${ZOOM_CLIENT_ID}
  client_secret: ${ZOOM_CLIENT_SECRET}
  rate_limit: 20
  quota_share: 30
  concurrency: 8
  timeout: 10s
sync:
  slug_prefix: team-
  on_downgrade: keep
  prune: off
  max_prune: 3
  max_prune_percent: 25
  recheck_create: 72h
  dedupe: report
notify:
  webhook_url: https://hooks.example.com/x
  reminder: 24h
writeback:
  enabled: true
  columns: {status: Status}
state_dir: /var/lib/zoomsync
log: {format: json, level: debug}
serve:
  schedule: "@every 15m"
  addr: 0.0.0.0:9090
`
	cfg := parse(t, text, map[string]string{"ZOOM_ACCOUNT_ID": "acc", "ZOOM_CLIENT_ID": "cid", "ZOOM_CLIENT_SECRET": "s3cret"})
	want := Default()
	want.Source = Source{Type: "gsheet", SpreadsheetID: "1AbC", Range: "Teams!A1:Z", Credentials: "/etc/zoomsync/sa.json"}
	want.Columns = map[string]string{"hosts": "Team members"}
	want.Defaults = Defaults{TimeZone: "America/New_York", Duration: 45, Availability: "Mon-Thu 10:00-16:00"}
	want.Zoom.AccountID, want.Zoom.ClientID, want.Zoom.ClientSecret = "acc", "cid", "s3cret"
	want.Zoom.RateLimit, want.Zoom.Concurrency, want.Zoom.Timeout = RateLimit{PerSecond: 20}, 8, 10*time.Second
	want.Zoom.QuotaShare = 30
	want.Sync = Sync{SlugPrefix: "team-", OnDowngrade: "keep", Prune: "off", MaxPrune: 3, MaxPrunePercent: 25,
		RecheckCreate: 72 * time.Hour, Dedupe: DedupeReport}
	want.Notify.Reminder = 24 * time.Hour
	want.Notify.WebhookURL = "https://hooks.example.com/x"
	want.Writeback.Enabled = true
	want.Writeback.Columns.Status = "Status" // the other columns keep their defaults
	want.StateDir = "/var/lib/zoomsync"
	want.Log = Log{Format: "json", Level: "debug"}
	want.Serve.Schedule, want.Serve.Addr = "@every 15m", "0.0.0.0:9090"
	if diff := cmp.Diff(want, cfg, cmpopts.IgnoreUnexported(Config{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := cfg.Validate(ScopeServe); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestEnvOverridesFile(t *testing.T) {
	text := "zoom:\n  account_id: from-file\n  client_id: from-file\n  client_secret: from-file\n"
	cfg := parse(t, text, map[string]string{"ZOOM_CLIENT_SECRET": "from-env"})
	if cfg.Zoom.AccountID != "from-file" || cfg.Zoom.ClientID != "from-file" {
		t.Errorf("unset env must not override: %+v", cfg.Zoom)
	}
	if cfg.Zoom.ClientSecret.Reveal() != "from-env" {
		t.Errorf("ZOOM_CLIENT_SECRET did not override the file")
	}
}

func TestExpansionCannotChangeStructure(t *testing.T) {
	// A secret holding YAML syntax stays one string value.
	cfg := parse(t, "zoom:\n  client_secret: ${S}\n  client_id: \"${ID}\"\n", map[string]string{"S": "a: b # c", "ID": "007"})
	if got := cfg.Zoom.ClientSecret.Reveal(); got != "a: b # c" {
		t.Errorf("client_secret = %q", got)
	}
	if cfg.Zoom.ClientID != "007" {
		t.Errorf("client_id = %q, want the digits kept as text", cfg.Zoom.ClientID)
	}
	// Numbers still decode after expansion.
	cfg = parse(t, "zoom:\n  concurrency: ${N}\n", map[string]string{"N": "25"})
	if cfg.Zoom.Concurrency != 25 {
		t.Errorf("concurrency = %v", cfg.Zoom.Concurrency)
	}
	// Only ${VAR} is expanded; a bare $ is left alone.
	cfg = parse(t, "zoom:\n  client_secret: pa$$word$X\n", map[string]string{"X": "no"})
	if got := cfg.Zoom.ClientSecret.Reveal(); got != "pa$$word$X" {
		t.Errorf("client_secret = %q", got)
	}
}

func TestPruneOffIsAString(t *testing.T) {
	// YAML 1.1 reads "off" as false; the prune key must keep the word.
	cfg := parse(t, "sync:\n  prune: off\n", nil)
	if cfg.Sync.Prune != PruneOff {
		t.Errorf("prune = %q", cfg.Sync.Prune)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // substrings of the error
	}{
		{"unknown top-level key", "sorce:\n  type: csv\n", []string{`line 1: unknown key "sorce"`, `did you mean "source"`, "known keys here: columns, defaults"}},
		{"unknown nested key", "source:\n  type: csv\n  spredsheet_id: x\n", []string{`line 3: unknown key "source.spredsheet_id"`, `did you mean "spreadsheet_id"`}},
		{"unknown deep key", "writeback:\n  columns:\n    statuss: S\n", []string{`unknown key "writeback.columns.statuss"`, `"status"`}},
		{"no suggestion when far", "zoom:\n  banana: 1\n", []string{`unknown key "zoom.banana"`}},
		{"wrong type names the key", "zoom:\n  concurrency: lots\n", []string{`zoom.concurrency: expected a whole number, got "lots" (line 2)`}},
		{"bad duration", "zoom:\n  timeout: soon\n", []string{`zoom.timeout: expected a duration such as 30s`, `got "soon"`}},
		{"duration without a unit", "sync:\n  recheck_create: 168\n", []string{`sync.recheck_create: expected a duration such as 30s, 5m or 168h, got the number 168`}},
		{"list for a string", "zoom:\n  client_secret:\n    - a\n    - b\n", []string{"zoom.client_secret: expected a string, got a list (line 2)"}},
		{"mapping for a string", "source:\n  path: {a: 1}\n", []string{"source.path: expected a string, got a mapping"}},
		{"string for a section", "zoom: fast\n", []string{`zoom: expected a mapping of keys, got "fast"`}},
		{"string for a bool", "writeback:\n  enabled: sometimes\n", []string{`writeback.enabled: expected true or false, got "sometimes"`}},
		{"list in columns", "columns:\n  hosts: [a, b]\n", []string{"columns.hosts: expected a string, got a list"}},
		{"rate limit word", "zoom:\n  rate_limit: fast\n", []string{`zoom.rate_limit: expected auto or a number of requests per second, got "fast"`}},
		{"every wrong kind listed", "zoom:\n  concurrency: [1]\n  quota_share: half\n", []string{
			"zoom.concurrency: expected a whole number, got a list", `zoom.quota_share: expected a number, got "half"`}},
		{"too big", "state_dir: " + strings.Repeat("x", maxFileSize) + "\n", []string{"larger than 1048576 bytes (1 MiB)"}},
		{"not a mapping", "- a\n- b\n", []string{"must be a mapping"}},
		{"bad yaml", "source: [\n", []string{"not valid YAML"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.text), nil)
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	var uk *UnknownKeyError
	// Unknown keys and values of the wrong kind come in one report, and no
	// value of a secret is echoed.
	_, err := Parse(strings.NewReader("zoom:\n  client_scret: hunter2-typo\n  client_secret:\n    - hunter2-list\nsource:\n  pth: teams.csv\n  type: [csv]\n"), nil)
	for _, w := range []string{`line 2: unknown key "zoom.client_scret" (did you mean "client_secret"?)`,
		`line 6: unknown key "source.pth" (did you mean "path"?)`,
		"zoom.client_secret: expected a string, got a list (line 3)", "source.type: expected a string, got a list (line 7)"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v lacks %q", err, w)
		}
	}
	if err != nil && strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error echoes a secret: %v", err)
	}
	if !errors.As(err, &uk) || uk.Path != "zoom.client_scret" {
		t.Errorf("errors.As UnknownKeyError: %#v", uk)
	}
	_, err = Parse(strings.NewReader("zoom:\n  banana: 1\n"), nil)
	if !errors.As(err, &uk) || uk.Path != "zoom.banana" || uk.Line != 2 {
		t.Errorf("errors.As UnknownKeyError: %#v", uk)
	}
}

func TestValidate(t *testing.T) {
	zoomOK := "zoom:\n  account_id: a\n  client_id: b\n  client_secret: c\n"
	csv := "source:\n  type: csv\n  path: teams.csv\n"
	tests := []struct {
		name  string
		text  string
		vars  map[string]string
		scope Scope
		want  []string // each must appear; empty = valid
	}{
		{"csv source valid for validate", csv, nil, ScopeSource, nil},
		{"validate needs no zoom settings", csv + "zoom:\n  client_secret: ${ZOOM_CLIENT_SECRET}\n", nil, ScopeSource, nil},
		{"sync needs zoom settings", csv, nil, ScopeSync, []string{
			"zoom.account_id: is required: set ZOOM_ACCOUNT_ID", "zoom.client_id: is required", "zoom.client_secret: is required"}},
		{"unset variable is named", csv + "zoom:\n  account_id: a\n  client_id: b\n  client_secret: ${MY_SECRET}\n", nil, ScopeSync,
			[]string{"zoom.client_secret: is empty: it refers to ${MY_SECRET}, which is not set"}},
		{"emulator needs no credentials", csv + "zoom:\n  emulator: true\n", nil, ScopeSync, nil},
		{"gsheet needs an id", "source:\n  type: gsheet\n", nil, ScopeSource, []string{"source.spreadsheet_id: is required"}},
		{"spreadsheet url instead of id", "source:\n  spreadsheet_id: https://docs.google.com/spreadsheets/d/1AbC/edit\n", nil, ScopeSource,
			[]string{"source.spreadsheet_id: looks like a URL"}},
		{"bad source type", "source:\n  type: xlsx\n", nil, ScopeSource, []string{`source.type: "xlsx" is not allowed; use one of: gsheet, csv`}},
		{"csv needs a path", "source:\n  type: csv\n", nil, ScopeSource, []string{"source.path: is required"}},
		{"bad column alias", csv + "columns:\n  host: Members\n", nil, ScopeSource, []string{`columns.host: "host" is not a column (did you mean "hosts"?)`}},
		{"duplicate alias header", csv + "columns:\n  hosts: Members\n  owner: members\n", nil, ScopeSource, []string{`header "members" is already used by columns.hosts`}},
		{"bad defaults", csv + "defaults:\n  duration: 5\n  timezone: Mars/Base\n  availability: \" \"\n", nil, ScopeSource, []string{
			"defaults.duration: 5 is out of range; Zoom allows 15 to 1440", `defaults.timezone: "Mars/Base"`, "defaults.availability: "}},
		{"bad default hours", csv + "defaults:\n  availability: \"Mon-Fri 17-9\"\n", nil, ScopeSource, []string{"defaults.availability: "}},
		{"writeback needs gsheet", csv + "writeback:\n  enabled: true\n", nil, ScopeSource, []string{"writeback.enabled: write-back needs source.type gsheet"}},
		{"bad log format", csv + "log:\n  format: xml\n", nil, ScopeSource, []string{`log.format: "xml" is not allowed; use one of: text, json`}},
		{"prune needs prefix", csv + zoomOK + "sync:\n  prune: delete\n", nil, ScopeSync, []string{"sync.slug_prefix: is required when sync.prune is delete"}},
		{"bad policy values", csv + zoomOK + "sync:\n  prune: yes\n  on_downgrade: ignore\n  max_prune_percent: 150\n", nil, ScopeSync, []string{
			`sync.prune: "yes" is not allowed; use one of: off, deactivate, delete`, `sync.on_downgrade: "ignore" is not allowed`, "sync.max_prune_percent: 150 is not a percentage"}},
		{"bad prefix chars", csv + zoomOK + "sync:\n  slug_prefix: Team_\n", nil, ScopeSync, []string{`sync.slug_prefix: "Team_" may only hold a-z, 0-9 and -`}},
		{"zoom ranges", csv + zoomOK + "  rate_limit: 0\n  concurrency: 0\n  api_url: ftp://x\n  quota_share: 0\n", nil, ScopeSync, []string{
			"zoom.rate_limit: 0 is not allowed; use auto, or a number of requests per second above 0", "zoom.concurrency: 0 is out of range",
			`zoom.api_url: "ftp://x" is not an http(s) URL`, "zoom.quota_share: 0 is out of range; use a percentage from 1 to 100"}},
		{"quota share above 100", csv + zoomOK + "  quota_share: 101\n", nil, ScopeSync, []string{"zoom.quota_share: 101 is out of range"}},
		{"rate limit number", csv + zoomOK + "  rate_limit: 12.5\n", nil, ScopeSync, nil},
		{"emulator settings", csv + "zoom:\n  emulator: true\nemulator:\n  mode: chaos\n  error_rate: 2\n", nil, ScopeSync, []string{
			`emulator.mode: "chaos" is not allowed; use one of: downgrade, collective, anyhost`, "emulator.error_rate: 2 is not a share"}},
		{"emulator anyhost", csv + "zoom:\n  emulator: true\nemulator:\n  mode: anyhost\n", nil, ScopeSync, nil},
		{"sync dedupe and recheck", csv + zoomOK + "sync:\n  dedupe: merge\n  recheck_create: 0s\n", nil, ScopeSync, []string{
			`sync.dedupe: "merge" is not allowed; use one of: delete, report`, "sync.recheck_create: 0s is not allowed; use a positive duration"}},
		{"reminder needs a webhook", csv + "notify:\n  reminder: 1h\n", nil, ScopeSource, []string{"notify.reminder: needs notify.webhook_url"}},
		{"negative reminder", csv + "notify:\n  reminder: -1h\n  webhook_url: https://x.example/h\n", nil, ScopeSource, []string{"notify.reminder: -1h0m0s is not allowed"}},
		{"serve settings", csv + zoomOK + "serve:\n  schedule: \"\"\n  addr: nonsense\n", nil, ScopeServe, []string{
			"serve.schedule: is required", `serve.addr: "nonsense" is not host:port`}},
		{"serve settings unchecked for sync", csv + zoomOK + "serve:\n  addr: nonsense\n", nil, ScopeSync, nil},
		{"webhook not echoed", csv + "notify:\n  webhook_url: \"hooks.slack.com/T000/SECRET\"\n", nil, ScopeSource, []string{"notify.webhook_url: is not an http(s) URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := parse(t, tt.text, tt.vars)
			err := cfg.Validate(tt.scope)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want *ValidationError, got %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
			if strings.Contains(err.Error(), "T000/SECRET") {
				t.Errorf("validation error echoes a secret value:\n%v", err)
			}
			if len(ve.Fields) < len(tt.want) {
				t.Errorf("got %d field errors, want at least %d", len(ve.Fields), len(tt.want))
			}
		})
	}
}

func TestSecretNeverPrints(t *testing.T) {
	cfg := Default()
	cfg.Zoom.ClientSecret = "hunter2-very-secret"
	cfg.Notify.WebhookURL = "https://hooks.example.com/T0/B0/hunter2-very-secret"
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	logger.Info("config", "zoom", cfg.Zoom, "secret", cfg.Zoom.ClientSecret, "notify", cfg.Notify)
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"%v":  fmt.Sprintf("%v", cfg),
		"%+v": fmt.Sprintf("%+v", cfg),
		"%#v": fmt.Sprintf("%#v", cfg.Zoom),
		//lint:ignore S1025 the test checks what %s prints
		"%s":   fmt.Sprintf("%s", cfg.Zoom.ClientSecret),
		"json": string(js),
		"slog": buf.String(),
	}
	for name, out := range outputs {
		if strings.Contains(out, "hunter2") {
			t.Errorf("%s output reveals the secret: %s", name, out)
		}
	}
	if !strings.Contains(outputs["%+v"], "[redacted]") {
		t.Errorf("%%+v should show a placeholder: %s", outputs["%+v"])
	}
	if cfg.Zoom.ClientSecret.Reveal() != "hunter2-very-secret" {
		t.Error("Reveal lost the value")
	}
}

func TestLoadResolvesPathsAgainstConfigDir(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "zoomsync.yaml")
	if err := os.WriteFile(path, []byte("source:\n  type: csv\n  path: teams.csv\nstate_dir: state\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Path(cfg.Source.Path), filepath.Join(dir, "teams.csv"); got != want {
		t.Errorf("Path = %q, want %q", got, want)
	}
	if got, want := cfg.LockPath(), filepath.Join(dir, "state", "zoomsync.lock"); got != want {
		t.Errorf("LockPath = %q, want %q", got, want)
	}
	if got := cfg.Path("/abs/file"); got != "/abs/file" {
		t.Errorf("absolute path changed: %q", got)
	}
	_, err = Load(filepath.Join(dir, "missing.yaml"))
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing file: %v", err)
	}
}

func TestRateLimitAutoIsTheDefault(t *testing.T) {
	if got := parse(t, "", nil).Zoom.RateLimit; got != (RateLimit{Auto: true}) {
		t.Errorf("default rate_limit = %+v", got)
	}
	if got := parse(t, "zoom:\n  rate_limit: auto\n", nil).Zoom.RateLimit; got != (RateLimit{Auto: true}) {
		t.Errorf("rate_limit: auto = %+v", got)
	}
	if got := parse(t, "zoom:\n  rate_limit: ${RATE}\n", map[string]string{"RATE": "7.5"}).Zoom.RateLimit; got != (RateLimit{PerSecond: 7.5}) {
		t.Errorf("rate_limit from the environment = %+v", got)
	}
}

func TestWrongKindFromEnvironmentIsNotEchoed(t *testing.T) {
	_, err := Parse(strings.NewReader("zoom:\n  concurrency: ${N}\n"), env(map[string]string{"N": "hunter2-secret"}))
	if err == nil || !strings.Contains(err.Error(), "zoom.concurrency: expected a whole number, got the value of ${N}") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error echoes the variable's value: %v", err)
	}
}

// TestLoadRefusesAHugeFileQuickly checks the size cap is applied before
// the file is read: a 40 MB file fails at once, naming the file and the cap.
func TestLoadRefusesAHugeFileQuickly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "zoomsync.yaml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("state_dir: x\nlog:\n  format: "); err != nil {
		t.Fatal(err)
	}
	// A sparse 40 MB file: only Stat would see its size without reading it.
	if err := f.Truncate(40 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = Load(path)
	if err == nil {
		t.Fatal("Load succeeded")
	}
	for _, w := range []string{path, "41943040 bytes", "at most 1048576 bytes (1 MiB)"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

// TestExampleConfigIsCompleteAndValid keeps examples/zoomsync.example.yaml,
// the config reference, true: it parses, validates, and names every key.
func TestExampleConfigIsCompleteAndValid(t *testing.T) {
	data, err := os.ReadFile("../examples/zoomsync.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse(bytes.NewReader(data), env(map[string]string{
		"ZOOMSYNC_SHEET_ID": "1AbC", "ZOOM_ACCOUNT_ID": "a", "ZOOM_CLIENT_ID": "b", "ZOOM_CLIENT_SECRET": "c",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(ScopeServe); err != nil {
		t.Fatal(err)
	}
	// The documented values are the defaults.
	want := Default()
	want.Source.SpreadsheetID = "1AbC"
	want.Zoom.AccountID, want.Zoom.ClientID, want.Zoom.ClientSecret = "a", "b", "c"
	want.Columns = map[string]string{}
	if diff := cmp.Diff(want, cfg, cmpopts.IgnoreUnexported(Config{})); diff != "" {
		t.Errorf("the example's values differ from Default() (-default +example):\n%s", diff)
	}
	var missing []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := 0; i < t.NumField(); i++ {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
			if name == "" || name == "-" {
				continue
			}
			if !regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(name) + `:`).Match(data) {
				missing = append(missing, join(prefix, name))
			}
			if ft := t.Field(i).Type; ft.Kind() == reflect.Struct && ft != typeOfDuration {
				walk(ft, join(prefix, name))
			}
		}
	}
	walk(typeOfConfig, "")
	if len(missing) > 0 {
		t.Errorf("examples/zoomsync.example.yaml does not document: %v", missing)
	}
}

func TestNestedAliasesAreCheap(t *testing.T) {
	// A "billion laughs" file: each level refers to the one below ten times.
	var b strings.Builder
	b.WriteString("columns:\n  x0: &a0 [lol]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "  x%d: &a%d [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("  hosts: *a9\nsource: {type: csv, path: *a9}\n")
	start := time.Now()
	_, err := Parse(strings.NewReader(b.String()), nil)
	if err == nil || !strings.Contains(err.Error(), "columns.hosts: expected a string, got a list") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Parse took %v", d)
	}
}

// FuzzParse checks that no file makes Parse or Validate panic, and that a
// rejected file gets an error that says something.
func FuzzParse(f *testing.F) {
	f.Add("zoom:\n  rate_limit: auto\n  client_secret: [a]\n")
	f.Add("base: &b {type: csv}\nsource: *b\n")
	f.Add("sync:\n  recheck_create: 0\n  dedupe: report\nnotify: {reminder: 1h}\n")
	f.Add("columns: {hosts: [x]}\nzoom: ~\n")
	f.Fuzz(func(t *testing.T, text string) {
		cfg, err := Parse(strings.NewReader(text), nil)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		_ = cfg.Validate(ScopeServe)
	})
}
