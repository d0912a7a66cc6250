package issuer_test

import (
	"context"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/anchor/devchain"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/keys"
)

func devAnchorer(tb testing.TB) *anchor.Ethereum {
	key, _ := crypto.GenerateKey()
	signer := keys.NewTxSigner(key)
	c, err := devchain.Open(tb.TempDir(), devchain.Options{ChainID: 1337, Fund: []common.Address{signer.Address}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return &anchor.Ethereum{Client: c.Client(), Signer: signer, ChainID: big.NewInt(1337), Confirmations: 1, Poll: 5 * time.Millisecond}
}

// TestGasDoesNotGrow: one anchoring transaction per batch, whose gas is
// bounded whatever the batch's size.
func TestGasDoesNotGrow(t *testing.T) {
	e := devAnchorer(t)
	is := testkit.NewIssuer(t)
	var gas []uint64
	for _, n := range []int{1, 10, 200} {
		res := is.IssueOn(t, testkit.Batch(n, 2, uint64(n)), "dev", e)
		rc, err := e.Client.TransactionReceipt(context.Background(), common.HexToHash(res.Anchor.TxID))
		if err != nil {
			t.Fatal(err)
		}
		gas = append(gas, rc.GasUsed)
		t.Logf("batch of %d: gas used %d", n, rc.GasUsed)
	}
	// The data is always the 32-byte root: the gas depends only on how many
	// of its bytes are zero (calldata pricing), never on the batch size.
	const most = 21_000 + 32*40 // every byte non-zero, at the calldata floor price
	for _, g := range gas {
		if g > most {
			t.Errorf("gas %d over the bound %d for a 32-byte root: %v", g, most, gas)
		}
	}
}

// BenchmarkAnchorDev: submit to 1 confirmation on the embedded dev chain.
func BenchmarkAnchorDev(b *testing.B) {
	e := devAnchorer(b)
	i := 0
	for b.Loop() {
		i++
		root := [32]byte{byte(i), byte(i >> 8), byte(i >> 16)}
		if _, err := e.Anchor(context.Background(), root, &anchor.MemJournal{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIssueDev1000x40 issues 1,000 transcripts of 40 courses with the
// anchor on the embedded dev chain (compare BenchmarkIssue1000x40, mocknet).
func BenchmarkIssueDev1000x40(b *testing.B) {
	e := devAnchorer(b)
	is := testkit.NewIssuer(b)
	batch := testkit.Batch(1000, 40, 42)
	s := is.Settings()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		batch.ID = fmt.Sprintf("dev-%d", n)
		job := issuer.Job{Dir: testkit.BenchDir(b), Batch: batch, Input: issuer.Digest(batch), Chain: "dev", Anchorer: e, Out: testkit.BenchDir(b)}
		if _, err := issuer.Run(context.Background(), job, s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "credentials/s")
}
