package credential

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/transcript"
)

func TestBuild(t *testing.T) {
	rec := transcript.Record{
		StudentID: "20481234", Name: `<script>alert(1)</script>`, NameLocal: "陳大文", Email: "TMChan@connect.example.edu",
		Program: transcript.Program{Code: "BSC", Name: "B.Sc. & <b>Honours</b>", Level: "undergraduate"},
		Terms: []transcript.Term{{Term: "2022-23 Fall", Courses: []transcript.Course{
			{Code: "COMP1021", Title: "Intro", Credits: transcript.DecimalOf(3), Grade: "A-"}}}},
	}
	c, err := Build(&rec, Issue{Issuer: "https://registry.example.edu/issuer/profile.json", IssuerName: "Test", Issued: time.Date(2026, 11, 15, 9, 0, 0, 0, time.FixedZone("HKT", 8*3600)), Scheme: transcript.HKUST()}, NewID(), nil)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(c)
	if bytes.Contains(bytes.ToLower(js), []byte("tmchan@")) {
		t.Error("the email address is in the credential in clear")
	}
	if !c.CredentialSubject.Recipient.Matches("tmchan@connect.example.edu") || c.CredentialSubject.Recipient.Matches("other@example.edu") {
		t.Error("recipient hash does not bind the address")
	}
	if c.ValidFrom != "2026-11-15T01:00:00Z" {
		t.Errorf("validFrom %s", c.ValidFrom)
	}
	if strings.Contains(c.Display.Content, "<script>") || strings.Contains(c.Display.Content, "<b>") {
		t.Errorf("display not escaped: %s", c.Display.Content)
	}
	if !strings.Contains(c.Display.Content, "陳大文") || !bytes.Contains(js, []byte("陳大文")) {
		t.Error("local-script name lost")
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	if _, err := dataintegrity.TargetHash(context.Background(), dataintegrity.JSONGold{}, m, 0); err != nil {
		t.Fatalf("our credential does not hash: %v", err)
	}
}
