package issuer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/anchor/merkle"
	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/transcript"
)

// Settings is what the pipeline needs to know about the issuer.
type Settings struct {
	IssuerURL  string // the issuer profile's URL
	IssuerName string
	// VerificationMethod is the profile key the Merkle proof names (the
	// official verifier requires one when the profile lists keys).
	VerificationMethod string
	Scheme             *transcript.Scheme
	Canon              credential.Canonicalizer // nil: credential.Default
	Workers            int                      // 0: one per CPU
	Now                func() time.Time
	// Progress, if set, is told how many credentials are done of how many.
	Progress func(done, total int)
}

// Issued is one credential of a finished batch.
type Issued struct {
	StudentID  string
	Credential *credential.Credential
	JSON       []byte // the published document
}

// Batch is a finished batch.
type Batch struct {
	ID         string
	Chain      string
	MerkleRoot merkle.Hash
	Anchor     credential.Anchor
	Issued     []Issued
}

// ErrChain is returned for a chain the issuer cannot anchor on.
var ErrChain = errors.New("unsupported chain")

// Issue runs the pipeline over a validated batch and anchors on chain.
func Issue(ctx context.Context, b *transcript.Batch, chain string, s Settings) (*Batch, error) {
	if chain != anchor.Mocknet {
		return nil, fmt.Errorf("chain %q: %w (this build anchors on %q only)", chain, ErrChain, anchor.Mocknet)
	}
	canon := s.Canon
	if canon == nil {
		canon = credential.Default
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	issued := now().UTC().Truncate(time.Second)
	in := credential.Issue{Issuer: s.IssuerURL, IssuerName: s.IssuerName, Issued: issued, Scheme: s.Scheme}

	n := len(b.Records)
	creds := make([]*credential.Credential, n)
	docs := make([]map[string]any, n)
	leaves := make([]merkle.Hash, n)
	err := parallel(ctx, n, s.Workers, s.Progress, func(i int) error {
		c, err := credential.Build(&b.Records[i], in)
		if err != nil {
			return fmt.Errorf("record %d (student %s): build: %w", i+1, b.Records[i].StudentID, err)
		}
		m, err := c.Map()
		if err != nil {
			return err
		}
		h, err := credential.TargetHash(canon, m, 0)
		if err != nil {
			return fmt.Errorf("record %d (student %s): hash: %w", i+1, b.Records[i].StudentID, err)
		}
		creds[i], docs[i], leaves[i] = c, m, h
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("batch %s: %w", b.ID, err)
	}
	tree, err := merkle.New(leaves)
	if err != nil {
		return nil, fmt.Errorf("batch %s: %w", b.ID, err)
	}
	a := credential.Anchor{Chain: anchor.Mocknet, Network: -1, TxID: credential.MocknetTxID}
	out := &Batch{ID: b.ID, Chain: chain, MerkleRoot: tree.Root(), Anchor: a, Issued: make([]Issued, n)}
	created := now().UTC().Truncate(time.Second).Format(time.RFC3339)
	for i, c := range creds {
		mp := credential.MerkleProof{MerkleRoot: tree.Root(), TargetHash: leaves[i], Path: tree.Proof(i), Anchors: []credential.Anchor{a}}
		if !merkle.Verify(leaves[i], mp.Path, mp.MerkleRoot) {
			return nil, fmt.Errorf("batch %s: credential %d: Merkle proof does not verify", b.ID, i+1) // cannot happen
		}
		pv, err := mp.Encode()
		if err != nil {
			return nil, fmt.Errorf("batch %s: %w", b.ID, err)
		}
		c.Proof = credential.DataIntegrityProof{
			ID: credential.NewID(), Type: "DataIntegrityProof", Cryptosuite: "merkle-proof-2019",
			ProofPurpose: "assertionMethod", Created: created,
			VerificationMethod: s.VerificationMethod, ProofValue: pv,
		}
		js, err := json.MarshalIndent(c, "", "  ")
		if err != nil {
			return nil, err
		}
		out.Issued[i] = Issued{StudentID: b.Records[i].StudentID, Credential: c, JSON: append(js, '\n')}
	}
	return out, nil
}

// parallel runs fn(0..n-1) on workers goroutines; the results do not depend
// on scheduling because each index writes its own slot.
func parallel(ctx context.Context, n, workers int, progress func(int, int), fn func(int) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > n {
		workers = n
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	var (
		mu    sync.Mutex
		first error
		done  int
		wg    sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					cancel()
					continue
				}
				if progress != nil {
					mu.Lock()
					done++
					progress(done, n)
					mu.Unlock()
				}
			}
		}()
	}
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// FileName is the file a credential is written to: its UUID, without the
// "urn:uuid:" prefix (colons are not portable in file names).
func FileName(id string) string {
	return strings.TrimPrefix(id, "urn:uuid:") + ".json"
}

// Write puts every credential of the batch in dir, plus a manifest
// (<batch>.manifest.json) mapping student ids to credential ids. Files go
// through a temporary name and a rename, so a crash leaves no half file.
func (b *Batch) Write(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	type entry struct {
		StudentID  string `json:"studentId"`
		Credential string `json:"credential"`
		File       string `json:"file"`
	}
	man := struct {
		Batch      string  `json:"batch"`
		Chain      string  `json:"chain"`
		MerkleRoot string  `json:"merkleRoot"`
		Anchor     string  `json:"anchor"`
		Files      []entry `json:"credentials"`
	}{Batch: b.ID, Chain: b.Chain, MerkleRoot: fmt.Sprintf("%x", b.MerkleRoot), Anchor: b.Anchor.Blink()}
	var files []string
	for _, is := range b.Issued {
		name := FileName(is.Credential.ID)
		if err := writeAtomic(filepath.Join(dir, name), is.JSON); err != nil {
			return files, err
		}
		files = append(files, filepath.Join(dir, name))
		man.Files = append(man.Files, entry{is.StudentID, is.Credential.ID, name})
	}
	mj, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return files, err
	}
	return files, writeAtomic(filepath.Join(dir, b.ID+".manifest.json"), append(mj, '\n'))
}

func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
