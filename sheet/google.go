package sheet

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"

	"google.golang.org/api/option"
	"google.golang.org/api/option/internaloption"
	"google.golang.org/api/sheets/v4"
	htransport "google.golang.org/api/transport/http"

	"github.com/zoomsync/zoomsync/internal/bodycap"
)

// defaultRange is read when source.range is empty. With no tab name the API
// reads the first tab; 52 columns is far more than a roster has and keeps
// the request bounded.
const defaultRange = "A:AZ"

// Google reads the roster from a Google Sheet with one values.get per run,
// and writes results back with one values.batchUpdate.
type Google struct {
	svc      *sheets.Service
	id       string
	rng      string // source.range as configured; "" means the first tab
	write    bool
	advise   bool // hints name the write scope and Editor (see OpenOptions.WriteLater)
	credMode string
	account  string // who the sheet must be shared with, for messages
	aliases  map[string]string
	log      *slog.Logger
	retry    retryPolicy
}

// newGoogle connects to the Sheets API for src. Credentials: "adc" uses
// Application Default Credentials, "none" sends no credentials (a local
// fake), anything else is the path of a service-account key file, resolved
// against opts.BaseDir. opts.HTTPClient, when set, replaces all of that.
// It asks for the read-only scope unless opts.Write.
func newGoogle(ctx context.Context, src SourceConfig, opts OpenOptions) (*Google, error) {
	g := &Google{
		id:      strings.TrimSpace(src.SpreadsheetID),
		rng:     strings.TrimSpace(src.Range),
		write:   opts.Write,
		advise:  opts.Write || opts.WriteLater,
		aliases: opts.Aliases,
		log:     logger(opts.Logger),
		retry:   defaultRetry,
	}
	g.retry.pace = newPacer()
	if g.id == "" {
		return nil, &SourceError{Source: "Google Sheet", Op: "open", Problem: "source.spreadsheet_id is empty",
			Hint: "set it to the part of the sheet's URL between /d/ and /edit"}
	}
	copts := []option.ClientOption{option.WithScopes(g.scope())}
	switch creds := strings.TrimSpace(src.Credentials); creds {
	case CredentialsNone:
		g.credMode, g.account = credNone, "anyone (no credentials are sent)"
		copts = append(copts, option.WithoutAuthentication())
	case CredentialsADC, "":
		g.credMode, g.account = credADC, adcIdentity()
	default:
		path := resolvePath(opts.BaseDir, creds)
		email, err := serviceAccountEmail(path)
		if err != nil {
			return nil, err
		}
		g.credMode, g.account = credFile, email
		copts = append(copts, option.WithAuthCredentialsFile(option.ServiceAccount, path))
	}
	if src.Endpoint != "" {
		copts = append(copts, option.WithEndpoint(src.Endpoint))
	}
	svc, err := newSheetsService(ctx, opts.HTTPClient, src.Endpoint, copts)
	if err != nil {
		return nil, g.explainSetup(err)
	}
	g.svc = svc
	return g, nil
}

// maxSheetBody bounds a values.get answer: a roster of ten thousand rows
// is a few megabytes.
const maxSheetBody = 64 << 20

// newSheetsService builds the Sheets client on an HTTP client whose bodies
// are bounded: the Google client reads an error body whole, and again on
// each retry, so an unbounded one could fill memory. hc, when set, is used
// instead of the credentials in copts. The authenticated client is built
// with the same defaults sheets.NewService would use.
func newSheetsService(ctx context.Context, hc *http.Client, endpoint string, copts []option.ClientOption) (*sheets.Service, error) {
	if hc == nil {
		opts := append([]option.ClientOption{
			internaloption.WithDefaultScopes(sheets.SpreadsheetsScope, sheets.SpreadsheetsReadonlyScope),
		}, copts...)
		opts = append(opts,
			internaloption.WithDefaultEndpointTemplate(sheetsBasePathTemplate),
			internaloption.WithDefaultMTLSEndpoint(sheetsMTLSBasePath),
			internaloption.EnableNewAuthLibrary(),
		)
		var err error
		if hc, endpoint, err = htransport.NewClient(ctx, opts...); err != nil {
			return nil, err
		}
	}
	sopts := []option.ClientOption{option.WithHTTPClient(bodycap.Wrap(hc, maxSheetBody, bodycap.ErrorBody))}
	if endpoint != "" {
		sopts = append(sopts, option.WithEndpoint(endpoint))
	}
	return sheets.NewService(ctx, sopts...)
}

