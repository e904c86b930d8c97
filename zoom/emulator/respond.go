package emulator

import (
	"encoding/json"
	"net/http"
)

// Zoom answers two error shapes and the emulator uses both
// (docs/zoom-api.md#rate-limits-and-errors):
//   - the code shape {"code":N,"message":"..."} (plus "errors" for code 300)
//     for auth, rate limits, validation ranges, 403, 5xx and routing
//     (documented);
//   - the scheduler shape {"error":{"message":"...","errors":[...]}} for the
//     json-validation quirks (observed) and for 404s of a schedule
//     (inferred).

// fieldError is one entry of an "errors" list.
type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

type codeBody struct {
	Code    int          `json:"code"`
	Message string       `json:"message"`
	Errors  []fieldError `json:"errors,omitempty"`
}

type schedulerBody struct {
	Error schedulerError `json:"error"`
}

type schedulerError struct {
	Message string       `json:"message"`
	Errors  []fieldError `json:"errors,omitempty"`
}

const contentJSON = "application/json;charset=UTF-8"

// writeRaw writes an already marshalled JSON body.
func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", contentJSON)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeCode(w, http.StatusInternalServerError, http.StatusInternalServerError, "Internal Error.")
		return
	}
	writeRaw(w, status, b)
}

func writeCode(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, codeBody{Code: code, Message: msg})
}

// writeValidation answers 400 code 300 with every field error.
func writeValidation(w http.ResponseWriter, errs []fieldError) {
	writeJSON(w, http.StatusBadRequest, codeBody{Code: 300, Message: "Validation Failed.", Errors: errs})
}

// writeSchedulerError answers in the scheduler shape.
func writeSchedulerError(w http.ResponseWriter, status int, msg string, errs []fieldError) {
	writeJSON(w, status, schedulerBody{Error: schedulerError{Message: msg, Errors: errs}})
}

func writeNotFound(w http.ResponseWriter) {
	writeSchedulerError(w, http.StatusNotFound, "Schedule not found.", nil)
}

func writeUserNotFound(w http.ResponseWriter) {
	writeCode(w, http.StatusForbidden, http.StatusForbidden, "User Not Found")
}

func writeNoContent(w http.ResponseWriter) {
	w.WriteHeader(http.StatusNoContent)
}

// errorMessages are the messages of injected error answers.
var errorMessages = map[int]string{
	http.StatusInternalServerError: "Internal Error.",
	http.StatusBadGateway:          "Bad Gateway.",
	http.StatusServiceUnavailable:  "Service Unavailable.",
	http.StatusGatewayTimeout:      "Gateway Timeout.",
}
