package anchor_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/keys"
)

type sim struct {
	b   *simulated.Backend
	eth *anchor.Ethereum
}

func newSim(t *testing.T, balance *big.Int) *sim {
	key, _ := crypto.GenerateKey()
	signer := keys.NewTxSigner(key)
	b := simulated.NewBackend(types.GenesisAlloc{signer.Address: {Balance: balance}})
	t.Cleanup(func() { b.Close() })
	return &sim{b: b, eth: &anchor.Ethereum{
		Client: b.Client(), Signer: signer, ChainID: big.NewInt(1337), Confirmations: 3,
		Poll: 20 * time.Millisecond, StuckAfter: time.Hour,
	}}
}

func ether(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }

// run anchors in the background while the test drives the chain.
func (s *sim) run(root [32]byte, j anchor.Journal) chan struct {
	r   *anchor.Result
	err error
} {
	ch := make(chan struct {
		r   *anchor.Result
		err error
	}, 1)
	go func() {
		r, err := s.eth.Anchor(context.Background(), root, j)
		ch <- struct {
			r   *anchor.Result
			err error
		}{r, err}
	}()
	return ch
}

// sendAndMine starts anchoring root and mines the block with its
// transaction; it returns the channel the result arrives on.
func (s *sim) sendAndMine(t *testing.T, root [32]byte, j *anchor.MemJournal) chan struct {
	r   *anchor.Result
	err error
} {
	done := s.run(root, j)
	waitJournal(t, j, 1)
	time.Sleep(50 * time.Millisecond)
	s.b.Commit()
	return done
}

// anchorOnce anchors root with one confirmation required and waits.
func (s *sim) anchorOnce(t *testing.T, root [32]byte, j *anchor.MemJournal) *anchor.Result {
	s.eth.Confirmations = 1
	r := <-s.sendAndMine(t, root, j)
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.r
}

func waitJournal(t *testing.T, j *anchor.MemJournal, n int) {
	for i := 0; i < 500 && len(j.Txs()) < n; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if len(j.Txs()) < n {
		t.Fatalf("journal has %d transactions, want %d", len(j.Txs()), n)
	}
}

func TestAnchorConfirmations(t *testing.T) {
	s := newSim(t, ether(1))
	root := sha256.Sum256([]byte("root"))
	j := &anchor.MemJournal{}
	done := s.sendAndMine(t, root, j) // mined: 1 confirmation
	s.b.Commit()                      // 2
	select {
	case <-done:
		t.Fatal("returned before 3 confirmations")
	case <-time.After(100 * time.Millisecond):
	}
	s.b.Commit() // 3
	res := <-done
	if res.err != nil {
		t.Fatal(res.err)
	}
	if res.r.Confirmations < 3 || res.r.From != s.eth.Signer.Address || res.r.TxID != j.Txs()[0].Hash.Hex() {
		t.Errorf("result %+v", res.r)
	}
	tx, _, err := s.b.Client().TransactionByHash(context.Background(), j.Txs()[0].Hash)
	if err != nil || string(tx.Data()) != string(root[:]) || *tx.To() != anchor.BurnAddress || tx.Value().Sign() != 0 {
		t.Fatalf("transaction %v: %v", tx, err)
	}
	// Gas does not depend on the batch: one 32-byte root.
	rc, _ := s.b.Client().TransactionReceipt(context.Background(), j.Txs()[0].Hash)
	t.Logf("gas used per batch: %d", rc.GasUsed)
	if rc.GasUsed > 25_000 {
		t.Errorf("gas used %d", rc.GasUsed)
	}
}

// TestResumeFindsMined: a journal from a crashed run whose transaction was
// mined gives that transaction, and nothing new is sent.
func TestResumeFindsMined(t *testing.T) {
	s := newSim(t, ether(1))
	root := sha256.Sum256([]byte("root"))
	j := &anchor.MemJournal{}
	s.anchorOnce(t, root, j)
	r, err := s.eth.Anchor(context.Background(), root, j)
	if err != nil || r.TxID != j.Txs()[0].Hash.Hex() || len(j.Txs()) != 1 {
		t.Fatalf("resume: %+v %v, journal %d", r, err, len(j.Txs()))
	}
	n, _ := s.b.Client().NonceAt(context.Background(), s.eth.Signer.Address, nil)
	if n != 1 {
		t.Errorf("account nonce %d: more than one anchoring transaction", n)
	}
}

// TestReplaceStuck: a transaction not mined in time is replaced with a
// higher fee and the same nonce; exactly one of them is mined.
func TestReplaceStuck(t *testing.T) {
	s := newSim(t, ether(1))
	s.eth.Confirmations = 1
	s.eth.StuckAfter = 100 * time.Millisecond
	root := sha256.Sum256([]byte("root"))
	j := &anchor.MemJournal{}
	done := s.run(root, j)
	waitJournal(t, j, 2)
	a, b := j.Txs()[0], j.Txs()[1]
	if a.Nonce != b.Nonce || b.FeeCap.ToInt().Cmp(a.FeeCap.ToInt()) <= 0 || b.TipCap.ToInt().Cmp(a.TipCap.ToInt()) <= 0 {
		t.Fatalf("replacement %+v of %+v", b, a)
	}
	s.b.Commit()
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	n, _ := s.b.Client().NonceAt(context.Background(), s.eth.Signer.Address, nil)
	if n != 1 {
		t.Errorf("nonce %d, want 1", n)
	}
}

