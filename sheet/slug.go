package sheet

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxSlug is Zoom's limit on a page slug.
const maxSlug = 256

// transliterations covers Latin letters that Unicode decomposition leaves
// whole, so that "Straße" and "Øresund" still give readable slugs.
var transliterations = map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "ae", 'ø': "o", 'Ø': "o", 'œ': "oe", 'Œ': "oe",
	'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'þ': "th", 'Þ': "th", 'ð': "d",
	'Ð': "d", 'ı': "i", 'ħ': "h", 'Ħ': "h",
}

// Slugify turns text into a key or slug: lower-case a-z, 0-9 and single
// hyphens, accents removed ("Équipe Café" → "equipe-cafe"), at most 256
// characters. Letters outside the Latin alphabet are dropped, so a name
// written only in, say, Japanese gives "".
//
// It uses compatibility decomposition (NFKD) rather than plain NFD so that
// full-width and ligature forms ("ＡＢＣ", "ﬁ") fold to their ASCII letters.
func Slugify(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingDash := false
	emit := func(r rune) {
		if pendingDash && b.Len() > 0 {
			b.WriteByte('-')
		}
		pendingDash = false
		b.WriteRune(r)
	}
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue // a combining accent split off by the decomposition
		}
		if t, ok := transliterations[r]; ok {
			for _, tr := range t {
				emit(tr)
			}
			continue
		}
		r = unicode.ToLower(r)
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			emit(r)
			continue
		}
		pendingDash = true
	}
	out := b.String()
	if len(out) > maxSlug {
		out = strings.TrimRight(out[:maxSlug], "-")
	}
	return out
}

// isSlug reports whether s only holds the characters Zoom allows in a slug.
func isSlug(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
