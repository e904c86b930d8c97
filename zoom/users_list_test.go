package zoom

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAllUsersPaginates(t *testing.T) {
	c, mux, _ := setup(t)
	var queries []string
	mux.HandleFunc("/v2/users", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			t.Errorf("method = %s, want GET", r.Method)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer tok-1" {
			t.Errorf("Authorization = %q", got)
		}
		queries = append(queries, r.URL.RawQuery)
		switch r.URL.Query().Get("next_page_token") {
		case "":
			writeJSON(w, 200, `{"page_size":300,"total_records":3,"next_page_token":"p2","users":[`+
				`{"id":"u1","email":"ann@example.com","first_name":"Ann","last_name":"A","status":"active"},`+
				`{"id":"u2","email":"bob@example.com","first_name":"Bob","last_name":"B","status":"active"}]}`)
		case "p2":
			writeJSON(w, 200, `{"page_size":300,"total_records":3,"next_page_token":"","users":[`+
				`{"id":"u3","email":"cat@example.com","first_name":"Cat","last_name":"C","status":"active","type":1}]}`)
		default:
			t.Errorf("unexpected token in %q", r.URL.RawQuery)
			writeJSON(w, 400, `{"code":300,"message":"bad token"}`)
		}
	})

	var got []AccountUser
	for u, err := range c.AllUsers(context.Background(), UserStatusActive) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, u)
	}
	want := []AccountUser{
		{ID: "u1", Email: "ann@example.com", FirstName: "Ann", LastName: "A", Status: "active"},
		{ID: "u2", Email: "bob@example.com", FirstName: "Bob", LastName: "B", Status: "active"},
		{ID: "u3", Email: "cat@example.com", FirstName: "Cat", LastName: "C", Status: "active"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	wantQ := []string{"page_size=300&status=active", "next_page_token=p2&page_size=300&status=active"}
	if diff := cmp.Diff(wantQ, queries); diff != "" {
		t.Errorf("queries (-want +got):\n%s", diff)
	}
	if n := c.Stats().Requests(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestAllUsersStopsEarly(t *testing.T) {
	c, mux, _ := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("GET /v2/users", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 200, `{"next_page_token":"more","users":[{"id":"u1","email":"a@x.com"},{"id":"u2","email":"b@x.com"}]}`)
	})
	n := 0
	for _, err := range c.AllUsers(context.Background(), UserStatusActive) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		break
	}
	if n != 1 || calls.Load() != 1 {
		t.Errorf("yielded %d users over %d calls; a consumer that stops must stop the listing", n, calls.Load())
	}
}

func TestAllUsersErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request)
		want    string
	}{
		{"missing scope", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 400, `{"code":4711,"message":"Invalid access token, does not contain scopes:[user:read:admin]"}`)
		}, "user:read:admin"},
		{"repeated token", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"next_page_token":"same","users":[{"id":"u1","email":"a@x.com"}]}`)
		}, "same next_page_token twice"},
		{"error on a later page", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("next_page_token") == "" {
				writeJSON(w, 200, `{"next_page_token":"p2","users":[{"id":"u1","email":"a@x.com"}]}`)
				return
			}
			writeJSON(w, 404, `{"code":1001,"message":"User does not exist."}`)
		}, "User does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux, _ := setup(t)
			mux.HandleFunc("GET /v2/users", tt.handler)
			var users []string
			var errs []error
			for u, err := range c.AllUsers(context.Background(), "") {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				users = append(users, u.Email)
			}
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.want) {
				t.Fatalf("errors = %v, want one mentioning %q", errs, tt.want)
			}
			if strings.Contains(fmt.Sprint(errs[0]), testSecret) {
				t.Errorf("error leaks the client secret: %v", errs[0])
			}
		})
	}
}

func TestListUsersPageQuery(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /v2/users", func(w http.ResponseWriter, r *http.Request) {
		want := url.Values{"page_size": {"300"}, "next_page_token": {"a b/c"}}
		if diff := cmp.Diff(want, r.URL.Query()); diff != "" {
			t.Errorf("query (-want +got):\n%s", diff)
		}
		writeJSON(w, 200, `{"page_size":300,"total_records":0,"next_page_token":"","users":[]}`)
	})
	page, err := c.listUsersPage(context.Background(), "", "a b/c")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Users) != 0 || page.PageSize != 300 {
		t.Errorf("page = %+v", page)
	}
}
