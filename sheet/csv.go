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
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

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
// mark, UTF-16 with one, and (as Excel on Windows writes it) Windows-1252;
// "," separators, or ";" or tabs when the header has no ","; CRLF line ends;
// quotes used loosely. Row numbers count rows as a spreadsheet shows the
// file: each record is one row, each blank line one empty row.
func (c *CSV) Read(ctx context.Context) (*Table, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(c.path)
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
	if enc != "" {
		c.log.Warn("CSV file is not UTF-8; reading it as "+enc, "file", c.path)
	}
	t, problem, err := tableFromCSV(data)
	if problem != "" {
		se := &SourceError{Source: c.String(), Op: "read", Problem: problem, Err: err}
		if err != nil {
			se.Hint = "check the quotes on that line (a quote inside a quoted cell is written twice: \"\")"
		}
		return nil, se
	}
	return t, nil
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
	case !utf8.Valid(data):
		if out, err := charmap.Windows1252.NewDecoder().Bytes(data); err == nil {
			return out, "Windows-1252"
		}
	}
	return data, ""
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
