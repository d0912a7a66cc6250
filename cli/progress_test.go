package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/etranscript/etranscript/issuer"
)

func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	show := ProgressLine(&b)
	show(issuer.Progress{Stage: issuer.ProgressBuilt, Done: 256, Total: 1000})
	show(issuer.Progress{Stage: issuer.ProgressBuilt, Done: 1000, Total: 1000})
	show(issuer.Progress{Stage: issuer.ProgressAnchored, Done: 1000, Total: 1000})
	show(issuer.Progress{Stage: issuer.ProgressWritten, Done: 512, Total: 1000})
	lines := strings.Split(b.String(), "\r")
	if last := lines[len(lines)-1]; last != "built 1000/1000 · anchored ✓ · written 512/1000 " {
		t.Errorf("last line %q", last)
	}
	if !strings.Contains(b.String(), "built 256/1000 · anchored … · written 0/1000") {
		t.Errorf("first line missing: %q", b.String())
	}
}
