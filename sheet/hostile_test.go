package sheet

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSlugCapitalsAreLoweredWithAWarning(t *testing.T) {
	res := mustParse(t, mkTable(fullHeader, rowWith(map[string]string{"Slug": "Demo-EMEA"})), ParseOptions{})
	if len(res.Pages) != 1 || res.Pages[0].Slug != "demo-emea" {
		t.Fatalf("pages %+v invalid %v", res.Pages, res.Invalid)
	}
	want := []string{`row 2, column "Slug": slug "Demo-EMEA" has capital letters; using "demo-emea" — write it in lower case to silence this warning`}
	if diff := cmp.Diff(want, res.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	// Lower case is used without a word.
	res = mustParse(t, mkTable(fullHeader, rowWith(map[string]string{"Slug": "demo-emea"})), ParseOptions{})
	if len(res.Warnings) != 0 {
		t.Errorf("warnings for a lower-case slug: %v", res.Warnings)
	}
}

// TestHostileCells checks that each cell zoomsync cannot use is named by
// row and column, once, and that only its row is skipped.
func TestHostileCells(t *testing.T) {
	tests := []struct {
		name string
		over map[string]string
		want string
	}{
		{"bad byte in the team", map[string]string{"Team": "Z\xfcrich Sales"},
			`row 2: column "Team": not valid UTF-8: byte 0xFC at position 2 of "Z�rich Sales" — save the file as UTF-8 (in Excel: Save As → CSV UTF-8), or retype the character`},
		{"bad byte in the hosts", map[string]string{"Hosts": "ana@example.com, b\xe9n@example.com"},
			`row 2: column "Hosts": not valid UTF-8: byte 0xE9 at position 19 of "ana@example.com, b�n@example.com" — save the file as UTF-8 (in Excel: Save As → CSV UTF-8), or retype the character`},
		{"NUL byte", map[string]string{"Description": "Demo\x00call"},
			`row 2: column "Description": the cell holds the control character U+0000 — delete it: control characters are often left behind by copying from another program`},
		{"huge cell", map[string]string{"Location": strings.Repeat("x", maxCellChars+1)},
			`row 2: column "Location": the cell holds 50001 characters; a cell may hold at most 50000 — shorten it (Google Sheets allows no more either)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			good := rowWith(map[string]string{"Team": "Zürich Support"})
			res := mustParse(t, mkTable(fullHeader, rowWith(tt.over), good), ParseOptions{})
			if len(res.Invalid) != 1 || res.Invalid[0].Row != 2 {
				t.Fatalf("invalid rows %v, want row 2 only", res.Invalid)
			}
			if diff := cmp.Diff(tt.want, res.Invalid[0].String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if len(res.Pages) != 1 || res.Pages[0].Team != "Zürich Support" {
				t.Errorf("the valid row must still sync with its text intact: %+v", res.Pages)
			}
		})
	}
}

func TestUnreadableIdentityKeepsPruneOff(t *testing.T) {
	// A key made from what is left of a bad team cell could name another
	// page; the row must count as one whose key cannot be read.
	res := mustParse(t, mkTable(fullHeader, rowWith(map[string]string{"Team": "Z\xfcrich"})), ParseOptions{})
	if len(res.Invalid) != 1 || res.Invalid[0].Key != "" || res.UnreadableKeys != 1 {
		t.Fatalf("invalid %+v, unreadable keys %d", res.Invalid, res.UnreadableKeys)
	}
	// A bad byte elsewhere keeps the key, so the row still protects its page.
	res = mustParse(t, mkTable(fullHeader, rowWith(map[string]string{"Description": "caf\xe9"})), ParseOptions{})
	if len(res.Invalid) != 1 || res.Invalid[0].Key != "sales-emea" || res.UnreadableKeys != 0 {
		t.Fatalf("invalid %+v, unreadable keys %d", res.Invalid, res.UnreadableKeys)
	}
}

func TestFormulaStaysText(t *testing.T) {
	res := mustParse(t, mkTable(fullHeader, rowWith(map[string]string{"Team": `=HYPERLINK("http://evil.example","Sales")`, "Key": "sales"})), ParseOptions{})
	if len(res.Pages) != 1 || res.Pages[0].Team != `=HYPERLINK("http://evil.example","Sales")` {
		t.Fatalf("pages %+v invalid %v", res.Pages, res.Invalid)
	}
}

func TestBadByteInUnusedColumnIsAWarning(t *testing.T) {
	res := mustParse(t, mkTable([]string{"Team", "Hosts", "Notes"}, []string{"Sales", "a@x.com, b@x.com", "caf\xe9"}), ParseOptions{})
	if len(res.Pages) != 1 {
		t.Fatalf("pages %v invalid %v", res.Pages, res.Invalid)
	}
	want := `row 2, column "Notes" (C): not valid UTF-8: byte 0xE9 at position 4 of "caf�"; zoomsync does not use this column, so the row is still read`
	if !containsStr(res.Warnings, want) {
		t.Errorf("warnings %q lack %q", res.Warnings, want)
	}
}

// TestCSVEncodingPerRow reads a UTF-8 file with one Latin-1 byte: the file
// stays UTF-8, the one cell is named, and the other rows keep their accents.
func TestCSVEncodingPerRow(t *testing.T) {
	content := "Team,Hosts\n" +
		"Zürich – Sales,\"a@x.com, b@x.com\"\n" +
		"Z\xfcrich Support,\"a@x.com, b@x.com\"\n" +
		"Équipe Café,\"a@x.com, b@x.com\"\n"
	var logs strings.Builder
	src := newCSV(writeFile(t, "teams.csv", content))
	src.log = slog.New(slog.NewTextHandler(&logs, nil))
	tb, err := src.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if logs.Len() != 0 {
		t.Errorf("a mostly UTF-8 file must not be re-read in another encoding: %s", logs.String())
	}
	res := mustParse(t, tb, ParseOptions{})
	var teams []string
	for _, p := range res.Pages {
		teams = append(teams, p.Team)
	}
	if diff := cmp.Diff([]string{"Zürich – Sales", "Équipe Café"}, teams); diff != "" {
		t.Errorf("valid rows (-want +got):\n%s", diff)
	}
	if len(res.Invalid) != 1 || res.Invalid[0].Row != 3 || !strings.Contains(res.Invalid[0].String(), `column "Team": not valid UTF-8`) {
		t.Errorf("invalid rows: %v", res.Invalid)
	}
}

func TestCSVWindows1252WarnsOnce(t *testing.T) {
	content := "Team,Hosts\n\xC9quipe Caf\xE9,\"a@x.com, b@x.com\"\nZ\xfcrich,\"a@x.com, b@x.com\"\n"
	var logs strings.Builder
	src := newCSV(writeFile(t, "teams.csv", content))
	src.log = slog.New(slog.NewTextHandler(&logs, nil))
	tb, err := src.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(logs.String(), "reading it as Windows-1252"); n != 1 {
		t.Errorf("want one warning, got %d: %s", n, logs.String())
	}
	// The warning names the cells it guessed at and says what to do.
	for _, want := range []string{`row 2 column \"Team\" (\"Équipe Café\")`, `row 3 column \"Team\" (\"Zürich\")`, "save the file as UTF-8"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("warning lacks %s: %s", want, logs.String())
		}
	}
	if diff := cmp.Diff([][]string{{"Équipe Café", "a@x.com, b@x.com"}, {"Zürich", "a@x.com, b@x.com"}}, tb.Rows); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestNonASCIIText(t *testing.T) {
	tb := &Table{Header: []string{"Team", "Caf\u00e9"}, HeaderRow: 1, RowNums: []int{2, 4, 5, 6},
		Rows: [][]string{{"Sales", "x"}, {"Zürich", "ü"}, {"Ørsted", ""}, {"Genève", ""}}}
	got := nonASCIIText(tb)
	want := `non-ASCII text in the header (row 1), column 2 ("Café"), row 4 column "Team" ("Zürich"), row 4 column "Café" ("ü") and 2 more cells; `
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := nonASCIIText(&Table{Header: []string{"Team"}, HeaderRow: 1}); got != "" {
		t.Errorf("all ASCII: %q", got)
	}
}

func TestMostlyNotUTF8(t *testing.T) {
	for in, want := range map[string]bool{
		"plain ASCII":                    false,
		"Zürich, Café, \xfc":             false, // two valid, one invalid
		"\xC9quipe Caf\xE9":              true,
		"caf\xe9":                        true, // the only non-ASCII byte is invalid
		"Zürich \xfc\xfc":                true,
		"日本 \xff":                        false,
		"\xEF\xBB\xBF with a stray \x80": false, // the BOM is valid UTF-8
	} {
		if got := mostlyNotUTF8([]byte(in)); got != want {
			t.Errorf("mostlyNotUTF8(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestCSVTooLarge(t *testing.T) {
	path := writeFile(t, "big.csv", "")
	// Sparse: the size is refused from Stat, before anything is read.
	if err := os.Truncate(path, maxCSVSize+1); err != nil {
		t.Fatal(err)
	}
	_, err := newCSV(path).Read(context.Background())
	if err == nil || !strings.Contains(err.Error(), "the file is larger than 64 MiB") {
		t.Fatalf("err = %v", err)
	}
}
