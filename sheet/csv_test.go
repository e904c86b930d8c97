package sheet

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCSVRead(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    *Table
	}{
		{
			name:    "plain",
			content: "Team,Hosts\nSales,\"a@x.com, b@x.com\"\n",
			want:    &Table{Header: []string{"Team", "Hosts"}, Rows: [][]string{{"Sales", "a@x.com, b@x.com"}}, RowNums: []int{2}, HeaderRow: 1},
		},
		{
			name:    "BOM and CRLF",
			content: "\xEF\xBB\xBFTeam,Hosts\r\nSales,a@x.com\r\nSupport,b@x.com\r\n",
			want:    &Table{Header: []string{"Team", "Hosts"}, Rows: [][]string{{"Sales", "a@x.com"}, {"Support", "b@x.com"}}, RowNums: []int{2, 3}, HeaderRow: 1},
		},
		{
			name: "blank lines and multi-line cells keep spreadsheet row numbers",
			// Row 3 is a blank line; row 4's hosts cell spans two lines;
			// row 5 has only separators (an empty row, dropped).
			content: "Team,Hosts\nSales,a@x.com\n\nSupport,\"b@x.com\nc@x.com\"\n,\nOps,d@x.com\n",
			want: &Table{Header: []string{"Team", "Hosts"}, Rows: [][]string{{"Sales", "a@x.com"}, {"Support", "b@x.com\nc@x.com"}, {"Ops", "d@x.com"}},
				RowNums: []int{2, 4, 6}, HeaderRow: 1},
		},
		{
			name:    "ragged rows padded, trailing empty cells dropped",
			content: "Team,Hosts,Owner,\nSales\nOps,a@x.com,,,,\nDev,a@x.com,,,x\n",
			want: &Table{Header: []string{"Team", "Hosts", "Owner"}, Rows: [][]string{{"Sales", "", ""}, {"Ops", "a@x.com", ""}, {"Dev", "a@x.com", "", "", "x"}},
				RowNums: []int{2, 3, 4}, HeaderRow: 1},
		},
		{
			name:    "leading empty lines before the header",
			content: "\n\nTeam,Hosts\nSales,a@x.com",
			want:    &Table{Header: []string{"Team", "Hosts"}, Rows: [][]string{{"Sales", "a@x.com"}}, RowNums: []int{4}, HeaderRow: 3},
		},
		{
			name:    "semicolon separated (European Excel)",
			content: "Team;Hosts\nSales;a@x.com, b@x.com\n",
			want:    &Table{Header: []string{"Team", "Hosts"}, Rows: [][]string{{"Sales", "a@x.com, b@x.com"}}, RowNums: []int{2}, HeaderRow: 1},
		},
		{
			name:    "loose quotes",
			content: "Team,Hosts\nThe \"A\" team,a@x.com\n",
			want:    &Table{Header: []string{"Team", "Hosts"}, Rows: [][]string{{"The \"A\" team", "a@x.com"}}, RowNums: []int{2}, HeaderRow: 1},
		},
		{
			name:    "Windows-1252",
			content: "Team,Hosts\n\xC9quipe Caf\xE9,a@x.com\n",
			want:    &Table{Header: []string{"Team", "Hosts"}, Rows: [][]string{{"Équipe Café", "a@x.com"}}, RowNums: []int{2}, HeaderRow: 1},
		},
		{
			name:    "UTF-16 with BOM",
			content: "\xFF\xFET\x00e\x00a\x00m\x00,\x00H\x00o\x00s\x00t\x00s\x00\n\x00S\x00,\x00a\x00\n\x00",
			want:    &Table{Header: []string{"Team", "Hosts"}, Rows: [][]string{{"S", "a"}}, RowNums: []int{2}, HeaderRow: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := newCSV(writeFile(t, "teams.csv", tt.content))
			got, err := src.Read(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCSVErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, path, want string
	}{
		{"empty", writeFile(t, "empty.csv", ""), "the CSV file is empty: the first row must be the header"},
		{"only blank lines", writeFile(t, "blank.csv", "\n\n,,\n"), "the CSV file is empty: the first row must be the header"},
		{"BOM only", writeFile(t, "bom.csv", "\xEF\xBB\xBF"), "the CSV file is empty: the first row must be the header"},
		{"missing", filepath.Join(dir, "nope.csv"), "the file does not exist — check source.path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newCSV(tt.path).Read(context.Background())
			var se *SourceError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "CSV "+tt.path) {
				t.Errorf("err = %v, want a *SourceError naming the file and %q", err, tt.want)
			}
		})
	}
}

// TestCSVParseRowNumbers checks messages carry the row a spreadsheet app
// shows, through the whole CSV + Parse path.
func TestCSVParseRowNumbers(t *testing.T) {
	content := "Team,Hosts\r\nSales,\"a@x.com, b@x.com\"\r\n\r\nSolo,a@x.com\r\n"
	tb, err := newCSV(writeFile(t, "t.csv", content)).Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	res := mustParse(t, tb, ParseOptions{})
	if len(res.Invalid) != 1 || !strings.HasPrefix(res.Invalid[0].String(), `row 4: column "Hosts": only 1 host`) {
		t.Errorf("invalid = %v", res.Invalid)
	}
}

func TestExampleCSV(t *testing.T) {
	tb, err := newCSV(filepath.Join("..", "examples", "teams.csv")).Read(context.Background())
	if err != nil {
		t.Skipf("examples/teams.csv: %v", err)
	}
	res := mustParse(t, tb, ParseOptions{})
	if len(res.Pages) < 10 || len(res.Invalid) != 3 || len(res.Warnings) != 0 {
		for _, inv := range res.Invalid {
			t.Log(inv)
		}
		t.Errorf("examples/teams.csv: %d pages, %d invalid, warnings %v; want >= 10, 3, none", len(res.Pages), len(res.Invalid), res.Warnings)
	}
	for _, inv := range res.Invalid {
		t.Log(inv)
	}
}
