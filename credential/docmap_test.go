package credential_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/transcript"
)

// TestDoc: Credential.Doc is the JSON round trip, on credentials with and
// without the optional parts.
func TestDoc(t *testing.T) {
	b := testkit.Batch(6, 7, 11)
	b.Records[1].NameLocal = ""
	b.Records[2].Award = &transcript.Award{Degree: "BSc", Conferred: "2026-06-30"}
	b.Records[3].Award = nil
	b.Records[4].Program.Admitted = ""
	b.Records[5].Terms[0].Courses[0].Grade = "P" // no grade points; a TGA may be missing
	in := credential.Issue{Issuer: "https://registry.example.edu/issuer/profile.json", IssuerName: "R", Issued: time.Now(), Scheme: transcript.HKUST()}
	status := []credential.StatusEntry{{ID: "https://x/s#1", Type: "BitstringStatusListEntry", StatusPurpose: "revocation", StatusListIndex: "1", StatusListCredential: "https://x/s"}}
	for i := range b.Records {
		var st []credential.StatusEntry
		if i%2 == 0 {
			st = status
		}
		c, err := credential.Build(&b.Records[i], in, credential.NewID(), st)
		if err != nil {
			t.Fatal(err)
		}
		if i == 5 {
			c.CredentialSubject.Terms[0].TGA = ""
			c.Display.ContentEncoding = "base64"
		}
		got, err := c.Doc()
		if err != nil {
			t.Fatal(err)
		}
		js, _ := json.Marshal(c)
		var want map[string]any
		json.Unmarshal(js, &want)
		if !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			t.Fatalf("record %d:\nDoc:\n%s\nround trip:\n%s", i, g, js)
		}
	}
}
