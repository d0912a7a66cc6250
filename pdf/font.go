package pdf

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"sync"
)

//go:embed fonts/wqy-microhei.ttf.gz
var fontGz []byte

// body is the font every PDF is set in, read once per process: each
// document embeds a subset of the glyphs it uses, cut from it.
var body = sync.OnceValues(func() (*face, error) {
	zr, err := gzip.NewReader(bytes.NewReader(fontGz))
	if err != nil {
		return nil, fmt.Errorf("font: %w", err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("font: %w", err)
	}
	f, err := parseFace(data)
	if err != nil {
		return nil, fmt.Errorf("font: %w", err)
	}
	return f, nil
})