// The Sheets API's endpoints, as sheets.NewService sets them (the template
// gives https://sheets.googleapis.com/ in the default universe).
const (
	sheetsBasePathTemplate = "https://sheets.UNIVERSE_DOMAIN/"
	sheetsMTLSBasePath     = "https://sheets.mtls.googleapis.com/"
)

// hintScope is the scope set-up hints name: the write scope when the
// configured features need it, even in a run that only reads.
func (g *Google) hintScope() string {
	if g.advise {
		return sheets.SpreadsheetsScope
	}
	return sheets.SpreadsheetsReadonlyScope
}

func (g *Google) scope() string {
	if g.write {
		return sheets.SpreadsheetsScope
	}
	return sheets.SpreadsheetsReadonlyScope
}

// explainSetup turns a failure to build the client (no credentials found,
// a bad GOOGLE_APPLICATION_CREDENTIALS file) into a fixable message.
func (g *Google) explainSetup(err error) error {
	se := &SourceError{Source: g.String(), Op: "open", Err: err}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "could not find default credentials"):
		se.Problem = "no Google credentials were found (source.credentials is adc)"
		se.Hint = "set source.credentials to the path of a service-account key file, set GOOGLE_APPLICATION_CREDENTIALS to one, or run: " +
			fmt.Sprintf(gcloudADC, g.hintScope())
	case os.Getenv("GOOGLE_APPLICATION_CREDENTIALS") != "" && g.credMode == credADC:
		se.Problem = fmt.Sprintf("the credentials file in GOOGLE_APPLICATION_CREDENTIALS (%s) cannot be used", os.Getenv("GOOGLE_APPLICATION_CREDENTIALS"))
		se.Hint = "point GOOGLE_APPLICATION_CREDENTIALS at a valid JSON key file, or unset it"
	default:
		se.Problem = "cannot set up the Google Sheets client: " + msg
		se.Hint = "check source.credentials and source.endpoint"
	}
	return se
}

// String is `Google Sheet <id>/<range>`.
func (g *Google) String() string {
	if g.rng == "" {
		return "Google Sheet " + g.id + " (first tab)"
	}
	return "Google Sheet " + g.id + "/" + g.rng
}

func (g *Google) readRange() string {
	if g.rng == "" {
		return defaultRange
	}
	return g.rng
}

// Read reads the configured range with one values.get, retrying 429 and
// 5xx answers. The range Google echoes back (e.g. 'My Teams'!A1:Z1000)
// gives the tab title and where the table starts, so row numbers and
// write-back addresses are exact even for a range starting at B3.
func (g *Google) Read(ctx context.Context) (*Table, error) {
	var vr *sheets.ValueRange
	err := retry(ctx, g.retry, g.log, "values.get", func(ctx context.Context) error {
		var err error
		vr, err = g.svc.Spreadsheets.Values.Get(g.id, g.readRange()).
			ValueRenderOption("FORMATTED_VALUE").MajorDimension("ROWS").Context(ctx).Do()
		return err
	})
	if err != nil {
		return nil, g.explain(ctx, "read", err)
	}
	ar, perr := parseA1(vr.Range)
	if perr != nil {
		return nil, &SourceError{Source: g.String(), Op: "read", Problem: fmt.Sprintf("the API returned a range zoomsync cannot read (%q): %v", vr.Range, perr)}
	}
	firstRow, firstCol := max(ar.Start.Row, 1), max(ar.Start.Col, 0)
	rows := make([]rawRow, len(vr.Values))
	for i, vals := range vr.Values {
		cells := make([]string, len(vals))
		for j, v := range vals {
			cells[j] = cellText(v)
		}
		rows[i] = rawRow{num: firstRow + i, cells: cells}
	}
	t := newTable(rows, firstCol, ar.Sheet)
	if t == nil {
		return nil, &SourceError{Source: g.String(), Op: "read",
			Problem: fmt.Sprintf("the range %s is empty: the first row must be the header", vr.Range),
			Hint:    "put the header (Team, Hosts, …) in the first row, or point source.range at the table"}
	}
	return t, nil
}

// cellText turns a JSON cell value into text. FORMATTED_VALUE gives
// strings; numbers and booleans only appear from other render options.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "TRUE"
		}
		return "FALSE"
	}
	return fmt.Sprint(v)
}
