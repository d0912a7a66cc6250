package transcript

import (
	"bytes"
	"encoding/json"
)

// splitBatch splits a batch document that jsonstrict has checked (valid
// JSON, no member twice) into its "batch" and its records, without
// decoding them: {"batch": "...", "records": [...]} with those two names
// exactly, the batch id a string and the records an array of objects. Any
// other shape gives ok false, and the caller decodes the document with
// encoding/json, which says what is wrong with it.
func splitBatch(data []byte) (batch string, records []json.RawMessage, ok bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return "", nil, false
	}
	i = skipSpace(data, i+1)
	seen := 0
	for i < len(data) && data[i] == '"' {
		end := skipValue(data, i)
		name := data[i:end]
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return "", nil, false
		}
		i = skipSpace(data, i+1)
		end = skipValue(data, i)
		switch string(name) {
		case `"batch"`:
			if data[i] != '"' || json.Unmarshal(data[i:end], &batch) != nil {
				return "", nil, false
			}
		case `"records"`:
			if data[i] != '[' {
				return "", nil, false
			}
			if records, ok = splitArray(data[i:end]); !ok {
				return "", nil, false
			}
		default:
			return "", nil, false
		}
		seen++
		i = skipSpace(data, end)
		if i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return batch, records, seen == 2 && i < len(data) && data[i] == '}'
}

// splitArray splits a checked JSON array of objects into its elements.
func splitArray(a []byte) ([]json.RawMessage, bool) {
	out := []json.RawMessage{}
	i := skipSpace(a, 1)
	for i < len(a) && a[i] != ']' {
		if a[i] != '{' {
			return nil, false
		}
		end := skipValue(a, i)
		out = append(out, a[i:end:end])
		i = skipSpace(a, end)
		if i < len(a) && a[i] == ',' {
			i = skipSpace(a, i+1)
		}
	}
	return out, true
}

// skipSpace skips JSON white space from i.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the valid JSON value at i: a string, an
// object or array (strings inside skipped whole), or a literal or number.
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	default:
		for i < len(b) && bytes.IndexByte([]byte(",}] \t\n\r"), b[i]) < 0 {
			i++
		}
		return i
	}
}

// skipString returns the end of the string that starts at i.
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}
