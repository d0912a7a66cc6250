package web

import "testing"

// TestWords: every word of the pages exists in both languages.
func TestWords(t *testing.T) {
	for k := range words["en"] {
		if words["zh-Hant"][k] == "" {
			t.Errorf("%q has no Chinese", k)
		}
	}
	for k := range words["zh-Hant"] {
		if words["en"][k] == "" {
			t.Errorf("%q has no English", k)
		}
	}
	for code := range errorWords {
		if errorWords[code] == "" {
			t.Errorf("status %d has no Chinese", code)
		}
	}
}
