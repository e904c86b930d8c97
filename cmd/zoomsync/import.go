package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zoomsync/zoomsync/config"
	"github.com/zoomsync/zoomsync/internal/atomicfile"
	"github.com/zoomsync/zoomsync/sheet"
	zsync "github.com/zoomsync/zoomsync/sync"
)

// importOpts are import's flags.
type importOpts struct {
	owners          []string
	output          string
	includeOneToOne bool
}

func newImportCmd(a *app) *cobra.Command {
	var o importOpts
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Write the multi-host pages that exist in Zoom as roster rows (CSV)",
		Long: `import starts a roster from the pages that already exist. It lists the booking pages of
each owner (those given with --owner, or every active user of the account) and writes
each multi-host page as a row in the sheet's columns: team, hosts, owner, duration,
timezone, availability, slug, active, schedule_id and the optional columns the pages
set. Rows are sorted by owner, then slug. 'plan' on the result finds every page
unchanged; a note on stderr names each row it would not, and why (for example a page
made in the web app that uses its hosts' own calendars: the row pins the hours shown).

One to One pages are left out unless --include-one-to-one: then they are added with a
page_type column (multi-host or one-to-one) that plan ignores. A One to One row has
a single host, so plan reports it invalid, and Zoom's API cannot turn the page into a
multi-host one: create that team's page in the web app instead.

import needs the Zoom settings of the config (scopes scheduler:read:admin, and
user:read:admin unless --owner is given) but no sheet. It changes nothing in Zoom.
Exit codes: 0 done, 1 could not run (config, credentials, Zoom), 64 usage error.`,
		Example: `  # Every active user's multi-host pages, to a file
  zoomsync import --config zoomsync.yaml -o roster.csv

  # Two owners only, One to One pages included (marked), to stdout
  zoomsync import --owner ann@example.com --owner bob@example.com --include-one-to-one

  # The round trip: a plan on the imported roster changes nothing
  zoomsync import -o teams.csv && zoomsync plan --detailed-exitcode`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runImport(cmd, a, o) },
	}
	cmd.Flags().StringArrayVar(&o.owners, "owner", nil, "import the pages of the user with this `email`; repeat for more (default: every active user)")
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "write the CSV to this `file` (default: stdout)")
	cmd.Flags().BoolVar(&o.includeOneToOne, "include-one-to-one", false, "add One to One pages too, marked page_type=one-to-one")
	_ = cmd.MarkFlagFilename("output", "csv")
	return cmd
}

func runImport(cmd *cobra.Command, a *app, o importOpts) error {
	ctx := cmd.Context()
	for _, ow := range o.owners {
		if addr, err := mail.ParseAddress(ow); err != nil || addr.Address != strings.TrimSpace(ow) {
			return usageError(cmd, fmt.Errorf("--owner %q is not an email address", ow))
		}
	}
	cfg, log, err := a.load(config.ScopeZoom)
	if err != nil {
		return err
	}
	if o.output != "" && cfg.Source.Type == config.SourceCSV && sameFile(o.output, sourcePath(cfg)) {
		if _, err := os.Stat(o.output); err == nil {
			// It may hold edits not yet synced: never overwrite it.
			return usageError(cmd, fmt.Errorf("-o %s is the roster this config reads (source.path) and it exists: write the import to another file and compare, or remove it first", o.output))
		}
	}
	ctx, stop := interruptible(ctx)
	defer stop()
	// No progress bar: one listing per owner is quick, and stdout may be the roster.
	backend, err := openZoom(cfg, log, newRunOutput(log, nil))
	if err != nil {
		return err
	}
	defer backend.close()

	// The roster is checked the way plan will read it (readSheet).
	po := sheet.ParseOptions{
		Aliases:    cfg.Columns,
		Defaults:   cfg.Defaults.Sheet(),
		SlugPrefix: cfg.Sync.SlugPrefix,
		Writeback:  cfg.Writeback.Columns.Sheet(),
	}

	im, err := zsync.Import(ctx, backend.client, zsync.ImportOptions{
		Owners:          o.owners,
		IncludeOneToOne: o.includeOneToOne,
		Concurrency:     cfg.Zoom.Concurrency,
		Parse:           po,
		Logger:          log,
	})
	if err != nil {
		var fe *zsync.FatalError
		switch {
		case errors.As(err, &fe):
			return fail(exitFailed, "import: %w", fe.Err)
		case errors.Is(err, context.Canceled):
			return fail(exitFailed, "interrupted; nothing was written")
		}
		return fail(exitFailed, "import: %w; nothing was written", err)
	}

	var buf bytes.Buffer
	if err := im.WriteCSV(&buf); err != nil {
		return fail(exitFailed, "writing the roster: %w", err)
	}
	if o.output == "" {
		if _, err := a.stdout.Write(buf.Bytes()); err != nil {
			return fail(exitFailed, "writing the roster: %w", err)
		}
	} else if err := atomicfile.Write(o.output, buf.Bytes(), 0o644, 0o755); err != nil {
		return fail(exitFailed, "writing the roster: %w", err)
	}

	for _, n := range im.Notes {
		log.Warn(n)
	}
	if im.OwnCalendars > 0 {
		log.Warn(fmt.Sprintf("%d imported %s their hosts' own calendars; a row sets one set of custom hours for all hosts, so the first sync pins the hours shown (one update per page) and plan is unchanged from then on",
			im.OwnCalendars, map[bool]string{true: "page uses", false: "pages use"}[im.OwnCalendars == 1]))
	}
	st := backend.client.Stats()
	where := "stdout"
	if o.output != "" {
		where = o.output
	}
	log.Info(fmt.Sprintf("%s, to %s (%s, %s)", im.Summary(), where, plural(len(im.Rows), "row"), plural(int(st.Requests()), "API call")))
	return nil
}

// sourcePath is the CSV file the config reads, resolved as the source is.
func sourcePath(cfg *config.Config) string {
	p := cfg.Source.Path
	if p != "" && !filepath.IsAbs(p) && cfg.Dir != "" {
		p = filepath.Join(cfg.Dir, p)
	}
	return p
}

// sameFile reports whether two paths name one file (or would).
func sameFile(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if sa, err := os.Stat(a); err == nil {
		if sb, err := os.Stat(b); err == nil {
			return os.SameFile(sa, sb)
		}
	}
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == ab
}
