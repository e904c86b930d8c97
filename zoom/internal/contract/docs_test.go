package contract

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// moduleRoot is the directory of go.mod above the test's directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// githubAnchor is the fragment GitHub gives a Markdown heading: lower case,
// punctuation other than '-' and '_' dropped, spaces turned into '-'.
func githubAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// headings maps the anchors of a Markdown file's headings to the heading
// text; a repeated heading gets GitHub's "-1", "-2" suffixes.
func headings(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	fenced := false
	for line := range strings.Lines(string(data)) {
		line = strings.TrimRight(line, "\n")
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		rest, ok := strings.CutPrefix(line, "#")
		if fenced || !ok {
			continue
		}
		text := strings.TrimSpace(strings.TrimLeft(rest, "#"))
		a := githubAnchor(text)
		for n := 1; out[a] != ""; n++ {
			a = githubAnchor(text) + "-" + strconv.Itoa(n)
		}
		out[a] = text
	}
	return out
}

var (
	// docs/zoom-api.md#rate-limits-and-errors, and a following
	// " and #users" that names a second section of the same file.
	anchorRef = regexp.MustCompile(`docs/([a-z-]+\.md)#([A-Za-z0-9_-]+)((?:,? and #[A-Za-z0-9_-]+)*)`)
	moreRef   = regexp.MustCompile(`#([A-Za-z0-9_-]+)`)
	// The path, then a heading's title in quotes, after a comma or in
	// parentheses.
	titleRef  = regexp.MustCompile(`docs/([a-z-]+\.md),? \(?\\?"([^"\\]+)\\?"`)
	localLink = regexp.MustCompile(`\]\(#([A-Za-z0-9_-]+)\)`)
	// A comment line's continuation: the text reads on across it.
	commentBreak = regexp.MustCompile(`\n[ \t]*(//|\*|#)?[ \t]*`)
)

// TestDocReferencesResolve checks that every place in the sources citing a
// section of docs/zoom-api.md or docs/sheets-api.md, by anchor
// (docs/zoom-api.md#faults) or by its title in quotes after the path, names
// a heading the document has.
func TestDocReferencesResolve(t *testing.T) {
	root := moduleRoot(t)
	docs := map[string]map[string]string{}
	for _, name := range []string{"zoom-api.md", "sheets-api.md"} {
		docs[name] = headings(t, filepath.Join(root, "docs", name))
	}
	titles := func(doc string) map[string]bool {
		out := map[string]bool{}
		for _, text := range docs[doc] {
			out[strings.ToLower(text)] = true
		}
		return out
	}

	refs := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if ext := filepath.Ext(path); ext != ".go" && ext != ".md" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		text := commentBreak.ReplaceAllString(string(data), " ")
		for _, m := range anchorRef.FindAllStringSubmatch(text, -1) {
			doc, ok := docs[m[1]]
			if !ok {
				continue
			}
			anchors := []string{m[2]}
			for _, more := range moreRef.FindAllStringSubmatch(m[3], -1) {
				anchors = append(anchors, more[1])
			}
			for _, a := range anchors {
				refs++
				if _, ok := doc[a]; !ok {
					t.Errorf("%s: docs/%s#%s: no such heading (have %s)", rel, m[1], a, strings.Join(slices.Sorted(maps.Keys(doc)), ", "))
				}
			}
		}
		for _, m := range titleRef.FindAllStringSubmatch(text, -1) {
			if _, ok := docs[m[1]]; !ok {
				continue
			}
			refs++
			if !titles(m[1])[strings.ToLower(m[2])] {
				t.Errorf("%s: docs/%s, %q: no heading with that title", rel, m[1], m[2])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Links inside each document, [Users](#users).
	for name, doc := range docs {
		data, err := os.ReadFile(filepath.Join(root, "docs", name))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range localLink.FindAllStringSubmatch(string(data), -1) {
			if _, ok := doc[m[1]]; !ok {
				t.Errorf("docs/%s: link to #%s: no such heading", name, m[1])
			}
		}
	}
	// The walk itself can fail to find anything: the emulator alone cites
	// dozens of sections.
	if refs < 50 {
		t.Errorf("found %d references, want at least 50: is the walk broken?", refs)
	}
}

// TestGitHubAnchor pins the anchor rule against headings GitHub renders.
func TestGitHubAnchor(t *testing.T) {
	for heading, want := range map[string]string{
		"Rate limits and errors":          "rate-limits-and-errors",
		"Spec patches and the allow-list": "spec-patches-and-the-allow-list",
		"The OpenAPI document":            "the-openapi-document",
		"Sheet-as-table pitfalls":         "sheet-as-table-pitfalls",
		"What `capacity` means (v2)":      "what-capacity-means-v2",
	} {
		if got := githubAnchor(heading); got != want {
			t.Errorf("githubAnchor(%q) = %q, want %q", heading, got, want)
		}
	}
}
