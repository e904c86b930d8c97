// Package sheettest is a fake Google Sheets API v4 server for tests. The
// real google.golang.org/api/sheets/v4 client talks to it through
// option.WithEndpoint(srv.URL()) and option.WithoutAuthentication(). It
// answers the calls zoomsync makes (spreadsheets.get, values.get,
// values.batchGet, values.update, values.batchUpdate) with Google's shapes:
// closed ranges, trailing empty cells and rows left out, Google's error
// envelope; and it can script failures and run hooks between calls.
package sheettest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Server is a fake Sheets API. It is safe for concurrent use.
type Server struct {
	srv *httptest.Server

	mu          sync.Mutex
	books       map[string]*book
	denied      map[string]bool
	failures    []*Failure
	requests    []Request
	beforeWrite []func()
	onRequest   []func(*http.Request)
}

// Failure scripts an error answer. The next Count requests whose method is
// Method (any when "") and whose decoded path contains PathContains get
// Status with Google's error body for it (Message overrides the text).
// Count 0 means every matching request, for good.
type Failure struct {
	Method       string
	PathContains string
	Status       int
	Count        int
	Message      string
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
}

// Request is one request the server received.
type Request struct {
	Method   string
	Path     string // decoded, e.g. /v4/spreadsheets/abc/values/'My Teams'!A1:Z
	RawQuery string
	Body     string
}

type book struct {
	id       string
	title    string
	timeZone string
	tabs     []*tab
	nextID   int64
}

type tab struct {
	id    int64
	title string
	cells [][]cell
}

type cell struct {
	text    string
	formula bool // entered with USER_ENTERED and starting with "="
}

