package suggest

import "testing"

func TestClosest(t *testing.T) {
	known := []string{"source", "zoom", "sync", "spreadsheet_id", "monday"}
	for in, want := range map[string]string{
		"sorce": "source", "spredsheet_id": "spreadsheet_id", "mnday": "monday",
		"zom": "zoom", "banana": "", "sy": "", "sync": "sync",
	} {
		if got := Closest(in, known); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"équipe", "equipe", 1}, {"same", "same", 0}} {
		if got := distance(tt.a, tt.b); got != tt.d {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}
