package credential_test

import (
	"flag"
	"os"
	"testing"

	"github.com/etranscript/etranscript/credential"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestTranscriptContext pins the inline context made from the fields' ld
// tags: a change of the transcript's vocabulary changes what every new
// credential says, and must show in review.
func TestTranscriptContext(t *testing.T) {
	const golden = "testdata/transcript-context.json"
	if *update {
		if err := os.WriteFile(golden, credential.TranscriptContext, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(credential.TranscriptContext) != string(want) {
		t.Errorf("the transcript context changed (go test -run TestTranscriptContext -update to accept):\n%s", credential.TranscriptContext)
	}
}
