package sheettest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"
)

const sid = "sheet-1"

func client(t *testing.T, s *Server) *sheets.Service {
	t.Helper()
	svc, err := sheets.NewService(context.Background(), option.WithEndpoint(s.URL()), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func setup(t *testing.T) (*Server, *sheets.Service) {
	s := NewServer()
	t.Cleanup(s.Close)
	s.SetTab(sid, "Teams", [][]string{
		{"Team", "Hosts", "", ""},
		{"Sales", "a@x.com", "", "x"},
		{},
		{"Ops", "", ""},
		{"", ""},
	})
	s.SetTab(sid, "Bob's team", [][]string{{"h1", "h2"}, {"v1", "v2"}})
	s.SetTab(sid, "My Teams", [][]string{{"a", "b", "c"}, {"d", "e", "f"}, {"g", "h", "i"}})
	return s, client(t, s)
}

func TestValuesGet(t *testing.T) {
	s, svc := setup(t)
	tests := []struct {
		rng    string
		range_ string
		values [][]any
	}{
		{"Teams!A1:Z", "Teams!A1:Z1000", [][]any{{"Team", "Hosts"}, {"Sales", "a@x.com", "", "x"}, {}, {"Ops"}}},
		{"Teams", "Teams!A1:Z1000", [][]any{{"Team", "Hosts"}, {"Sales", "a@x.com", "", "x"}, {}, {"Ops"}}},
		{"A:B", "Teams!A1:B1000", [][]any{{"Team", "Hosts"}, {"Sales", "a@x.com"}, {}, {"Ops"}}},
		{"A2:C", "Teams!A2:C1000", [][]any{{"Sales", "a@x.com"}, {}, {"Ops"}}},
		{"A:AZ", "Teams!A1:Z1000", [][]any{{"Team", "Hosts"}, {"Sales", "a@x.com", "", "x"}, {}, {"Ops"}}},
		{"Teams!B2", "Teams!B2", [][]any{{"a@x.com"}}},
		{"Teams!B3:B", "Teams!B3:B1000", nil},
		{"'My Teams'!B2:C", "'My Teams'!B2:C1000", [][]any{{"e", "f"}, {"h", "i"}}},
		{"'my teams'!A1:A1", "'My Teams'!A1", [][]any{{"a"}}},
		{"'Bob''s team'!A1:B", "'Bob''s team'!A1:B1000", [][]any{{"h1", "h2"}, {"v1", "v2"}}},
		{"My Teams!C3", "'My Teams'!C3", [][]any{{"i"}}},
		{"'My Teams'", "'My Teams'!A1:Z1000", [][]any{{"a", "b", "c"}, {"d", "e", "f"}, {"g", "h", "i"}}},
		{"2:3", "Teams!A2:Z3", [][]any{{"Sales", "a@x.com", "", "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.rng, func(t *testing.T) {
			vr, err := svc.Spreadsheets.Values.Get(sid, tt.rng).Do()
			if err != nil {
				t.Fatal(err)
			}
			if vr.Range != tt.range_ {
				t.Errorf("range = %q, want %q", vr.Range, tt.range_)
			}
			if diff := cmp.Diff(tt.values, vr.Values); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
		})
	}
	// The client percent-encodes the range; the recorded path is decoded.
	reqs := s.Requests()
	var found bool
	for _, r := range reqs {
		if r.Path == "/v4/spreadsheets/sheet-1/values/'Bob''s team'!A1:B" {
			found = true
		}
	}
	if !found {
		t.Errorf("no decoded path for the quoted range in %+v", reqs)
	}
}

func TestEmptyRangeHasNoValuesKey(t *testing.T) {
	s, svc := setup(t)
	_, _ = svc.Spreadsheets.Values.Get(sid, "Teams!E1:F").Do()
	resp, err := http.Get(s.URL() + "/v4/spreadsheets/sheet-1/values/Teams%21E1%3AF")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(body), "values") || !strings.Contains(string(body), `"range":"Teams!E1:F1000"`) {
		t.Errorf("body %s", body)
	}
}

func TestErrors(t *testing.T) {
	s, svc := setup(t)
	code := func(err error) (int, string) {
		var gerr *googleapi.Error
		if !errors.As(err, &gerr) {
			t.Fatalf("err %v is not a *googleapi.Error", err)
		}
		return gerr.Code, gerr.Message
	}
	_, err := svc.Spreadsheets.Values.Get(sid, "Nope!A1:B").Do()
	if c, m := code(err); c != 400 || m != "Unable to parse range: Nope!A1:B" {
		t.Errorf("unknown tab: %d %q", c, m)
	}
	_, err = svc.Spreadsheets.Values.Get(sid, "Teams!A0").Do()
	if c, _ := code(err); c != 400 {
		t.Errorf("bad A1: %d", c)
	}
	_, err = svc.Spreadsheets.Values.Get("missing", "A:B").Do()
	if c, m := code(err); c != 404 || m != "Requested entity was not found." {
		t.Errorf("missing spreadsheet: %d %q", c, m)
	}
	s.Fail(Failure{Method: "GET", PathContains: "/values/", Status: 429, Count: 1})
	_, err = svc.Spreadsheets.Values.Get(sid, "A:B").Do()
	if c, _ := code(err); c != 429 {
		t.Errorf("scripted: %d", c)
	}
	if _, err = svc.Spreadsheets.Values.Get(sid, "A:B").Do(); err != nil {
		t.Errorf("failure count not honoured: %v", err)
	}
	s.Deny(sid)
	_, err = svc.Spreadsheets.Get(sid).Do()
	if c, m := code(err); c != 403 || m != "The caller does not have permission" {
		t.Errorf("denied: %d %q", c, m)
	}

	// The raw envelope is Google's.
	resp, err := http.Get(s.URL() + "/v4/spreadsheets/missing")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if want := `{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND"}}`; strings.TrimSpace(string(body)) != want {
		t.Errorf("envelope %s, want %s", body, want)
	}
}

func TestSpreadsheetGet(t *testing.T) {
	_, svc := setup(t)
	ss, err := svc.Spreadsheets.Get(sid).Do()
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, sh := range ss.Sheets {
		titles = append(titles, sh.Properties.Title)
	}
	if diff := cmp.Diff([]string{"Teams", "Bob's team", "My Teams"}, titles); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if ss.Properties == nil || ss.Properties.TimeZone == "" || ss.Sheets[2].Properties.Index != 2 {
		t.Errorf("properties %+v", ss.Properties)
	}
	ss, err = svc.Spreadsheets.Get(sid).Fields("sheets.properties.title").Do()
	if err != nil {
		t.Fatal(err)
	}
	if ss.Properties != nil || ss.Sheets[1].Properties.Title != "Bob's team" || ss.Sheets[1].Properties.SheetId != 0 {
		t.Errorf("fields mask not honoured: %+v %+v", ss.Properties, ss.Sheets[1].Properties)
	}
}

func TestWrites(t *testing.T) {
	s, svc := setup(t)
	var hooked int
	s.BeforeWrite(func() { hooked++ })
	_, err := svc.Spreadsheets.Values.BatchUpdate(sid, &sheets.BatchUpdateValuesRequest{
		ValueInputOption: "RAW",
		Data: []*sheets.ValueRange{
			{Range: "Teams!C2:D2", Values: [][]any{{"=1+1", "y"}}},
			{Range: "'My Teams'!E5", Values: [][]any{{3.5}}},
		},
	}).Do()
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.Spreadsheets.Values.Update(sid, "Teams!C3", &sheets.ValueRange{Values: [][]any{{"=2+2"}}}).ValueInputOption("USER_ENTERED").Do()
	if err != nil {
		t.Fatal(err)
	}
	if hooked != 2 {
		t.Errorf("BeforeWrite ran %d times, want 2", hooked)
	}
	want := [][]string{{"Team", "Hosts"}, {"Sales", "a@x.com", "=1+1", "y"}, {"", "", "=2+2"}, {"Ops"}}
	if diff := cmp.Diff(want, s.Tab(sid, "Teams")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if s.IsFormula(sid, "Teams", "C2") || !s.IsFormula(sid, "Teams", "C3") {
		t.Error("RAW must store text; USER_ENTERED makes a formula")
	}
	if got := s.Tab(sid, "My Teams"); len(got) != 5 || got[4][4] != "3.5" {
		t.Errorf("My Teams = %v", got)
	}
	// Writing more than a closed range holds is refused, as Google does.
	_, err = svc.Spreadsheets.Values.BatchUpdate(sid, &sheets.BatchUpdateValuesRequest{
		ValueInputOption: "RAW", Data: []*sheets.ValueRange{{Range: "Teams!C2", Values: [][]any{{"a", "b"}}}},
	}).Do()
	if err == nil || !strings.Contains(err.Error(), "tried writing to column [D]") {
		t.Errorf("overflow: %v", err)
	}
	_, err = svc.Spreadsheets.Values.BatchUpdate(sid, &sheets.BatchUpdateValuesRequest{Data: []*sheets.ValueRange{{Range: "Teams!C2", Values: [][]any{{"a"}}}}}).Do()
	if err == nil {
		t.Error("missing valueInputOption accepted")
	}
}

func TestBatchGet(t *testing.T) {
	_, svc := setup(t)
	resp, err := svc.Spreadsheets.Values.BatchGet(sid).Ranges("Teams!A1:A", "'My Teams'!C1:C2").Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.ValueRanges) != 2 || resp.ValueRanges[0].Range != "Teams!A1:A1000" || resp.ValueRanges[1].Range != "'My Teams'!C1:C2" {
		t.Fatalf("%+v", resp.ValueRanges)
	}
	if diff := cmp.Diff([][]any{{"Team"}, {"Sales"}, {}, {"Ops"}}, resp.ValueRanges[0].Values); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestConcurrentUse(t *testing.T) {
	s, svc := setup(t)
	s.OnRequest(func(*http.Request) {})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				_, _ = svc.Spreadsheets.Values.Get(sid, "Teams").Do()
				_, _ = svc.Spreadsheets.Values.Update(sid, "Teams!F1", &sheets.ValueRange{Values: [][]any{{"v"}}}).ValueInputOption("RAW").Do()
				s.Tab(sid, "Teams")
			}
		}()
	}
	wg.Wait()
	if n := len(s.Requests()); n != 160 {
		t.Errorf("%d requests recorded, want 160", n)
	}
}
