package credential

import (
	"encoding/json"
	"fmt"
	"sync"
)

// TranscriptContext is the inline context that defines our transcript
// terms, made from the ld tags of the credential's fields. It travels
// inside every credential, so the credential verifies offline anywhere and
// no verifier fetches it. (Kept as JSON: a credential is marshalled before
// anything reads it.) Its text is pinned by a golden file
// (testdata/transcript-context.json): a change of vocabulary shows in
// review.
var TranscriptContext = func() json.RawMessage {
	b, err := vocab.Context("et", Credential{})
	if err != nil {
		panic(fmt.Sprintf("credential: the transcript context: %v", err))
	}
	return b
}()

// transcriptContextDoc is TranscriptContext decoded, shared by every Doc
// (which must not change it).
var transcriptContextDoc = sync.OnceValues(func() (any, error) {
	var v any
	err := json.Unmarshal(TranscriptContext, &v)
	return v, err
})
