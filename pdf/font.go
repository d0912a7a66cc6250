package pdf

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/go-pdf/fpdf"
)

//go:embed fonts/wqy-microhei.ttf.gz
var fontGz []byte

var (
	fullOnce sync.Once
	fullFont []byte
	fullErr  error
)

// full is the whole font, decompressed once.
func full() ([]byte, error) {
	fullOnce.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(fontGz))
		if err != nil {
			fullErr = err
			return
		}
		fullFont, fullErr = io.ReadAll(zr)
	})
	return fullFont, fullErr
}

// baseRunes are always in the cut font: printable ASCII, Latin-1 and
// Latin Extended-A, and the typographic marks the layout uses.
var baseRunes = func() string {
	var b strings.Builder
	for r := rune(0x20); r < 0x17f; r++ {
		if r < 0x7f || r >= 0xa0 {
			b.WriteRune(r)
		}
	}
	b.WriteString("–—‘’“”•…·")
	b.WriteString(labelsZH)
	return b.String()
}()

// labelsZH are the Chinese labels every transcript carries beside the
// English ones.
const labelsZH = "正式成績單姓名學號課程入學日期已修學分計入平均學位頒授日期科目編號名稱成績績點第頁，共學期累積"

// fonts keeps a cut of the font that covers every character seen so far.
// Parsing and subsetting the whole CJK font costs about 35 ms per
// document; a cut covering a batch's characters is parsed in a fraction of
// that, so the cut is made once per new set of characters, not per PDF.
type fonts struct {
	mu    sync.Mutex
	runes map[rune]bool
	cut   []byte
}

// cover returns a cut of the font that has every rune of texts.
func (f *fonts) cover(texts ...string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.runes == nil {
		f.runes = map[rune]bool{}
		for _, r := range baseRunes {
			f.runes[r] = true
		}
	}
	grew := f.cut == nil
	for _, t := range texts {
		for _, r := range t {
			if r >= 0x20 && !f.runes[r] {
				f.runes[r] = true
				grew = true
			}
		}
	}
	if !grew {
		return f.cut, nil
	}
	whole, err := full()
	if err != nil {
		return nil, err
	}
	rs := make([]rune, 0, len(f.runes))
	for r := range f.runes {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	f.cut = fpdf.UTF8CutFont(whole, string(rs))
	return f.cut, nil
}
