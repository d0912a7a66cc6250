package anchor_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/keys"
)

// TestReaderAgreement: a transaction is read through every endpoint; if one
// endpoint does not have it the answer is "could not check", and only if
// none has it is it "no such transaction".
func TestReaderAgreement(t *testing.T) {
	s := newSim(t, ether(1))
	root := sha256.Sum256([]byte("root"))
	j := &anchor.MemJournal{}
	s.anchorOnce(t, root, j)
	key, _ := crypto.GenerateKey()
	other := simulated.NewBackend(types.GenesisAlloc{keys.NewTxSigner(key).Address: {Balance: ether(1)}})
	defer other.Close()
	txid := j.Txs()[0].Hash.Hex()

	one := &anchor.Reader{ChainID: 1337, Confirmations: 1, Endpoints: []anchor.TxReader{s.b.Client(), s.b.Client()}}
	info, err := one.Lookup(context.Background(), txid)
	if err != nil || string(info.Input) != string(root[:]) || info.From != s.eth.Signer.Address || !info.Success || info.Confirmations != 1 {
		t.Fatalf("agreeing endpoints: %+v %v", info, err)
	}
	split := &anchor.Reader{ChainID: 1337, Endpoints: []anchor.TxReader{s.b.Client(), other.Client()}}
	if _, err := split.Lookup(context.Background(), txid); !errors.Is(err, anchor.ErrUnreachable) {
		t.Errorf("one endpoint without the transaction: %v, want ErrUnreachable", err)
	}
	none := &anchor.Reader{ChainID: 1337, Endpoints: []anchor.TxReader{other.Client()}}
	if _, err := none.Lookup(context.Background(), txid); !errors.Is(err, anchor.ErrNoTx) {
		t.Errorf("no endpoint has it: %v, want ErrNoTx", err)
	}
	wrong := &anchor.Reader{ChainID: 1, Endpoints: []anchor.TxReader{s.b.Client()}}
	if _, err := wrong.Lookup(context.Background(), txid); !errors.Is(err, anchor.ErrUnreachable) {
		t.Errorf("endpoint of another chain: %v", err)
	}
}