// NewServer starts a fake Sheets API server. Close it when done.
func NewServer() *Server {
	s := &Server{books: map[string]*book{}, denied: map[string]bool{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the base URL to pass to option.WithEndpoint.
func (s *Server) URL() string { return s.srv.URL }

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// AddSpreadsheet creates an empty spreadsheet (no tabs; SetTab adds them).
func (s *Server) AddSpreadsheet(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bookLocked(id)
}

func (s *Server) bookLocked(id string) *book {
	b := s.books[id]
	if b == nil {
		b = &book{id: id, title: "Roster " + id, timeZone: "Etc/GMT"}
		s.books[id] = b
	}
	return b
}

// SetTab sets a tab's cells, creating the spreadsheet and the tab as
// needed. Tabs are ordered by creation; the first is what a range without a
// tab name reads.
func (s *Server) SetTab(id, title string, rows [][]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.bookLocked(id)
	t := b.tab(title)
	if t == nil {
		t = &tab{id: b.nextID, title: title}
		b.nextID++
		b.tabs = append(b.tabs, t)
	}
	t.cells = make([][]cell, len(rows))
	for i, r := range rows {
		t.cells[i] = make([]cell, len(r))
		for j, v := range r {
			t.cells[i][j] = cell{text: v}
		}
	}
}

// Tab returns a tab's current cells, trailing empty cells and rows left
// out; nil when there is no such tab.
func (s *Server) Tab(id, title string) [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.books[id]
	if b == nil {
		return nil
	}
	t := b.tab(title)
	if t == nil {
		return nil
	}
	out := make([][]string, len(t.cells))
	for i, r := range t.cells {
		out[i] = make([]string, len(r))
		for j, c := range r {
			out[i][j] = c.text
		}
		out[i] = trimRow(out[i])
	}
	for len(out) > 0 && len(out[len(out)-1]) == 0 {
		out = out[:len(out)-1]
	}
	return out
}

// IsFormula reports whether the cell (A1 name, e.g. "F7") of a tab holds a
// formula, which only a USER_ENTERED write of text starting with "=" makes.
func (s *Server) IsFormula(id, title, a1 string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.books[id]
	if b == nil {
		return false
	}
	t := b.tab(title)
	c, r, err := parseCellRef(a1)
	if t == nil || err != nil || c < 0 || r < 1 || r > len(t.cells) || c >= len(t.cells[r-1]) {
		return false
	}
	return t.cells[r-1][c].formula
}

// Fail scripts failures; see Failure.
func (s *Server) Fail(f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &f)
}

// Deny makes every call on the spreadsheet answer 403 PERMISSION_DENIED, as
// when it is not shared with the caller.
func (s *Server) Deny(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denied[id] = true
}

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// BeforeWrite registers f to run when a write (values.batchUpdate or
// values.update) arrives, before it is applied, e.g. to re-order a tab as
// if someone sorted the sheet.
func (s *Server) BeforeWrite(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.beforeWrite = append(s.beforeWrite, f)
}

// OnRequest registers f to run at the start of every request, before any
// scripted failure or handling. f may call the Server's methods.
func (s *Server) OnRequest(f func(r *http.Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onRequest = append(s.onRequest, f)
}

func (b *book) tab(title string) *tab {
	for _, t := range b.tabs {
		if t.title == title {
			return t
		}
	}
	return nil
}

// findTab looks a tab up the way the API does: exact title first, then
// ignoring case.
func (b *book) findTab(title string) *tab {
	if t := b.tab(title); t != nil {
		return t
	}
	for _, t := range b.tabs {
		if strings.EqualFold(t.title, title) {
			return t
		}
	}
	return nil
}

func (t *tab) gridRows() int {
	return max(1000, len(t.cells))
}

func (t *tab) gridCols() int {
	n := 26
	for _, r := range t.cells {
		n = max(n, len(r))
	}
	return n
}

// apiError is Google's error envelope.
type apiError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
	} `json:"error"`
}

var defaultMessages = map[int][2]string{
	400: {"Request contains an invalid argument.", "INVALID_ARGUMENT"},
	401: {"Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "UNAUTHENTICATED"},
	403: {"The caller does not have permission", "PERMISSION_DENIED"},
	404: {"Requested entity was not found.", "NOT_FOUND"},
	429: {"Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.", "RESOURCE_EXHAUSTED"},
	500: {"Internal error encountered.", "INTERNAL"},
	502: {"Bad Gateway", "UNAVAILABLE"},
	503: {"The service is currently unavailable.", "UNAVAILABLE"},
	504: {"The service is currently unavailable.", "DEADLINE_EXCEEDED"},
}

func writeError(w http.ResponseWriter, code int, msg string) {
	var e apiError
	e.Error.Code = code
	def, ok := defaultMessages[code]
	if !ok {
		def = [2]string{http.StatusText(code), "UNKNOWN"}
	}
	e.Error.Message, e.Error.Status = def[0], def[1]
	if msg != "" {
		e.Error.Message = msg
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(e)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	r.Body = io.NopCloser(bytes.NewReader(body))

	s.mu.Lock()
	hooks := slices.Clone(s.onRequest)
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Body: string(body)})
	s.mu.Unlock()
	for _, h := range hooks {
		h(r)
	}

	if f := s.takeFailure(r); f != nil {
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		writeError(w, f.Status, f.Message)
		return
	}

	// Split the escaped path so a "/" inside an encoded range stays put.
	segs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	if len(segs) < 3 || segs[0] != "v4" || segs[1] != "spreadsheets" {
		writeError(w, http.StatusNotFound, "")
		return
	}
	id, err := url.PathUnescape(segs[2])
	if err != nil {
		writeError(w, http.StatusBadRequest, "")
		return
	}
	s.mu.Lock()
	denied := s.denied[id]
	_, exists := s.books[id]
	s.mu.Unlock()
	if denied {
		writeError(w, http.StatusForbidden, "")
		return
	}
	if !exists {
		writeError(w, http.StatusNotFound, "")
		return
	}
	rest := segs[3:]
	switch {
	case len(rest) == 0 && r.Method == http.MethodGet:
		s.getSpreadsheet(w, r, id)
	case len(rest) == 1 && rest[0] == "values:batchGet" && r.Method == http.MethodGet:
		s.batchGet(w, r, id)
	case len(rest) == 1 && rest[0] == "values:batchUpdate" && r.Method == http.MethodPost:
		s.runBeforeWrite()
		s.batchUpdate(w, id, body)
	case len(rest) == 2 && rest[0] == "values":
		rng, err := url.PathUnescape(rest[1])
		if err != nil {
			writeError(w, http.StatusBadRequest, "")
			return
		}
		switch r.Method {
		case http.MethodGet:
			s.getValues(w, r, id, rng)
		case http.MethodPut:
			s.runBeforeWrite()
			s.update(w, r, id, rng, body)
		default:
			writeError(w, http.StatusNotFound, "")
		}
	default:
		writeError(w, http.StatusNotFound, "")
	}
}

func (s *Server) takeFailure(r *http.Request) *Failure {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.failures {
		if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
			continue
		}
		if !strings.Contains(r.URL.Path, f.PathContains) {
			continue
		}
		out := *f
		if f.Count > 0 {
			f.Count--
			if f.Count == 0 {
				s.failures = append(s.failures[:i], s.failures[i+1:]...)
			}
		}
		return &out
	}
	return nil
}

