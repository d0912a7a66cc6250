package issuer

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
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
	"github.com/google/uuid"
)

// Anchorer gets a Merkle root on a chain and waits until it is final
// enough; anchor.Ethereum and anchor.MocknetAnchorer are the real ones.
type Anchorer interface {
	Anchor(ctx context.Context, root [32]byte, j anchor.Journal) (*anchor.Result, error)
}

// Settings is what the pipeline needs to know about the issuer.
type Settings struct {
	IssuerURL  string // the issuer profile's URL
	IssuerName string
	// VerificationMethod is the profile key the Merkle proof names: the
	// Ethereum key that sends the anchor (the official verifier requires
	// one when the profile lists keys).
	VerificationMethod string
	Scheme             *transcript.Scheme
	Canon              credential.Canonicalizer // nil: credential.Default
	Workers            int                      // 0: one per CPU
	Now                func() time.Time
	// Progress, if set, is told how many credentials are done of how many.
	Progress func(done, total int)
}

// Job is one batch to issue.
type Job struct {
	// Dir is the batch's working directory, DATA/batches/<batch id>.
	Dir      string
	Batch    *transcript.Batch
	Input    [32]byte // SHA-256 of the batch file as read
	Chain    string
	Anchorer Anchorer
}

// Issued is one credential of a finished batch.
type Issued struct {
	StudentID  string
	Credential map[string]any
	ID         string
	JSON       []byte // the published document
}

// Batch is a finished batch.
type Batch struct {
	ID         string
	Chain      string
	MerkleRoot merkle.Hash
	Anchor     *anchor.Result
	Issued     []Issued
	// Resumed says the batch was started by an earlier run.
	Resumed bool
}

// ErrOtherInput means a batch id was already used for another input.
var ErrOtherInput = errors.New("batch id already used for a different batch file")

// Run takes a batch through every stage, starting where an earlier run of
// the same batch stopped: it never builds the credentials twice (their ids,
// salts and dates are stored), never anchors the root twice (the
// transaction journal is stored before broadcast), and writes the same
// credentials however often it is resumed.
func Run(ctx context.Context, job Job, s Settings) (*Batch, error) {
	if err := os.MkdirAll(job.Dir, 0o700); err != nil {
		return nil, err
	}
	release, err := lock(job.Dir)
	if err != nil {
		return nil, fmt.Errorf("batch %s: %w", job.Batch.ID, err)
	}
	defer release()

	st, err := loadState(job.Dir)
	if err != nil {
		return nil, fmt.Errorf("batch %s: %w", job.Batch.ID, err)
	}
	input := hex.EncodeToString(job.Input[:])
	resumed := st != nil
	if st != nil && st.Input != input {
		return nil, fmt.Errorf("batch %s: %w (see %s)", job.Batch.ID, ErrOtherInput, job.Dir)
	}
	if st != nil && st.Chain != job.Chain {
		return nil, fmt.Errorf("batch %s was started on chain %q; finish it there (issue it again with --chain %s)", job.Batch.ID, st.Chain, st.Chain)
	}
	var docs []map[string]any
	var leaves []merkle.Hash
	if st == nil {
		if st, docs, leaves, err = prepare(ctx, job, s, input); err != nil {
			return nil, fmt.Errorf("batch %s: %w", job.Batch.ID, err)
		}
		fault("after-prepare")
	} else if docs, leaves, err = readPrepared(job.Dir, st.Count); err != nil {
		return nil, fmt.Errorf("batch %s: %w", job.Batch.ID, err)
	}
	tree, err := merkle.New(leaves)
	if err != nil {
		return nil, fmt.Errorf("batch %s: %w", job.Batch.ID, err)
	}
	if root := tree.Root(); hex.EncodeToString(root[:]) != st.Root {
		return nil, fmt.Errorf("batch %s: stored credentials do not give the stored Merkle root", job.Batch.ID)
	}
	if st.Stage == StagePrepared {
		res, err := job.Anchorer.Anchor(ctx, tree.Root(), st)
		if err != nil {
			return nil, fmt.Errorf("batch %s: anchor on %s: %w", job.Batch.ID, job.Chain, err)
		}
		fault("after-anchor")
		st.mu.Lock()
		st.Anchor, st.Stage = res, StageAnchored
		st.ProofCreated = now(s).Format(time.RFC3339)
		err = st.save()
		st.mu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("batch %s: %w", job.Batch.ID, err)
		}
	}
	out := &Batch{ID: st.Batch, Chain: st.Chain, MerkleRoot: tree.Root(), Anchor: st.Anchor, Issued: make([]Issued, len(docs)), Resumed: resumed}
	a := credential.Anchor{Chain: st.Anchor.Chain, Network: st.Anchor.Network, TxID: st.Anchor.TxID}
	err = parallel(ctx, len(docs), s.Workers, nil, func(i int) error {
		doc := docs[i]
		id, _ := doc["id"].(string)
		mp := credential.MerkleProof{MerkleRoot: tree.Root(), TargetHash: leaves[i], Path: tree.Proof(i), Anchors: []credential.Anchor{a}}
		pv, err := mp.Encode()
		if err != nil {
			return err
		}
		doc["proof"] = credential.DataIntegrityProof{
			// The proof's id derives from the credential and the root, so
			// a resumed run writes the same document.
			ID:   "urn:uuid:" + uuid.NewSHA1(uuid.NameSpaceURL, []byte(id+"#"+st.Root)).String(),
			Type: "DataIntegrityProof", Cryptosuite: "merkle-proof-2019",
			ProofPurpose: "assertionMethod", Created: st.ProofCreated,
			VerificationMethod: s.VerificationMethod, ProofValue: pv,
		}
		js, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return err
		}
		student := ""
		if cs, ok := doc["credentialSubject"].(map[string]any); ok {
			student, _ = cs["studentId"].(string)
		}
		out.Issued[i] = Issued{StudentID: student, Credential: doc, ID: id, JSON: append(js, '\n')}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("batch %s: %w", job.Batch.ID, err)
	}
	return out, nil
}

