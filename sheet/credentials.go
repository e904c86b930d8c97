package sheet

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Credential modes of a Google source.
const (
	credADC  = "adc"
	credNone = "none"
	credFile = "file"
)

// adcAccount is how messages name the identity behind Application Default
// Credentials when no key file says who it is.
const adcAccount = "the account Application Default Credentials run as"

// keyFile is the part of a Google credentials JSON file zoomsync looks at.
// The private key is only checked for presence, never copied anywhere.
type keyFile struct {
	Type        string `json:"type"`
	ClientEmail string `json:"client_email"`
	PrivateKey  string `json:"private_key"`
}

// serviceAccountEmail reads a service-account key file and returns its
// client_email, the address the sheet must be shared with. Errors name the
// file and say what to do; they never quote its content.
func serviceAccountEmail(path string) (string, error) {
	const download = "download a JSON key: Google Cloud console → IAM & Admin → Service accounts → your account → Keys → Add key → JSON"
	fail := func(problem, hint string, err error) error {
		return &SourceError{Source: "key file " + path, Op: "use", Problem: problem, Hint: hint, Err: err}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return "", fail("the file does not exist",
				"check source.credentials (a relative path is resolved against the config file's directory), or use credentials: adc", nil)
		case errors.Is(err, fs.ErrPermission):
			return "", fail("permission denied", "make the key file readable by the user zoomsync runs as (and by no one else)", nil)
		}
		return "", fail("it cannot be read", "check source.credentials", nil)
	}
	var k keyFile
	if err := json.Unmarshal(data, &k); err != nil {
		// The JSON error would quote part of the file, which may be key
		// material: say only where it broke.
		var se *json.SyntaxError
		where := ""
		if errors.As(err, &se) {
			where = fmt.Sprintf(" (at byte %d)", se.Offset)
		}
		return "", fail("it is not a JSON credentials file"+where, download, nil)
	}
	switch {
	case k.Type != "service_account":
		t := k.Type
		if t == "" {
			t = "unknown"
		}
		return "", fail(fmt.Sprintf("it holds %q credentials, not a service-account key", t),
			"set source.credentials to a service-account JSON key, or to adc to use "+fmt.Sprintf(gcloudADC, scopeURLRead)+" credentials; "+download, nil)
	case k.ClientEmail == "" || k.PrivateKey == "":
		return "", fail("it has no client_email or private_key", download, nil)
	}
	return k.ClientEmail, nil
}

// adcIdentity names who Application Default Credentials act as, for the
// "share the sheet with ..." message: the client_email of the file in
// GOOGLE_APPLICATION_CREDENTIALS when there is one.
func adcIdentity() string {
	path := os.Getenv("GOOGLE_APPLICATION_CREDENTIALS")
	if path == "" {
		return adcAccount
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return adcAccount
	}
	var k keyFile
	if json.Unmarshal(data, &k) != nil {
		return adcAccount
	}
	switch {
	case k.ClientEmail != "":
		return k.ClientEmail
	case k.Type == "authorized_user":
		return "the Google account you signed in with (gcloud auth application-default login)"
	}
	return adcAccount
}
