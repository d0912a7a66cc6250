// Package merkleproof reads and writes the value of a MerkleProof2019
// proof (docs/credential.md §4): the path from a credential's hash to the
// Merkle root of its batch, and the transactions that anchor the root.
package merkleproof

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/etranscript/etranscript/anchor/merkle"
	"github.com/etranscript/etranscript/internal/base58"
	"github.com/fxamacker/cbor/v2"
)

// Cryptosuite is the name of the proof's cryptosuite.
const Cryptosuite = "merkle-proof-2019"

// Proof is the decoded proofValue of a MerkleProof2019 proof
// (docs/credential.md §4).
type Proof struct {
	MerkleRoot merkle.Hash
	TargetHash merkle.Hash
	Path       []merkle.Step
	Anchors    []Anchor
}

// Anchor names the transaction that carries a Merkle root.
type Anchor struct {
	// Chain is "btc", "eth", "mtc" or "mocknet".
	Chain string
	// Network is the chain's network id: for Ethereum the EIP-155 chain id
	// (1 mainnet, 11155111 sepolia, or a private chain's id).
	Network int64
	// TxID is the transaction id as written, e.g. "0x1f61…" for Ethereum.
	TxID string
}

// Chain ids of the proofValue keymap (lds-merkle-proof-2019 Keymap.js).
var chainIDs = map[string]int64{"btc": 0, "eth": 1, "mtc": 2, "mocknet": -1}

// networkNames are the networks the official verifier knows by name.
var networkNames = map[string]map[int64]string{
	"btc":     {1: "mainnet", 3: "testnet"},
	"eth":     {1: "mainnet", 3: "ropsten", 4: "rinkeby", 5: "goerli", 11155111: "sepolia"},
	"mtc":     {137: "mainnet", 80001: "mumbai"},
	"mocknet": {-1: "mocknet"},
}

// NetworkName is the network's name, or its id in decimal when the official
// verifier has no name for it.
func (a Anchor) NetworkName() string {
	if n, ok := networkNames[a.Chain][a.Network]; ok {
		return n
	}
	return strconv.FormatInt(a.Network, 10)
}

// Blink is the anchor in blink form: "blink:eth:sepolia:0x…".
func (a Anchor) Blink() string {
	return "blink:" + a.Chain + ":" + a.NetworkName() + ":" + a.TxID
}

// MocknetTxID is the transaction text of a mocknet anchor, as cert-issuer
// writes it.
const MocknetTxID = "This has not been issued on a blockchain and is for testing only"

// Limits of a proofValue we decode: a path longer than 64 steps would need
// more than 2^64 credentials in one batch.
const (
	maxProofValue = 16 << 10
	maxPath       = 64
	maxAnchors    = 8
)

// Keys of the proofValue keymap.
const (
	keyMerkleRoot = 0
	keyTargetHash = 1
	keyAnchors    = 2
	keyPath       = 3
)

var (
	encMode = func() cbor.EncMode {
		m, err := cbor.CoreDetEncOptions().EncMode()
		if err != nil {
			panic(err)
		}
		return m
	}()
	decMode = func() cbor.DecMode {
		m, err := cbor.DecOptions{MaxNestedLevels: 8, MaxArrayElements: 256, MaxMapPairs: 16}.DecMode()
		if err != nil {
			panic(err)
		}
		return m
	}()
)

// wrap CBOR-encodes v and returns it as a byte string value, the way both
// reference encoders nest each hash.
func wrap(v any) cbor.RawMessage {
	inner, err := encMode.Marshal(v)
	if err != nil {
		panic(err) // strings and byte slices always encode
	}
	outer, err := encMode.Marshal(inner)
	if err != nil {
		panic(err)
	}
	return outer
}

// Encode returns the proofValue: "z" + base58btc(CBOR). Hashes are encoded
// as cert-issuer does (hex text inside a byte string), so our proofs read
// the same as the reference issuer's.
func (p *Proof) Encode() (string, error) {
	path := make([]any, len(p.Path))
	for i, s := range p.Path {
		side := 1
		if s.Left {
			side = 0
		}
		path[i] = []any{side, wrap(hex.EncodeToString(s.Hash[:]))}
	}
	anchors := make([]any, len(p.Anchors))
	for i, a := range p.Anchors {
		id, ok := chainIDs[a.Chain]
		if !ok {
			return "", fmt.Errorf("anchor %d: unknown chain %q", i, a.Chain)
		}
		anchors[i] = []any{[]any{0, id}, []any{1, a.Network}, []any{2, wrap(a.TxID)}}
	}
	doc := []any{
		[]any{keyPath, path},
		[]any{keyMerkleRoot, wrap(hex.EncodeToString(p.MerkleRoot[:]))},
		[]any{keyTargetHash, wrap(hex.EncodeToString(p.TargetHash[:]))},
		[]any{keyAnchors, anchors},
	}
	b, err := encMode.Marshal(doc)
	if err != nil {
		return "", err
	}
	return "z" + base58.Encode(b), nil
}

// ErrProofValue is wrapped by every Decode error.
var ErrProofValue = errors.New("malformed MerkleProof2019 proofValue")

func bad(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrProofValue, fmt.Sprintf(format, args...))
}

