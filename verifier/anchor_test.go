package verifier_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/keys"
	"github.com/etranscript/etranscript/verifier"
)

// fakeChain answers lookups from a table: it injects the faults a real node
// would rarely show (fakes only for faults).
type fakeChain struct {
	info *anchor.TxInfo
	err  error
	need uint64
}

func (f *fakeChain) Lookup(context.Context, string) (*anchor.TxInfo, error) {
	if f.err != nil {
		return nil, f.err
	}
	c := *f.info
	return &c, nil
}
func (f *fakeChain) Required() uint64 { return f.need }

// fixedAnchorer "anchors" on chain 4242 with a made-up transaction.
type fixedAnchorer struct{}

func (fixedAnchorer) Anchor(_ context.Context, root [32]byte, _ anchor.Journal) (*anchor.Result, error) {
	return &anchor.Result{Chain: "eth", Network: 4242, TxID: "0x" + strings.Repeat("ab", 32), Block: 7, Confirmations: 1}, nil
}

func TestAnchorAndIssuerKey(t *testing.T) {
	is := testkit.NewIssuer(t)
	res := is.IssueOn(t, testkit.Batch(2, 3, 5), "test", fixedAnchorer{})
	doc := res.Issued[0].JSON
	eth, _ := is.Ring.Active(keys.Secp256k1)
	good := func() *anchor.TxInfo {
		return &anchor.TxInfo{From: eth.Address(), Input: res.MerkleRoot[:], Success: true, Block: 7,
			Time: time.Now().Add(time.Minute), Confirmations: 3}
	}
	mutated := func(f func(*anchor.TxInfo)) *anchor.TxInfo { i := good(); f(i); return i }
	otherKeyProfile := func() []byte {
		q := map[string]any{}
		json.Unmarshal(is.Profile, &q)
		// The profile's secp256k1 JWK replaced with another key's.
		k, _ := crypto.GenerateKey()
		other, _ := keys.Secp256k1JWK(crypto.FromECDSAPub(&k.PublicKey))
		for _, vm := range q["verificationMethod"].([]any) {
			m := vm.(map[string]any)
			if jwk, ok := m["publicKeyJwk"].(map[string]any); ok {
				jwk["x"], jwk["y"] = other.X, other.Y
			}
		}
		b, _ := json.Marshal(q)
		return b
	}()
	windowProfile := func(field, date string) []byte {
		q := map[string]any{}
		json.Unmarshal(is.Profile, &q)
		q["publicKey"].([]any)[0].(map[string]any)[field] = date
		b, _ := json.Marshal(q)
		return b
	}
	tests := []struct {
		name    string
		chain   verifier.ChainReader
		profile []byte
		verdict verifier.Verdict
		check   string
		says    string
	}{
		{"ok/anchored", &fakeChain{info: good(), need: 2}, nil, verifier.Verified, "", ""},
		{"fail/anchor/other-input", &fakeChain{info: mutated(func(i *anchor.TxInfo) { i.Input = make([]byte, 32) }), need: 1}, nil, verifier.Rejected, verifier.CheckAnchor, "not this batch's Merkle root"},
		{"fail/anchor/reverted", &fakeChain{info: mutated(func(i *anchor.TxInfo) { i.Success = false }), need: 1}, nil, verifier.Rejected, verifier.CheckAnchor, "reverted"},
		{"fail/anchor/no-such-tx", &fakeChain{err: anchor.ErrNoTx}, nil, verifier.Rejected, verifier.CheckAnchor, "does not exist"},
		{"unknown/anchor/pending", &fakeChain{info: good(), need: 12}, nil, verifier.Indeterminate, verifier.CheckAnchor, "3 of the 12 confirmations"},
		{"unknown/anchor/unmined", &fakeChain{info: mutated(func(i *anchor.TxInfo) { i.Confirmations = 0 }), need: 1}, nil, verifier.Indeterminate, verifier.CheckAnchor, "not mined"},
		{"unknown/anchor/unreachable", &fakeChain{err: errors.Join(anchor.ErrUnreachable, errors.New("connection refused"))}, nil, verifier.Indeterminate, verifier.CheckAnchor, "could not read"},
		{"unknown/anchor/not-configured", nil, nil, verifier.Indeterminate, verifier.CheckAnchor, "not configured"},
		{"fail/issuer/foreign-sender", &fakeChain{info: mutated(func(i *anchor.TxInfo) { i.From = common.HexToAddress("0x1234") }), need: 1}, nil, verifier.Rejected, verifier.CheckIssuer, "not a key of this issuer"},
		{"fail/issuer/key-not-yet-valid", &fakeChain{info: good(), need: 1}, windowProfile("created", time.Now().Add(time.Hour).UTC().Format(time.RFC3339)), verifier.Rejected, verifier.CheckIssuer, "not yet valid"},
		{"fail/issuer/key-revoked", &fakeChain{info: good(), need: 1}, windowProfile("revoked", time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)), verifier.Rejected, verifier.CheckIssuer, "revoked"},
		{"fail/issuer/jwk-mismatch", &fakeChain{info: good(), need: 1}, otherKeyProfile, verifier.Rejected, verifier.CheckIssuer, "but the anchor was sent by"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prof := is.Profile
			if tc.profile != nil {
				prof = tc.profile
			}
			v := &verifier.Verifier{Fetcher: verifier.Local{Docs: map[string][]byte{is.Config.ProfileURL(): prof}, Next: is.Fetcher(nil)}, Chains: map[int64]verifier.ChainReader{}}
			if tc.chain != nil {
				v.Chains[4242] = tc.chain
			}
			r := v.VerifyJSON(context.Background(), doc)
			if r.Status != tc.verdict {
				t.Fatalf("verdict %s, want %s: %+v", r.Status, tc.verdict, r.Checks)
			}
			if tc.check == "" {
				if r.Credential.Anchor.Block != 7 || r.Credential.Anchor.Confirmations != 3 {
					t.Errorf("anchor summary %+v", r.Credential.Anchor)
				}
				return
			}
			for _, c := range r.Checks {
				if c.Status == verifier.Failed || c.Status == verifier.Unknown {
					if c.ID != tc.check || !strings.Contains(c.Message, tc.says) {
						t.Errorf("%s %s %q; want %s saying %q", c.ID, c.Status, c.Message, tc.check, tc.says)
					}
					return
				}
			}
		})
	}
}
