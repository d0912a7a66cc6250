package delivery

import (
	"strings"
	"testing"

	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/transcript"
)

// TestRecipients: a batch's deliveries come from the recipients the issuer
// recorded; a batch an earlier version prepared has none, and they are
// read from its saved input, each record checked against its credential.
func TestRecipients(t *testing.T) {
	b := &transcript.Batch{ID: "b", Records: []transcript.Record{
		{StudentID: "1", Email: "a@example.edu", Name: "A"},
		{StudentID: "2", Email: "b@example.edu", Name: "B", NameLocal: "陳大文"},
		{StudentID: "3", Email: "c@example.edu", Name: "C"},
	}}
	issued := func(withRecipient bool) []issuer.Issued {
		var out []issuer.Issued
		for _, r := range b.Records {
			c := issuer.Issued{StudentID: r.StudentID, ID: "urn:uuid:" + r.StudentID}
			if withRecipient {
				c.Recipient = issuer.Recipient{Email: r.Email, Name: r.Name, NameLocal: r.NameLocal}
			}
			out = append(out, c)
		}
		return out
	}
	tests := []struct {
		name   string
		issued []issuer.Issued
		err    string
	}{
		{"ok/recorded", issued(true), ""},
		{"ok/earlier-version", issued(false), ""},
		{"fail/other-student", append(issued(false)[:1], issuer.Issued{StudentID: "x"}, issued(false)[2]), "record 2 (student " + b.Records[1].StudentID + ") has no credential"},
		{"fail/fewer-credentials", issued(false)[:2], "record 3"},
		{"fail/more-credentials", append(issued(false), issuer.Issued{StudentID: "y"}), "4 credentials for 3 records"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			to, err := recipients(b, tc.issued)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range b.Records {
				if want := (issuer.Recipient{Email: r.Email, Name: r.Name, NameLocal: r.NameLocal}); to[i] != want {
					t.Errorf("%d: %+v, want %+v", i, to[i], want)
				}
			}
		})
	}
}
