package bodycap

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func serve(t *testing.T, status, size int) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		io.Copy(w, io.LimitReader(zeros{}, int64(size)))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}

func get(t *testing.T, c *http.Client, url string) ([]byte, error) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func TestCaps(t *testing.T) {
	c := Wrap(nil, 1000, 100)
	tests := []struct {
		status, size, want int
		tooLarge           bool
	}{
		{200, 1000, 1000, false},
		{200, 1001, 1000, true},
		{200, 10 << 20, 1000, true},
		{500, 99, 99, false},
		{500, 10 << 20, 100, false},
		{404, 100, 100, false},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status)+"/"+strconv.Itoa(tt.size), func(t *testing.T) {
			body, err := get(t, c, serve(t, tt.status, tt.size))
			if len(body) != tt.want {
				t.Errorf("read %d bytes, want %d", len(body), tt.want)
			}
			if got := errors.Is(err, ErrTooLarge); got != tt.tooLarge {
				t.Errorf("err = %v", err)
			}
			if err != nil && !strings.Contains(err.Error(), "more than 1000 bytes") {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestWrapKeepsOneLayer(t *testing.T) {
	c := Wrap(Wrap(&http.Client{}, 1, 1), 5, 5)
	tr := c.Transport.(*transport)
	if _, nested := tr.Base.(*transport); nested || tr.Success != 5 {
		t.Errorf("transport %+v", tr)
	}
}
