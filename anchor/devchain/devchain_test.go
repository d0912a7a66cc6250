package devchain_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/anchor/devchain"
	"github.com/etranscript/etranscript/keys"
)

func TestRestartKeepsAnchors(t *testing.T) {
	dir := t.TempDir()
	key, _ := crypto.GenerateKey()
	signer := keys.NewTxSigner(key)
	opts := devchain.Options{ChainID: 4242, Fund: []common.Address{signer.Address}}
	c, err := devchain.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	// A second opener is told to use the RPC of the first.
	if _, err := devchain.Open(dir, opts); !errors.Is(err, devchain.ErrHeld) {
		t.Fatalf("second open: %v", err)
	}
	url, err := devchain.RecordedURL(dir)
	if err != nil || url != c.RPCURL() {
		t.Fatalf("recorded %q %v", url, err)
	}
	client, err := ethclient.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	id, err := client.ChainID(context.Background())
	if err != nil || id.Int64() != 4242 {
		t.Fatalf("chain id %v %v", id, err)
	}
	root := sha256.Sum256([]byte("batch"))
	e := &anchor.Ethereum{Client: client, Signer: signer, ChainID: big.NewInt(4242), Confirmations: 1, Poll: 50 * time.Millisecond}
	start := time.Now()
	res, err := e.Anchor(context.Background(), root, &anchor.MemJournal{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("submit to 1 confirmation on the dev chain: %v", time.Since(start))
	client.Close()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	c, err = devchain.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cl := c.Client()
	tx, _, err := cl.TransactionByHash(context.Background(), common.HexToHash(res.TxID))
	if err != nil || string(tx.Data()) != string(root[:]) {
		t.Fatalf("after restart: %v", err)
	}
}