// Finish marks a batch done once its credentials are written to out.
func Finish(dir, out string) error {
	st, err := loadState(dir)
	if err != nil || st == nil {
		return err
	}
	st.Stage, st.Out = StageDone, out
	return st.save()
}

func now(s Settings) time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Second)
	}
	return time.Now().UTC().Truncate(time.Second)
}

// prepare builds and hashes every credential (on every core), stores them
// and the leaves, and then the state.
func prepare(ctx context.Context, job Job, s Settings, input string) (*State, []map[string]any, []merkle.Hash, error) {
	canon := s.Canon
	if canon == nil {
		canon = credential.Default
	}
	b := job.Batch
	in := credential.Issue{Issuer: s.IssuerURL, IssuerName: s.IssuerName, Issued: now(s), Scheme: s.Scheme}
	n := len(b.Records)
	lines := make([][]byte, n)
	docs := make([]map[string]any, n)
	leaves := make([]merkle.Hash, n)
	err := parallel(ctx, n, s.Workers, s.Progress, func(i int) error {
		c, err := credential.Build(&b.Records[i], in)
		if err != nil {
			return fmt.Errorf("record %d (student %s): build: %w", i+1, b.Records[i].StudentID, err)
		}
		// The stored line and the hashed document are the same JSON.
		if lines[i], err = json.Marshal(c); err != nil {
			return err
		}
		if err := json.Unmarshal(lines[i], &docs[i]); err != nil {
			return err
		}
		h, err := credential.TargetHash(canon, docs[i], 0)
		if err != nil {
			return fmt.Errorf("record %d (student %s): hash: %w", i+1, b.Records[i].StudentID, err)
		}
		leaves[i] = h
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	tree, err := merkle.New(leaves)
	if err != nil {
		return nil, nil, nil, err
	}
	var buf strings.Builder
	for _, l := range lines {
		buf.Write(l)
		buf.WriteByte('\n')
	}
	if err := writeDurable(filepath.Join(job.Dir, "credentials.jsonl"), []byte(buf.String())); err != nil {
		return nil, nil, nil, err
	}
	lb := make([]byte, 0, 32*n)
	for _, l := range leaves {
		lb = append(lb, l[:]...)
	}
	if err := writeDurable(filepath.Join(job.Dir, "leaves.bin"), lb); err != nil {
		return nil, nil, nil, err
	}
	root := tree.Root()
	st := &State{dir: job.Dir, Batch: b.ID, Input: input, Chain: job.Chain, Stage: StagePrepared, Count: n, Root: hex.EncodeToString(root[:])}
	return st, docs, leaves, st.save()
}

// readPrepared loads the stored unsigned credentials and their leaves.
func readPrepared(dir string, n int) ([]map[string]any, []merkle.Hash, error) {
	lb, err := os.ReadFile(filepath.Join(dir, "leaves.bin"))
	if err != nil {
		return nil, nil, err
	}
	if len(lb) != 32*n {
		return nil, nil, fmt.Errorf("%s: damaged (%d bytes for %d leaves)", filepath.Join(dir, "leaves.bin"), len(lb), n)
	}
	leaves := make([]merkle.Hash, n)
	for i := range leaves {
		copy(leaves[i][:], lb[32*i:])
	}
	f, err := os.Open(filepath.Join(dir, "credentials.jsonl"))
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	var docs []map[string]any
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return nil, nil, fmt.Errorf("credentials.jsonl line %d: %w", len(docs)+1, err)
		}
		docs = append(docs, m)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, err
	}
	if len(docs) != n {
		return nil, nil, fmt.Errorf("credentials.jsonl: %d credentials, state says %d", len(docs), n)
	}
	return docs, leaves, nil
}

// Digest is the SHA-256 that identifies a batch's input.
func Digest(b *transcript.Batch) [32]byte {
	js, _ := json.Marshal(b)
	return sha256.Sum256(js)
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
// through a temporary name and a rename, so a crash leaves no half file;
// writing again gives the same files.
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
		Batch      string         `json:"batch"`
		Chain      string         `json:"chain"`
		MerkleRoot string         `json:"merkleRoot"`
		Anchor     *anchor.Result `json:"anchor"`
		Files      []entry        `json:"credentials"`
	}{Batch: b.ID, Chain: b.Chain, MerkleRoot: hex.EncodeToString(b.MerkleRoot[:]), Anchor: b.Anchor}
	var files []string
	for _, is := range b.Issued {
		name := FileName(is.ID)
		if err := writeAtomic(filepath.Join(dir, name), is.JSON); err != nil {
			return files, err
		}
		files = append(files, filepath.Join(dir, name))
		man.Files = append(man.Files, entry{is.StudentID, is.ID, name})
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

// ErrChain is returned for a chain the issuer cannot anchor on.
var ErrChain = errors.New("unknown chain")