// TestReorgBeforeConfirmations: a reorganisation drops the anchor's block
// before it has its confirmations; the anchor is mined again and only then
// reported.
func TestReorgBeforeConfirmations(t *testing.T) {
	s := newSim(t, ether(1))
	s.eth.Confirmations = 2
	root := sha256.Sum256([]byte("root"))
	ctx := context.Background()
	parent, _ := s.b.Client().HeaderByNumber(ctx, nil)
	j := &anchor.MemJournal{}
	done := s.sendAndMine(t, root, j) // mined in block 1: one confirmation
	rc, err := s.b.Client().TransactionReceipt(ctx, j.Txs()[0].Hash)
	if err != nil || rc.BlockNumber.Uint64() != 1 {
		t.Fatalf("not mined: %v", err)
	}
	dropped := rc.BlockHash
	// Fork from genesis and empty the pool: the new, longer chain does not
	// have the anchor. The anchorer sends it again (when exactly depends on
	// its polling, so the test does not depend on it): it is mined on the
	// new chain, and only that block, with its confirmations, is reported.
	if err := s.b.Fork(parent.Hash()); err != nil {
		t.Fatal(err)
	}
	s.b.Rollback()
	var r struct {
		r   *anchor.Result
		err error
	}
	for i := 0; ; i++ {
		s.b.Commit()
		select {
		case r = <-done:
		case <-time.After(100 * time.Millisecond):
			if i > 50 {
				t.Fatal("no result")
			}
			continue
		}
		break
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.r.Confirmations < 2 || r.r.BlockHash == dropped {
		t.Errorf("result %+v: reported the dropped block, or too few confirmations", r.r)
	}
	h, _ := s.b.Client().HeaderByNumber(ctx, new(big.Int).SetUint64(r.r.Block))
	if h.Hash() != r.r.BlockHash {
		t.Error("reported block is not canonical")
	}
}

func TestInsufficientFunds(t *testing.T) {
	s := newSim(t, big.NewInt(1000))
	_, err := s.eth.Anchor(context.Background(), sha256.Sum256([]byte("r")), &anchor.MemJournal{})
	var fe *anchor.FundsError
	if !errors.As(err, &fe) || fe.Address != s.eth.Signer.Address || fe.Need.Cmp(big.NewInt(1000)) <= 0 {
		t.Fatalf("err = %v", err)
	}
	t.Log(err)
}

// TestNonceTakenByAnother: the journal holds a transaction that never
// reached the node, and another transaction of the account has used its
// nonce. The anchorer re-signs with a fresh nonce, once, after making sure
// over several polls that the node knows none of its transactions.
func TestNonceTakenByAnother(t *testing.T) {
	key, _ := crypto.GenerateKey()
	signer := keys.NewTxSigner(key)
	b := simulated.NewBackend(types.GenesisAlloc{signer.Address: {Balance: ether(1)}})
	defer b.Close()
	e := &anchor.Ethereum{Client: b.Client(), Signer: signer, ChainID: big.NewInt(1337), Confirmations: 1, Poll: 20 * time.Millisecond, StuckAfter: time.Hour}
	ctx := context.Background()
	chainSigner := types.LatestSignerForChainID(big.NewInt(1337))
	mk := func(nonce uint64, to common.Address, data []byte) *types.Transaction {
		tx, err := types.SignNewTx(key, chainSigner, &types.DynamicFeeTx{ChainID: big.NewInt(1337), Nonce: nonce,
			GasTipCap: big.NewInt(1e9), GasFeeCap: big.NewInt(1e11), Gas: 30000, To: &to, Value: new(big.Int), Data: data})
		if err != nil {
			t.Fatal(err)
		}
		return tx
	}
	root := sha256.Sum256([]byte("root"))
	lost := mk(0, anchor.BurnAddress, root[:])
	raw, _ := lost.MarshalBinary()
	j := &anchor.MemJournal{List: []*anchor.Tx{{Hash: lost.Hash(), Nonce: 0, Raw: raw,
		TipCap: (*hexutil.Big)(big.NewInt(1e9)), FeeCap: (*hexutil.Big)(big.NewInt(1e11))}}}
	// Another transaction takes nonce 0 first.
	if err := b.Client().SendTransaction(ctx, mk(0, common.HexToAddress("0x1"), nil)); err != nil {
		t.Fatal(err)
	}
	b.Commit()
	done := make(chan error, 1)
	var res *anchor.Result
	go func() {
		var err error
		res, err = e.Anchor(ctx, root, j)
		done <- err
	}()
	for i := 0; i < 100 && len(j.Txs()) < 2; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if len(j.Txs()) != 2 || j.Txs()[1].Nonce != 1 {
		t.Fatalf("journal %v", j.Txs())
	}
	b.Commit()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if res.TxID != j.Txs()[1].Hash.Hex() {
		t.Errorf("anchored by %s", res.TxID)
	}
	if n, _ := b.Client().NonceAt(ctx, signer.Address, nil); n != 2 {
		t.Errorf("nonce %d: want the other transaction and one anchor", n)
	}
}