func (s *Server) runBeforeWrite() {
	s.mu.Lock()
	hooks := slices.Clone(s.beforeWrite)
	s.mu.Unlock()
	for _, h := range hooks {
		h()
	}
}

func (s *Server) getSpreadsheet(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	b := s.books[id]
	type gridProps struct {
		RowCount    int `json:"rowCount"`
		ColumnCount int `json:"columnCount"`
	}
	sheetsOut := make([]map[string]any, 0, len(b.tabs))
	for i, t := range b.tabs {
		props := map[string]any{
			"sheetId":        t.id,
			"title":          t.title,
			"index":          i,
			"sheetType":      "GRID",
			"gridProperties": gridProps{RowCount: t.gridRows(), ColumnCount: t.gridCols()},
		}
		sheetsOut = append(sheetsOut, map[string]any{"properties": props})
	}
	resp := map[string]any{
		"spreadsheetId":  b.id,
		"properties":     map[string]any{"title": b.title, "timeZone": b.timeZone, "locale": "en_US"},
		"sheets":         sheetsOut,
		"spreadsheetUrl": "https://docs.google.com/spreadsheets/d/" + b.id + "/edit",
	}
	s.mu.Unlock()
	if fields := r.URL.Query().Get("fields"); fields != "" {
		resp = filterFields(resp, fields)
	}
	writeJSON(w, resp)
}

