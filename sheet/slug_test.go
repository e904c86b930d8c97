package sheet

import (
	"strings"
	"testing"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Sales EMEA", "sales-emea"},
		{"sales-emea", "sales-emea"},
		{"  Sales   EMEA  ", "sales-emea"},
		{"Équipe Café", "equipe-cafe"},
		{"Straße Øresund", "strasse-oresund"},
		{"Recruiting Panel – Engineering", "recruiting-panel-engineering"},
		{"R&D / Platform", "r-d-platform"},
		{"Team_42", "team-42"},
		{"ＡＢＣ ﬁnance", "abc-finance"},
		{"日本チーム", ""},
		{"Команда", ""},
		{"---", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Slugify(tt.in); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	long := Slugify(strings.Repeat("ab ", 200))
	if len(long) > 256 || strings.HasSuffix(long, "-") {
		t.Errorf("long slug %d chars, ends %q", len(long), long[len(long)-3:])
	}
	if s := Slugify("sales-emea"); Slugify(s) != s {
		t.Error("Slugify is not idempotent")
	}
}
