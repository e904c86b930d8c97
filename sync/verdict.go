package sync

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	gosync "sync"
	"time"
)

// Verdict is what a run found out about how Zoom handles multi-host
// creates for one account.
type Verdict struct {
	// Result is VerdictHonoured or VerdictDowngraded.
	Result string `json:"result"`
	// FoundAt is when a verified create showed it.
	FoundAt time.Time `json:"found_at"`
	// Detail says what was seen, e.g. "stored as schedule_type=one".
	Detail string `json:"detail,omitempty"`
}

// Verdict results.
const (
	// VerdictHonoured: a create read back as a multi-host page with every
	// host (and analytics did not show an Any Host Available page).
	VerdictHonoured = "honoured"
	// VerdictDowngraded: Zoom stored a One to One page, or analytics showed
	// an Any Host Available page, instead of an All Hosts Available one.
	VerdictDowngraded = "downgraded"
)

// VerdictStore keeps one verdict per Zoom account between runs.
type VerdictStore interface {
	// Load returns the account's verdict, or nil when none was saved.
	Load(account string) (*Verdict, error)
	// Save replaces the account's verdict.
	Save(account string, v Verdict) error
}

// FileVerdicts keeps verdicts in one small JSON file, written atomically
// (a temporary file renamed over it). Accounts are stored by a hash of
// their id, not the id itself.
type FileVerdicts struct {
	Path string
	mu   gosync.Mutex
}

// VerdictFile is the file's name under state_dir.
const VerdictFile = "create-verdict.json"

// NewFileVerdicts keeps verdicts in <stateDir>/create-verdict.json.
func NewFileVerdicts(stateDir string) *FileVerdicts {
	return &FileVerdicts{Path: filepath.Join(stateDir, VerdictFile)}
}

type verdictFile struct {
	Accounts map[string]Verdict `json:"accounts"`
}

func accountKey(account string) string {
	sum := sha256.Sum256([]byte(account))
	return "sha256:" + hex.EncodeToString(sum[:8])
}

func (f *FileVerdicts) read() (verdictFile, error) {
	var vf verdictFile
	if err := readState(f.Path, "the create verdict", &vf); err != nil {
		return verdictFile{Accounts: map[string]Verdict{}}, err
	}
	if vf.Accounts == nil {
		vf.Accounts = map[string]Verdict{}
	}
	return vf, nil
}

// Load implements VerdictStore.
func (f *FileVerdicts) Load(account string) (*Verdict, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	vf, err := f.read()
	if err != nil {
		return nil, err
	}
	if v, ok := vf.Accounts[accountKey(account)]; ok {
		return &v, nil
	}
	return nil, nil
}

// Save implements VerdictStore.
func (f *FileVerdicts) Save(account string, v Verdict) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	vf, err := f.read()
	if err != nil {
		vf = verdictFile{Accounts: map[string]Verdict{}} // a damaged file is replaced
	}
	vf.Accounts[accountKey(account)] = v
	return writeState(f.Path, "the create verdict", vf)
}

// memVerdicts keeps verdicts for the engine's life only: without a store,
// every run starts unknown and probes with one create.
type memVerdicts struct {
	mu gosync.Mutex
	m  map[string]Verdict
}

func (m *memVerdicts) Load(account string) (*Verdict, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.m[account]; ok {
		return &v, nil
	}
	return nil, nil
}

func (m *memVerdicts) Save(account string, v Verdict) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]Verdict{}
	}
	m.m[account] = v
	return nil
}

// createMode decides how this run sends creates from the saved verdict.
func (e *Engine) createMode() (mode string, v *Verdict, why string) {
	v, err := e.opts.Verdicts.Load(e.opts.Account)
	switch {
	case err != nil:
		return CreateProbe, nil, fmt.Sprintf("the saved result of multi-host creates could not be read (%v)", err)
	case e.opts.ForceRecheck:
		return CreateProbe, v, "--recheck-create asks to try a multi-host create again"
	case v == nil:
		return CreateProbe, nil, "this account's result for multi-host creates is not known yet"
	case e.opts.Now().Sub(v.FoundAt) > e.opts.RecheckCreate:
		return CreateProbe, v, fmt.Sprintf("this account's result for multi-host creates (%s, found %s) is older than sync.recheck_create (%s)",
			v.Result, v.FoundAt.UTC().Format(time.RFC3339), e.opts.RecheckCreate)
	case v.Result == VerdictDowngraded:
		return CreateWebApp, v, ""
	}
	return CreateSend, v, ""
}