// filterFields honours a fields mask loosely: top-level keys the mask names
// are kept, and under sheets[].properties only the named sub-fields when
// the mask names any.
func filterFields(resp map[string]any, fields string) map[string]any {
	top := map[string]bool{}
	depth, start := 0, 0
	for i := 0; i <= len(fields); i++ {
		if i < len(fields) {
			switch fields[i] {
			case '(':
				depth++
				continue
			case ')':
				depth--
				continue
			case ',':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		item := strings.TrimSpace(fields[start:i])
		if j := strings.IndexAny(item, ".("); j >= 0 {
			item = item[:j]
		}
		top[item] = true
		start = i + 1
	}
	out := map[string]any{}
	for k, v := range resp {
		if top[k] {
			out[k] = v
		}
	}
	sh, ok := out["sheets"].([]map[string]any)
	if !ok {
		return out
	}
	var want []string
	for _, f := range []string{"sheetId", "title", "index", "sheetType", "gridProperties"} {
		if strings.Contains(fields, "properties."+f) || strings.Contains(fields, "properties("+f) {
			want = append(want, f)
		}
	}
	if len(want) == 0 {
		return out
	}
	filtered := make([]map[string]any, len(sh))
	for i, s := range sh {
		props := s["properties"].(map[string]any)
		p := map[string]any{}
		for _, f := range want {
			p[f] = props[f]
		}
		filtered[i] = map[string]any{"properties": p}
	}
	out["sheets"] = filtered
	return out
}

// rect is a resolved, closed range on one tab.
type rect struct {
	t              *tab
	c1, r1, c2, r2 int
}

func (x rect) String() string {
	a := colName(x.c1) + strconv.Itoa(x.r1)
	b := colName(x.c2) + strconv.Itoa(x.r2)
	if a == b {
		return quote(x.t.title) + "!" + a
	}
	return quote(x.t.title) + "!" + a + ":" + b
}

// resolve turns a requested range into a rect on a tab, or the API's error
// message. forWrite lets a range reach beyond the grid.
func (s *Server) resolveLocked(id, rng string, forWrite bool) (rect, string) {
	b := s.books[id]
	parse := "Unable to parse range: " + rng
	p, err := parseRef(rng)
	if err != nil {
		return rect{}, parse
	}
	var t *tab
	if p.hasSheet {
		t = b.findTab(p.sheet)
	} else if len(b.tabs) > 0 {
		t = b.tabs[0]
	}
	if t == nil {
		return rect{}, parse
	}
	rows, cols := t.gridRows(), t.gridCols()
	x := rect{t: t, c1: 0, r1: 1, c2: cols - 1, r2: rows}
	if p.wholeSheet {
		return x, ""
	}
	if p.c1 >= 0 {
		x.c1 = p.c1
	}
	if p.r1 > 0 {
		x.r1 = p.r1
	}
	if p.hasEnd {
		if p.c2 >= 0 {
			x.c2 = p.c2
		}
		if p.r2 > 0 {
			x.r2 = p.r2
		}
	} else {
		// A single reference: one cell, a whole column (A) or row (3).
		if p.c1 >= 0 {
			x.c2 = p.c1
		}
		if p.r1 > 0 {
			x.r2 = p.r1
		}
	}
	if x.c2 < x.c1 {
		x.c1, x.c2 = x.c2, x.c1
	}
	if x.r2 < x.r1 {
		x.r1, x.r2 = x.r2, x.r1
	}
	if forWrite {
		return x, ""
	}
	if x.c1 >= cols || x.r1 > rows {
		return rect{}, fmt.Sprintf("Range (%s) exceeds grid limits. Max rows: %d, max columns: %d", rng, rows, cols)
	}
	x.c2, x.r2 = min(x.c2, cols-1), min(x.r2, rows)
	return x, ""
}

type valueRange struct {
	Range          string  `json:"range"`
	MajorDimension string  `json:"majorDimension"`
	Values         [][]any `json:"values,omitempty"`
}

func (s *Server) valuesLocked(x rect, render string) valueRange {
	vr := valueRange{Range: x.String(), MajorDimension: "ROWS"}
	var rows [][]any
	for r := x.r1; r <= x.r2 && r <= len(x.t.cells); r++ {
		src := x.t.cells[r-1]
		row := []any{}
		last := -1
		for c := x.c1; c <= x.c2 && c < len(src); c++ {
			if src[c].text != "" {
				last = c
			}
		}
		for c := x.c1; c <= last; c++ {
			v := src[c].text
			if src[c].formula && render != "FORMULA" {
				v = "#NAME?" // the fake does not evaluate formulas
			}
			row = append(row, v)
		}
		rows = append(rows, row)
	}
	for len(rows) > 0 && len(rows[len(rows)-1]) == 0 {
		rows = rows[:len(rows)-1]
	}
	if len(rows) > 0 {
		vr.Values = rows
	}
	return vr
}

func (s *Server) getValues(w http.ResponseWriter, r *http.Request, id, rng string) {
	s.mu.Lock()
	x, msg := s.resolveLocked(id, rng, false)
	var vr valueRange
	if msg == "" {
		vr = s.valuesLocked(x, r.URL.Query().Get("valueRenderOption"))
	}
	s.mu.Unlock()
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	writeJSON(w, vr)
}

func (s *Server) batchGet(w http.ResponseWriter, r *http.Request, id string) {
	q := r.URL.Query()
	ranges := q["ranges"]
	s.mu.Lock()
	out := make([]valueRange, 0, len(ranges))
	for _, rng := range ranges {
		x, msg := s.resolveLocked(id, rng, false)
		if msg != "" {
			s.mu.Unlock()
			writeError(w, http.StatusBadRequest, msg)
			return
		}
		out = append(out, s.valuesLocked(x, q.Get("valueRenderOption")))
	}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"spreadsheetId": id, "valueRanges": out})
}

type updateResponse struct {
	SpreadsheetID  string `json:"spreadsheetId"`
	UpdatedRange   string `json:"updatedRange"`
	UpdatedRows    int    `json:"updatedRows"`
	UpdatedColumns int    `json:"updatedColumns"`
	UpdatedCells   int    `json:"updatedCells"`
}

type inRange struct {
	Range          string  `json:"range"`
	MajorDimension string  `json:"majorDimension"`
	Values         [][]any `json:"values"`
}

