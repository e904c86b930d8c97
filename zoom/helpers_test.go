package zoom_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

func decodeJSON(tb testing.TB, resp *http.Response, v any) {
	tb.Helper()
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		tb.Fatal(err)
	}
}
