package main_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/mail/mailtest"
)

// TestScaleOut: three serve processes on one PostgreSQL database and one
// data directory share three batches submitted to different processes;
// one is killed with SIGKILL mid-way and restarted. Every batch is
// anchored once, every graduate gets one mail (a mail in flight at the
// kill may go twice, with the same Message-ID), and every download link
// works on every process.
func TestScaleOut(t *testing.T) {
	dsn := testkit.FreshPostgresDSN(t)
	if dsn == "" {
		t.Skip("ETRANSCRIPT_TEST_POSTGRES is not set: PostgreSQL not tested")
	}
	ports := []int{freePort(t), freePort(t), freePort(t)}
	data := initData(t, fmt.Sprintf("http://127.0.0.1:%d", ports[0]))
	startDevchain(t, data, freePort(t))
	smtpSrv := mailtest.Start(t, nil, false)
	args := []string{"--db", dsn, "--smtp", "smtp://" + smtpSrv.Addr}
	servers := make([]*server, 3)
	for i, p := range ports {
		servers[i] = startServe(t, data, p, args...)
	}
	tok := strings.TrimSpace(etranscript(t, data, "--db", dsn, "token", "create", "scale").stdout)
	for _, s := range servers {
		s.tok = tok
	}
	var sample map[string]any
	b, _ := os.ReadFile("../../cli/sample/sample-batch.json")
	json.Unmarshal(b, &sample)
	batches := []string{"scale-a", "scale-b", "scale-c"}
	recipients := map[string]bool{}
	for i, id := range batches {
		sample["batch"] = id
		for j, r := range sample["records"].([]any) {
			rec := r.(map[string]any)
			rec["email"] = fmt.Sprintf("grad-%d-%d@example.edu", i, j)
			rec["studentId"] = fmt.Sprintf("3%d%06d", i, j)
			recipients[rec["email"].(string)] = true
		}
		body, _ := json.Marshal(sample)
		if code, b := servers[i].do("POST", "/api/v1/batches", "application/json", body, true); code != 202 {
			t.Fatalf("submit %s to process %d: %d %s", id, i, code, b)
		}
	}
	// Kill the second process while the batches are being issued, then
	// start it again.
	time.Sleep(300 * time.Millisecond)
	servers[1].kill()
	servers[1] = startServe(t, data, ports[1], args...)
	servers[1].tok = tok
	for _, id := range batches {
		servers[0].waitState(id, "delivering", 120*time.Second)
		if code, b := servers[2].do("POST", "/api/v1/batches/"+id+"/mail", "", nil, true); code != 202 {
			t.Fatalf("release %s: %d %s", id, code, b)
		}
	}
	for _, id := range batches {
		servers[1].waitDone(id, 120*time.Second)
	}
	checkAnchoredOnce(t, data, batches)
	checkOneMailEach(t, smtpSrv, recipients, servers, ports)
}

// waitState waits for a batch to reach state (or done).
func (s *server) waitState(id, state string, limit time.Duration) {
	s.t.Helper()
	for start := time.Now(); time.Since(start) < limit; time.Sleep(100 * time.Millisecond) {
		if j := s.job(id); j.State == state || j.State == "done" {
			return
		}
	}
	s.t.Fatalf("batch %s not %s after %s: %+v", id, state, limit, s.job(id))
}

// checkAnchoredOnce: each batch's journal holds one transaction.
func checkAnchoredOnce(t *testing.T, data string, batches []string) {
	for _, id := range batches {
		b, err := os.ReadFile(filepath.Join(data, "batches", id, "state.json"))
		if err != nil {
			t.Fatal(err)
		}
		var st struct {
			Transactions []any `json:"transactions"`
			Anchor       *struct{ TxID string }
		}
		if json.Unmarshal(b, &st) != nil || len(st.Transactions) != 1 || st.Anchor == nil {
			t.Errorf("batch %s: %d transactions recorded, anchor %v", id, len(st.Transactions), st.Anchor)
		}
	}
}

// checkOneMailEach: every recipient has mail, more than one only with one
// Message-ID; every mailed link opens on every process.
func checkOneMailEach(t *testing.T, smtpSrv *mailtest.Server, recipients map[string]bool, servers []*server, ports []int) {
	ids := map[string]map[string]bool{}
	links := map[string]string{}
	for _, m := range smtpSrv.Messages() {
		body := strings.ReplaceAll(string(m.Data), "=\r\n", "")
		mid := ""
		for _, l := range strings.Split(body, "\r\n") {
			if v, ok := strings.CutPrefix(l, "Message-Id: "); ok {
				mid = v
			} else if v, ok := strings.CutPrefix(l, "Message-ID: "); ok {
				mid = v
			}
		}
		if mid == "" {
			t.Errorf("a mail without a Message-ID:\n%.300s", body)
		}
		to := m.To[0]
		if ids[to] == nil {
			ids[to] = map[string]bool{}
		}
		ids[to][mid] = true
		links[to] = mailLink.FindString(body)
	}
	for r := range recipients {
		switch n := len(ids[r]); {
		case n == 0:
			t.Errorf("%s got no mail", r)
		case n > 1:
			t.Errorf("%s got %d different mails", r, n)
		}
	}
	for to, link := range links {
		path := link[strings.Index(link, "/d/"):]
		for i, s := range servers {
			if code, _ := s.do("GET", path, "", nil, false); code != 200 {
				t.Errorf("the link mailed to %s: %d on process %d (port %d)", to, code, i, ports[i])
			}
		}
	}
}