func (s *Server) batchUpdate(w http.ResponseWriter, id string, body []byte) {
	var req struct {
		ValueInputOption string    `json:"valueInputOption"`
		Data             []inRange `json:"data"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid JSON payload received.")
		return
	}
	if req.ValueInputOption != "RAW" && req.ValueInputOption != "USER_ENTERED" {
		writeError(w, http.StatusBadRequest, "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Check every range first: the API applies all or nothing.
	rects := make([]rect, len(req.Data))
	for i, d := range req.Data {
		x, msg := s.resolveLocked(id, d.Range, true)
		if msg == "" {
			msg = checkFits(x, d)
		}
		if msg != "" {
			writeError(w, http.StatusBadRequest, msg)
			return
		}
		rects[i] = x
	}
	resp := struct {
		SpreadsheetID       string           `json:"spreadsheetId"`
		TotalUpdatedRows    int              `json:"totalUpdatedRows"`
		TotalUpdatedColumns int              `json:"totalUpdatedColumns"`
		TotalUpdatedCells   int              `json:"totalUpdatedCells"`
		TotalUpdatedSheets  int              `json:"totalUpdatedSheets"`
		Responses           []updateResponse `json:"responses"`
	}{SpreadsheetID: id}
	tabs := map[*tab]bool{}
	for i, d := range req.Data {
		ur := apply(rects[i], d, req.ValueInputOption)
		ur.SpreadsheetID = id
		resp.Responses = append(resp.Responses, ur)
		resp.TotalUpdatedRows += ur.UpdatedRows
		resp.TotalUpdatedColumns += ur.UpdatedColumns
		resp.TotalUpdatedCells += ur.UpdatedCells
		tabs[rects[i].t] = true
	}
	resp.TotalUpdatedSheets = len(tabs)
	writeJSON(w, resp)
}

func (s *Server) update(w http.ResponseWriter, r *http.Request, id, rng string, body []byte) {
	opt := r.URL.Query().Get("valueInputOption")
	if opt != "RAW" && opt != "USER_ENTERED" {
		writeError(w, http.StatusBadRequest, "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
		return
	}
	var d inRange
	if err := json.Unmarshal(body, &d); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid JSON payload received.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x, msg := s.resolveLocked(id, rng, true)
	if msg == "" {
		msg = checkFits(x, d)
	}
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	ur := apply(x, d, opt)
	ur.SpreadsheetID = id
	writeJSON(w, ur)
}

// checkFits rejects values larger than an explicitly closed range, with the
// API's wording.
func checkFits(x rect, d inRange) string {
	for i, row := range d.Values {
		if x.r1+i > x.r2 {
			return fmt.Sprintf("Requested writing within range [%s], but tried writing to row [%d]", d.Range, x.r1+i)
		}
		if x.c1+len(row)-1 > x.c2 {
			return fmt.Sprintf("Requested writing within range [%s], but tried writing to column [%s]", d.Range, colName(x.c1+len(row)-1))
		}
	}
	return ""
}

// apply writes values at the top-left of x. RAW stores text as given;
// USER_ENTERED turns text starting with "=" into a formula.
func apply(x rect, d inRange, opt string) updateResponse {
	ur := updateResponse{}
	maxCols := 0
	for i, row := range d.Values {
		r := x.r1 + i
		for len(x.t.cells) < r {
			x.t.cells = append(x.t.cells, nil)
		}
		for j, v := range row {
			if v == nil {
				continue // null leaves the cell as it is
			}
			c := x.c1 + j
			for len(x.t.cells[r-1]) <= c {
				x.t.cells[r-1] = append(x.t.cells[r-1], cell{})
			}
			text := valueText(v)
			x.t.cells[r-1][c] = cell{text: text, formula: opt == "USER_ENTERED" && strings.HasPrefix(text, "=")}
			ur.UpdatedCells++
		}
		maxCols = max(maxCols, len(row))
	}
	ur.UpdatedRows = len(d.Values)
	ur.UpdatedColumns = maxCols
	end := rect{t: x.t, c1: x.c1, r1: x.r1, c2: x.c1 + max(maxCols, 1) - 1, r2: x.r1 + max(len(d.Values), 1) - 1}
	ur.UpdatedRange = end.String()
	return ur
}

func valueText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "TRUE"
		}
		return "FALSE"
	}
	return fmt.Sprint(v)
}

func trimRow(r []string) []string {
	for len(r) > 0 && r[len(r)-1] == "" {
		r = r[:len(r)-1]
	}
	return r
}
