package sheet

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// maxCSVSize caps the CSV file zoomsync reads: a roster of thousands of
// teams is a few megabytes.
const maxCSVSize = 64 << 20

var errTooBig = errors.New("file too large")

// readCapped reads the file at path, or returns errTooBig without reading
// more than max+1 bytes (none, for a regular file).
func readCapped(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > max {
		return nil, errTooBig
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, errTooBig
	}
	return data, nil
}

// CSV reads the roster from a CSV file, for trying zoomsync out and for
// teams that export their sheet. It does not support write-back.
type CSV struct {
	path string
	log  *slog.Logger
}

// newCSV returns a source reading the CSV file at path.
func newCSV(path string) *CSV { return &CSV{path: path, log: logger(nil)} }

// String is `CSV <path>`.
func (c *CSV) String() string { return "CSV " + c.path }

// Read reads the whole file. It accepts UTF-8 with or without a byte-order
// mark, UTF-16 with one, and (as Excel on Windows writes it) Windows-1252
// when most of the file's non-ASCII bytes are not UTF-8;
// "," separators, or ";" or tabs when the header has no ","; CRLF line ends;
// quotes used loosely. Row numbers count rows as a spreadsheet shows the
// file: each record is one row, each blank line one empty row.
func (c *CSV) Read(ctx context.Context) (*Table, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := readCapped(c.path, maxCSVSize)
	if errors.Is(err, errTooBig) {
		return nil, &SourceError{Source: c.String(), Op: "read", Problem: fmt.Sprintf("the file is larger than %d MiB, far more than a roster needs", maxCSVSize>>20),
			Hint: "check source.path points at the roster", Err: err}
	}
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, &SourceError{Source: c.String(), Op: "read", Problem: "the file does not exist",
				Hint: "check source.path (a relative path is resolved against the config file's directory)", Err: err}
		case errors.Is(err, fs.ErrPermission):
			return nil, &SourceError{Source: c.String(), Op: "read", Problem: "permission denied",
				Hint: "make the file readable by the user zoomsync runs as", Err: err}
		}
		return nil, &SourceError{Source: c.String(), Op: "read", Problem: err.Error(), Err: err}
	}
	data, enc := decodeText(data)
	t, problem, err := tableFromCSV(data)
	switch enc {
	case "":
	case "Windows-1252":
		// A guess: name the text it touched, so the admin can check it, and
		// how to make the next read need no guess.
		c.log.Warn("CSV file is not UTF-8; reading it as Windows-1252", "file", c.path,
			"detail", nonASCIIText(t)+"check that text reads right, then save the file as UTF-8 "+
				"(Excel: Save As, \"CSV UTF-8 (Comma delimited)\"; Google Sheets and LibreOffice export UTF-8)")
	default:
		c.log.Warn("CSV file is not UTF-8; reading it as "+enc, "file", c.path)
	}
	if problem != "" {
		se := &SourceError{Source: c.String(), Op: "read", Problem: problem, Err: err}
		if err != nil {
			se.Hint = "check the quotes on that line (a quote inside a quoted cell is written twice: \"\")"
		}
		return nil, se
	}
	return t, nil
}

// nonASCIIShown is how many cells with non-ASCII text a warning names.
const nonASCIIShown = 3

// nonASCIIText names the first cells of t that hold non-ASCII text, with
// their text as read: `non-ASCII text in row 2 column "Team" ("Café"), ...; `.
func nonASCIIText(t *Table) string {
	if t == nil {
		return ""
	}
	var cells []string
	total := 0
	note := func(where, text string) {
		for _, r := range text {
			if r >= utf8.RuneSelf {
				total++
				if len(cells) < nonASCIIShown {
					if rs := []rune(text); len(rs) > 40 {
						text = string(rs[:39]) + "…"
					}
					cells = append(cells, fmt.Sprintf("%s (%q)", where, text))
				}
				return
			}
		}
	}
	column := func(i int) string {
		if i < len(t.Header) && t.Header[i] != "" {
			return fmt.Sprintf("column %q", t.Header[i])
		}
		return fmt.Sprintf("column %d", i+1)
	}
	for i, h := range t.Header {
		note(fmt.Sprintf("the header (row %d), column %d", t.HeaderRow, i+1), h)
	}
	for i, row := range t.Rows {
		for j, cell := range row {
			note(fmt.Sprintf("row %d %s", t.RowNums[i], column(j)), cell)
		}
	}
	if total == 0 {
		return ""
	}
	s := "non-ASCII text in " + strings.Join(cells, ", ")
	if more := total - len(cells); more > 0 {
		s += fmt.Sprintf(" and %d more %s", more, map[bool]string{true: "cell", false: "cells"}[more == 1])
	}
	return s + "; "
}

// tableFromCSV parses UTF-8 CSV text into a table. On failure it returns
// what is wrong, and the parse error if there was one.
func tableFromCSV(data []byte) (*Table, string, error) {
	const empty = "the CSV file is empty: the first row must be the header"
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, empty, nil
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.Comma = sniffComma(data)

	var rows []rawRow
	row, lines := 0, 0 // last row number given; newlines consumed so far
	prevOff := int64(0)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Sprintf("line %d is not valid CSV: %v", pe.Line, pe.Err), err
			}
			return nil, err.Error(), err
		}
		// encoding/csv skips blank lines, but a spreadsheet app shows each
		// one as an empty row: count them so row numbers match what the
		// admin sees when opening the file.
		start, _ := r.FieldPos(0)
		if blank := start - lines - 1; blank > 0 {
			row += blank
		}
		row++
		off := r.InputOffset()
		lines += bytes.Count(data[prevOff:off], []byte{'\n'})
		prevOff = off
		rows = append(rows, rawRow{num: row, cells: rec})
	}
	t := newTable(rows, 0, "")
	if t == nil {
		return nil, empty, nil
	}
	return t, "", nil
}

// decodeText returns data as UTF-8 without a byte-order mark, and the name
// of the encoding it converted from ("" for UTF-8).
func decodeText(data []byte) ([]byte, string) {
	switch {
	case bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")):
		return data[3:], ""
	case bytes.HasPrefix(data, []byte("\xFF\xFE")), bytes.HasPrefix(data, []byte("\xFE\xFF")):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		if out, err := dec.Bytes(data); err == nil {
			return out, "UTF-16"
		}
	case mostlyNotUTF8(data):
		if out, err := charmap.Windows1252.NewDecoder().Bytes(data); err == nil {
			return out, "Windows-1252"
		}
	}
	return data, ""
}

// mostlyNotUTF8 reports whether the file as a whole is in another encoding:
// more of its non-ASCII sequences are invalid UTF-8 than valid. A UTF-8
// file with a few stray bytes stays UTF-8, so its valid rows keep their
// text and Parse names the cells holding the bad bytes; re-reading it all
// as Windows-1252 would garble every valid accent ("Zürich" → "ZÃ¼rich").
func mostlyNotUTF8(data []byte) bool {
	valid, invalid := 0, 0
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			invalid++
		} else {
			valid++
		}
		i += n
	}
	return invalid > valid
}

// sniffComma picks the separator from the first line: "," unless the line
// has none but has ";" (Excel in many European locales) or a tab.
func sniffComma(data []byte) rune {
	line := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		line = data[:i]
	}
	if bytes.IndexByte(line, ',') >= 0 {
		return ','
	}
	if bytes.IndexByte(line, ';') >= 0 {
		return ';'
	}
	if bytes.IndexByte(line, '\t') >= 0 {
		return '\t'
	}
	return ','
}
