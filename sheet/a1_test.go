package sheet

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseA1(t *testing.T) {
	tests := []struct {
		in   string
		want a1Range
	}{
		{"Teams!A1:Z1000", a1Range{Sheet: "Teams", HasSheet: true, Start: cellRef{0, 1}, End: cellRef{25, 1000}, HasEnd: true}},
		{"'My Teams'!B3:F", a1Range{Sheet: "My Teams", HasSheet: true, Start: cellRef{1, 3}, End: cellRef{5, 0}, HasEnd: true}},
		{"'Bob''s team'!A1", a1Range{Sheet: "Bob's team", HasSheet: true, Start: cellRef{0, 1}}},
		{"'It''s!odd'!C2:D", a1Range{Sheet: "It's!odd", HasSheet: true, Start: cellRef{2, 2}, End: cellRef{3, 0}, HasEnd: true}},
		{"A:AZ", a1Range{Start: cellRef{0, 0}, End: cellRef{51, 0}, HasEnd: true}},
		{"3:10", a1Range{Start: cellRef{-1, 3}, End: cellRef{-1, 10}, HasEnd: true}},
		{"Teams", a1Range{Sheet: "Teams", HasSheet: true, WholeSheet: true}},
		{"'My Teams'", a1Range{Sheet: "My Teams", HasSheet: true, WholeSheet: true}},
		{"Sheet1!$A$1:$B$2", a1Range{Sheet: "Sheet1", HasSheet: true, Start: cellRef{0, 1}, End: cellRef{1, 2}, HasEnd: true}},
	}
	for _, tt := range tests {
		got, err := parseA1(tt.in)
		if err != nil {
			t.Errorf("parseA1(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("parseA1(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	for _, bad := range []string{"'unclosed!A1", "'x'junk", "Teams!", "Teams!A0"} {
		if _, err := parseA1(bad); err == nil {
			t.Errorf("parseA1(%q) succeeded", bad)
		}
	}
}

func TestQuoteSheetAndColumns(t *testing.T) {
	for in, want := range map[string]string{
		"Teams": "Teams", "My Teams": "'My Teams'", "Bob's": "'Bob''s'", "A1": "'A1'",
		"R1C1": "'R1C1'", "2024": "'2024'", "Équipe": "'Équipe'", "team_list": "team_list",
	} {
		if got := quoteSheet(in); got != want {
			t.Errorf("quoteSheet(%q) = %q, want %q", in, got, want)
		}
		// What we quote must parse back to the same name.
		r, err := parseA1(quoteSheet(in) + "!A1")
		if err != nil || r.Sheet != in {
			t.Errorf("round trip of %q: %+v, %v", in, r, err)
		}
	}
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 701: "ZZ", 702: "AAA"} {
		if got := columnLetters(i); got != want {
			t.Errorf("columnLetters(%d) = %q, want %q", i, got, want)
		}
		if got := columnIndex(want); got != i {
			t.Errorf("columnIndex(%q) = %d, want %d", want, got, i)
		}
	}
}