// Decode decodes a proofValue. Each hash may be CBOR text (hex,
// as cert-issuer writes it) or a CBOR byte string (as the JavaScript encoder
// writes it), wrapped in a byte string; transaction ids may carry "0x".
func Decode(s string) (*Proof, error) {
	if len(s) > maxProofValue {
		return nil, bad("longer than %d characters", maxProofValue)
	}
	if !strings.HasPrefix(s, "z") || len(s) < 2 {
		return nil, bad(`expected "z" followed by base58btc`)
	}
	raw, err := base58.Decode(s[1:])
	if err != nil {
		return nil, bad("base58: %v", err)
	}
	var top []any
	if err := decMode.Unmarshal(raw, &top); err != nil {
		return nil, bad("CBOR: %v", err)
	}
	p := &Proof{}
	seen := map[int64]bool{}
	for _, e := range top {
		k, v, err := pair(e)
		if err != nil {
			return nil, err
		}
		if seen[k] {
			return nil, bad("key %d appears twice", k)
		}
		seen[k] = true
		switch k {
		case keyMerkleRoot:
			if p.MerkleRoot, err = hashValue(v); err != nil {
				return nil, bad("merkleRoot: %v", err)
			}
		case keyTargetHash:
			if p.TargetHash, err = hashValue(v); err != nil {
				return nil, bad("targetHash: %v", err)
			}
		case keyPath:
			steps, ok := v.([]any)
			if !ok || len(steps) > maxPath {
				return nil, bad("path: expected an array of at most %d steps", maxPath)
			}
			for i, st := range steps {
				side, hv, err := pair(st)
				if err != nil || (side != 0 && side != 1) {
					return nil, bad("path[%d]: expected [0|1, hash]", i)
				}
				h, err := hashValue(hv)
				if err != nil {
					return nil, bad("path[%d]: %v", i, err)
				}
				p.Path = append(p.Path, merkle.Step{Left: side == 0, Hash: h})
			}
		case keyAnchors:
			list, ok := v.([]any)
			if !ok || len(list) == 0 || len(list) > maxAnchors {
				return nil, bad("anchors: expected an array of 1 to %d anchors", maxAnchors)
			}
			for i, a := range list {
				an, err := anchorValue(a)
				if err != nil {
					return nil, bad("anchors[%d]: %v", i, err)
				}
				p.Anchors = append(p.Anchors, an)
			}
		default:
			return nil, bad("unknown key %d", k)
		}
	}
	for _, k := range []int64{keyMerkleRoot, keyTargetHash, keyAnchors} {
		if !seen[k] {
			return nil, bad("missing %s", [...]string{"merkleRoot", "targetHash", "anchors"}[k])
		}
	}
	return p, nil
}

func pair(e any) (int64, any, error) {
	kv, ok := e.([]any)
	if !ok || len(kv) != 2 {
		return 0, nil, bad("expected [key, value] pairs")
	}
	k, ok := intValue(kv[0])
	if !ok {
		return 0, nil, bad("expected an integer key")
	}
	return k, kv[1], nil
}

func intValue(v any) (int64, bool) {
	switch n := v.(type) {
	case uint64:
		if n > 1<<62 {
			return 0, false
		}
		return int64(n), true
	case int64:
		return n, true
	}
	return 0, false
}

// innerText unwraps a byte string holding CBOR text or bytes, returning
// bytes as hex.
func innerText(v any) (string, error) {
	b, ok := v.([]byte)
	if !ok {
		return "", errors.New("expected a byte string")
	}
	var inner any
	if err := decMode.Unmarshal(b, &inner); err != nil {
		return "", fmt.Errorf("inner CBOR: %v", err)
	}
	switch x := inner.(type) {
	case string:
		return x, nil
	case []byte:
		return hex.EncodeToString(x), nil
	}
	return "", errors.New("expected text or bytes inside the byte string")
}

func hashValue(v any) (merkle.Hash, error) {
	var h merkle.Hash
	s, err := innerText(v)
	if err != nil {
		return h, err
	}
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return h, errors.New("expected a 32-byte hash")
	}
	copy(h[:], b)
	return h, nil
}

func anchorValue(v any) (Anchor, error) {
	fields, ok := v.([]any)
	if !ok || len(fields) == 0 || len(fields) > 3 {
		return Anchor{}, errors.New("expected [[0, chain], [1, network], [2, txid]]")
	}
	var a Anchor
	var haveNet bool
	for _, f := range fields {
		k, val, err := pair(f)
		if err != nil {
			return Anchor{}, err
		}
		switch k {
		case 0:
			id, ok := intValue(val)
			if !ok {
				return Anchor{}, errors.New("chain: expected an integer")
			}
			for name, cid := range chainIDs {
				if cid == id {
					a.Chain = name
				}
			}
			if a.Chain == "" {
				return Anchor{}, fmt.Errorf("unknown chain id %d", id)
			}
		case 1:
			if n, ok := intValue(val); ok {
				a.Network, haveNet = n, true
				continue
			}
			// cert-issuer's mocknet anchors put the transaction text here.
			t, err := innerText(val)
			if err != nil {
				return Anchor{}, fmt.Errorf("network: %v", err)
			}
			a.TxID = t
		case 2:
			t, err := innerText(val)
			if err != nil {
				return Anchor{}, fmt.Errorf("txid: %v", err)
			}
			a.TxID = t
		default:
			return Anchor{}, fmt.Errorf("unknown anchor key %d", k)
		}
	}
	if a.Chain == "" {
		return Anchor{}, errors.New("missing chain")
	}
	if !haveNet && a.Chain == "mocknet" {
		a.Network = -1
	} else if !haveNet {
		return Anchor{}, errors.New("missing network")
	}
	if a.TxID == "" {
		return Anchor{}, errors.New("missing transaction id")
	}
	return a, nil
}
