// Package devchain runs the embedded Ethereum development chain: go-ethereum's
// own node, eth service and simulated beacon in this process, with its data
// under the issuer's data directory, so anchors survive restarts. Blocks are
// made as transactions arrive. Every block's state is written at once
// (archive mode, hash-based trie), so even a killed process keeps every
// anchor. JSON-RPC is served on loopback and its address recorded in the
// data directory, so that other processes reach a chain one process holds.
package devchain

import (
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/eth/catalyst"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/p2p"
)

// DefaultChainID is the dev chain's EIP-155 chain id unless configured.
const DefaultChainID = 1337

// Options configure a dev chain.
type Options struct {
	// ChainID is the EIP-155 chain id written in its genesis.
	ChainID int64
	// Fund is funded in the genesis block.
	Fund []common.Address
	// RPCAddr is the loopback HOST:PORT of its JSON-RPC ("" for a free port).
	RPCAddr string
}

// Chain is a running dev chain.
type Chain struct {
	stack  *node.Node
	beacon *catalyst.SimulatedBeacon
	dir    string
	url    string
}

// ErrHeld means another process holds the dev chain; reach it through
// RPCURL.
var ErrHeld = errors.New("the dev chain is held by another process")

const rpcFile = "rpc-url"

// Open starts the dev chain whose data is in dir.
func Open(dir string, o Options) (*Chain, error) {
	if o.ChainID == 0 {
		o.ChainID = DefaultChainID
	}
	host, port := "127.0.0.1", 0
	if o.RPCAddr != "" {
		h, p, err := net.SplitHostPort(o.RPCAddr)
		if err != nil {
			return nil, fmt.Errorf("dev chain RPC address %q: %w", o.RPCAddr, err)
		}
		ip := net.ParseIP(h)
		if ip == nil || !ip.IsLoopback() {
			return nil, fmt.Errorf("dev chain RPC address %q: only loopback addresses are allowed", o.RPCAddr)
		}
		host = h
		fmt.Sscanf(p, "%d", &port)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	cfg := node.DefaultConfig
	cfg.Name = "etranscript-devchain"
	cfg.DataDir = dir
	cfg.IPCPath = ""
	cfg.HTTPHost, cfg.HTTPPort = host, port
	cfg.HTTPModules = []string{"eth", "net", "web3"}
	cfg.HTTPVirtualHosts = []string{"localhost", "127.0.0.1"}
	cfg.WSHost, cfg.AuthAddr, cfg.AuthPort = "", "127.0.0.1", 0
	cfg.P2P = p2p.Config{NoDiscovery: true, MaxPeers: 0, ListenAddr: ""}
	stack, err := node.New(&cfg)
	if errors.Is(err, node.ErrDatadirUsed) {
		return nil, ErrHeld
	}
	if err != nil {
		return nil, fmt.Errorf("dev chain: %w", err)
	}
	genesis := core.DeveloperGenesisBlock(30_000_000, nil)
	genesis.Config.ChainID = big.NewInt(o.ChainID)
	for _, a := range o.Fund {
		genesis.Alloc[a] = core.GenesisAccount{Balance: new(big.Int).Lsh(big.NewInt(1), 200)}
	}
	ec := ethconfig.Defaults
	ec.Genesis = genesis
	ec.NetworkId = uint64(o.ChainID)
	ec.SyncMode = ethconfig.FullSync
	ec.NoPruning, ec.Preimages = true, true
	ec.StateScheme = rawdb.HashScheme
	ec.Miner.GasPrice = big.NewInt(1)
	backend, err := eth.New(stack, &ec)
	if err != nil {
		stack.Close()
		return nil, fmt.Errorf("dev chain: %w", err)
	}
	beacon, err := catalyst.NewSimulatedBeacon(0, common.Address{}, backend)
	if err != nil {
		stack.Close()
		return nil, fmt.Errorf("dev chain: %w", err)
	}
	catalyst.RegisterSimulatedBeaconAPIs(stack, beacon)
	stack.RegisterLifecycle(beacon)
	if err := stack.Start(); err != nil {
		stack.Close()
		return nil, fmt.Errorf("dev chain: %w", err)
	}
	c := &Chain{stack: stack, beacon: beacon, dir: dir, url: stack.HTTPEndpoint()}
	if err := os.WriteFile(filepath.Join(dir, rpcFile), []byte(c.url+"\n"), 0o600); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// RPCURL is the chain's JSON-RPC URL on loopback.
func (c *Chain) RPCURL() string { return c.url }

// Client is an in-process client of the chain.
func (c *Chain) Client() *ethclient.Client { return ethclient.NewClient(c.stack.Attach()) }

// Close stops the chain; its data stays.
func (c *Chain) Close() error {
	os.Remove(filepath.Join(c.dir, rpcFile))
	return c.stack.Close()
}

// RecordedURL is the RPC URL a running dev chain recorded in dir.
func RecordedURL(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, rpcFile))
	if err != nil {
		return "", fmt.Errorf("%w, but it recorded no RPC address", ErrHeld)
	}
	return strings.TrimSpace(string(b)), nil
}

// WaitRPC waits until url answers or the time is up.
func WaitRPC(url string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		c, err := ethclient.Dial(url)
		if err == nil {
			_, err = c.BlockNumber(contextTimeout(2 * time.Second))
			c.Close()
			if err == nil {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}
