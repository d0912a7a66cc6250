package issuer

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/anchor/merkle"
	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/credential/merkleproof"
	"github.com/etranscript/etranscript/internal/atomicfile"
	"github.com/etranscript/etranscript/internal/staging"
	"github.com/etranscript/etranscript/internal/workpool"
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
	// Signer, when set, signs every credential (an eddsa-rdfc-2022 proof
	// by the Ed25519 key whose verification method is SigningMethod),
	// before the Merkle proof, which then covers the signature.
	Signer        crypto.Signer
	SigningMethod string
	// Status, if set, gives each credential its credentialStatus entries
	// (status.Service.Assign), Chunk credentials at a time; without it the
	// credentials cannot be revoked.
	Status func(ctx context.Context, batch string, ids []string) ([][]credential.StatusEntry, error)
	// Unassign, if set, frees the status slots Status gave ids of a batch
	// that is refused while Prepare builds it (status.Service.Unassign).
	Unassign func(ctx context.Context, batch string, ids []string) error
	// Outputs render each credential into other files, written beside its
	// JSON as <id><extension>: the transcript PDF is one (pdf.Maker).
	Outputs []Output
	Canon   dataintegrity.Canonicalizer // nil: dataintegrity.Default
	Workers int                         // 0: one per CPU
	Now     func() time.Time
	// Progress, if set, is told how far the batch is, stage by stage.
	Progress func(Progress)
	// Locker, if set, keeps anchoring single-writer per issuer key across
	// processes (one nonce sequence): delivery.Service over the database.
	Locker Locker
}

// Progress is how far a batch is: Done of Total credentials through
// Stage.
type Progress struct {
	Stage       string // ProgressBuilt, ProgressAnchored or ProgressWritten
	Done, Total int
}

// The stages Progress reports.
const (
	ProgressBuilt    = "built"    // built, signed and hashed
	ProgressAnchored = "anchored" // the root on its chain (Done = Total)
	ProgressWritten  = "written"  // with their Merkle proofs, in the output directory
)

// report tells s.Progress, if any.
func (s Settings) report(stage string, done, total int) {
	if s.Progress != nil {
		s.Progress(Progress{Stage: stage, Done: done, Total: total})
	}
}

// Locker takes a named lock across processes, waiting while another holds
// it.
type Locker interface {
	Lock(ctx context.Context, name string) (unlock func(), err error)
}

// Output renders a credential into a file of another format, written
// beside its JSON: the signed transcript PDF (pdf.Maker) is one; a new
// format (Open Badges 3.0, an SD-JWT) is another Output in
// Settings.Outputs.
type Output interface {
	// Extension is the file name's ending, with its dot (".pdf"); each
	// output has its own, and none is ".json".
	Extension() string
	// Make renders one credential (its JSON, as published).
	Make(ctx context.Context, cred []byte) ([]byte, error)
}

// Job is one batch to issue.
type Job struct {
	// Dir is the batch's working directory, DATA/batches/<batch id>.
	Dir string
	// Batch is the batch's records: in memory, or read from its saved
	// file a chunk at a time (transcript.BatchFile).
	Batch    transcript.Records
	Input    [32]byte // identifies the batch's content (Digest)
	Chain    string
	Anchorer Anchorer
	// Out is where the credentials are written, one file each, with a
	// manifest.
	Out string
	// Fence, if set, is asked right before the root is anchored, under
	// the anchoring lock, whether this process still holds the batch; an
	// error stops the run there. A process paused past its job's lease
	// (another took the job over) so never anchors the batch a second
	// time.
	Fence func(context.Context) error
	// Prepared, if set, is a directory where Prepare built this batch
	// while it was read: taken in place of building it again when the
	// batch has no state yet and it was built from the same input on the
	// same chain, removed in any case.
	Prepared string
}

// Issued is one credential of a finished batch, as written.
type Issued struct {
	StudentID string `json:"studentId"`
	ID        string `json:"credential"`
	File      string `json:"file"` // name within the output directory
	PDF       string `json:"pdf,omitempty"`
	// Outputs are the names of every output's file (the PDF's too).
	Outputs []string `json:"outputs,omitempty"`
	// Recipient is who its delivery goes to, from its record (not in the
	// manifest; empty for a batch an earlier version prepared).
	Recipient Recipient `json:"-"`
}

// Recipient is whom a credential is delivered to.
type Recipient struct {
	Email, Name, NameLocal string
}

// Batch is a finished batch. The credentials themselves are in Out: a
// batch of any size is streamed, never held in memory.
type Batch struct {
	ID         string
	Chain      string
	MerkleRoot merkle.Hash
	Anchor     *anchor.Result
	Out        string
	Issued     []Issued
	// Resumed says the batch was started by an earlier run.
	Resumed bool
}

// Chunk is how many credentials are in memory at once, per stage.
const Chunk = 256

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
	id := job.Batch.BatchID()
	release, err := lock(job.Dir)
	if err != nil {
		return nil, fmt.Errorf("batch %s: %w", id, err)
	}
	defer release()

	st, err := loadState(job.Dir)
	if err != nil {
		return nil, fmt.Errorf("batch %s: %w", id, err)
	}
	input := hex.EncodeToString(job.Input[:])
	resumed := st != nil
	if st == nil && job.Prepared != "" {
		if st, err = adopt(job, input); err != nil {
			return nil, fmt.Errorf("batch %s: %w", id, err)
		}
		if st != nil {
			fault("after-prepare")
		}
	}
	if st != nil && st.Input != input {
		return nil, fmt.Errorf("batch %s: %w (see %s)", id, ErrOtherInput, job.Dir)
	}
	if st != nil && st.Chain != job.Chain {
		return nil, fmt.Errorf("batch %s was started on chain %q; finish it there (issue it again with --chain %s)", id, st.Chain, st.Chain)
	}
	var leaves []merkle.Hash
	var tree *merkle.Tree
	if st == nil {
		if st, leaves, tree, err = prepare(ctx, job, s, func() (string, error) { return input, nil }); err != nil {
			return nil, fmt.Errorf("batch %s: %w", id, err)
		}
		fault("after-prepare")
	} else {
		// Resumed: the stored leaves must give the stored root.
		if leaves, err = readLeaves(job.Dir, st.Count); err != nil {
			return nil, fmt.Errorf("batch %s: %w", id, err)
		}
		if tree, err = merkle.New(leaves); err != nil {
			return nil, fmt.Errorf("batch %s: %w", id, err)
		}
		if root := tree.Root(); hex.EncodeToString(root[:]) != st.Root {
			return nil, fmt.Errorf("batch %s: stored credentials do not give the stored Merkle root", id)
		}
	}
	if st.Stage == StagePrepared {
		res, err := anchorLocked(ctx, job, s, tree.Root(), st)
		if err != nil {
			return nil, fmt.Errorf("batch %s: anchor on %s: %w", id, job.Chain, err)
		}
		fault("after-anchor")
		st.mu.Lock()
		st.Anchor, st.Stage = res, StageAnchored
		st.ProofCreated = now(s).Format(time.RFC3339)
		err = st.save()
		st.mu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("batch %s: %w", id, err)
		}
	}
	s.report(ProgressAnchored, st.Count, st.Count)
	out := &Batch{ID: st.Batch, Chain: st.Chain, MerkleRoot: tree.Root(), Anchor: st.Anchor, Out: job.Out, Resumed: resumed}
	if out.Issued, err = finish(ctx, job, s, st, tree, leaves); err != nil {
		return nil, fmt.Errorf("batch %s: %w", id, err)
	}
	if err := out.writeManifest(job.Dir); err != nil {
		return nil, fmt.Errorf("batch %s: %w", id, err)
	}
	st.Stage, st.Out = StageDone, job.Out
	if err := st.save(); err != nil {
		return nil, fmt.Errorf("batch %s: %w", id, err)
	}
	return out, nil
}

// anchorLocked anchors root holding the lock of the issuer's anchoring key,
// when there is a Locker: two processes never send from one key at once.
func anchorLocked(ctx context.Context, job Job, s Settings, root [32]byte, st *State) (*anchor.Result, error) {
	if s.Locker != nil {
		unlock, err := s.Locker.Lock(ctx, "anchor "+job.Chain+" "+s.VerificationMethod)
		if err != nil {
			return nil, err
		}
		defer unlock()
	}
	if job.Fence != nil {
		if err := job.Fence(ctx); err != nil {
			return nil, err
		}
	}
	return job.Anchorer.Anchor(ctx, root, st)
}

// finish adds the Merkle proof to every stored credential and writes it to
// the output directory, Chunk credentials at a time on every core. Writing
// again gives the same files.
func finish(ctx context.Context, job Job, s Settings, st *State, tree *merkle.Tree, leaves []merkle.Hash) ([]Issued, error) {
	if err := checkOutputs(s.Outputs); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(job.Out, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(job.Dir, "credentials.jsonl"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	stage, err := staging.New(job.Out, s.Workers)
	if err != nil {
		return nil, err
	}
	defer stage.Close()
	a := merkleproof.Anchor{Chain: st.Anchor.Chain, Network: st.Anchor.Network, TxID: st.Anchor.TxID}
	issued := make([]Issued, 0, st.Count)
	index, err := readIndex(job.Dir, st.Count)
	if err != nil {
		return nil, err
	}
	var arena []byte // the chunk's lines, reused by the next chunk
	if fi, err := f.Stat(); err == nil && st.Count > 0 {
		// Room for a chunk of lines of the average length, and a tenth.
		arena = make([]byte, 0, min(fi.Size()/int64(st.Count)*Chunk*11/10, 64<<20))
	}
	for base := 0; base < st.Count; base += Chunk {
		var lines [][]byte
		var spans [][2]int
		arena = arena[:0]
		for len(spans) < Chunk && base+len(spans) < st.Count && sc.Scan() {
			spans = append(spans, [2]int{len(arena), len(arena) + len(sc.Bytes())})
			arena = append(arena, sc.Bytes()...)
		}
		for _, sp := range spans {
			lines = append(lines, arena[sp[0]:sp[1]:sp[1]])
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
		chunk := make([]Issued, len(lines))
		err := workpool.Run(ctx, len(lines), s.Workers, nil, func(j int) error {
			i := base + j
			var id, student string
			var to Recipient
			if index != nil {
				id, student, to = index[i][0], index[i][1], index[i].recipient()
			} else {
				// A batch prepared by an earlier version, without the index.
				var head struct {
					ID                string `json:"id"`
					CredentialSubject struct {
						StudentID string `json:"studentId"`
					} `json:"credentialSubject"`
				}
				if err := json.Unmarshal(lines[j], &head); err != nil {
					return fmt.Errorf("credentials.jsonl line %d: %w", i+1, err)
				}
				id, student = head.ID, head.CredentialSubject.StudentID
			}
			mproof, err := merkleProof(st, s, tree, leaves[i], i, id, a)
			if err != nil {
				return err
			}
			// Written compact, as cert-issuer writes credentials: a fifth
			// smaller than indented, and written without parsing it again.
			buf := linePool.Get().(*[]byte)
			defer linePool.Put(buf)
			js, err := addProof((*buf)[:0], lines[j], mproof)
			if err != nil {
				return fmt.Errorf("credentials.jsonl line %d: %w", i+1, err)
			}
			name := FileName(id)
			js = append(js, '\n')
			*buf = js
			if err := stage.Write(name, js); err != nil {
				return err
			}
			chunk[j] = Issued{StudentID: student, ID: id, File: name, Recipient: to}
			return writeOutputs(ctx, s.Outputs, stage, js, &chunk[j])
		})
		if err != nil {
			return nil, err
		}
		issued = append(issued, chunk...)
		s.report(ProgressWritten, len(issued), st.Count)
	}
	if len(issued) != st.Count {
		return nil, fmt.Errorf("credentials.jsonl: %d credentials, state says %d", len(issued), st.Count)
	}
	return issued, nil
}

// addProof adds the Merkle proof to a stored credential (compact JSON):
// after its signature, which it names as its previousProof and so covers,
// or as its only proof. prepare writes the proofs last, and then the rest
// of the line is kept byte for byte; a line of another shape (written by
// an earlier version) goes through a map.
func addProof(dst, line []byte, mp dataintegrity.Proof) ([]byte, error) {
	line = bytes.TrimSpace(line)
	key := []byte(`,"proof":[`)
	if i := bytes.LastIndex(line, key); i > 0 && bytes.HasSuffix(line, []byte("]}")) {
		var prev []dataintegrity.Proof
		if json.Unmarshal(line[i+len(key)-1:len(line)-1], &prev) == nil && len(prev) == 1 {
			mp.PreviousProof = prev[0].ID
			pj, err := json.Marshal(mp)
			if err != nil {
				return nil, err
			}
			dst = append(dst, line[:len(line)-2]...)
			dst = append(dst, ',')
			dst = append(dst, pj...)
			return append(dst, "]}"...), nil
		}
	}
	var doc map[string]any
	if err := json.Unmarshal(line, &doc); err != nil {
		return nil, err
	}
	switch prev := doc["proof"].(type) {
	case nil:
		doc["proof"] = mp
	case []any:
		pm, _ := prev[0].(map[string]any)
		if len(prev) != 1 || pm == nil {
			return nil, errors.New("expected one signature before the Merkle proof")
		}
		mp.PreviousProof, _ = pm["id"].(string)
		doc["proof"] = []any{pm, mp}
	default:
		return nil, errors.New("expected the signature in an array")
	}
	js, err := json.Marshal(doc)
	return append(dst, js...), err
}

// encodeLine is json.Marshal(c) and a newline, in a buffer from
// encodePool.
func encodeLine(c *credential.Credential) (*bytes.Buffer, error) {
	b := encodePool.Get().(*bytes.Buffer)
	b.Reset()
	if err := json.NewEncoder(b).Encode(c); err != nil {
		encodePool.Put(b)
		return nil, err
	}
	return b, nil
}

var encodePool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// linePool holds the buffers finish writes credentials from.
var linePool = sync.Pool{New: func() any { return new([]byte) }}

func now(s Settings) time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Second)
	}
	return time.Now().UTC().Truncate(time.Second)
}

// prepare builds and hashes every credential, Chunk at a time on every
// core, appends them in batch order to credentials.jsonl, then stores the
// leaves and the state, with the digest of the batch's input, asked once
// every record is read (a batch still being read and checked as it is
// built has it only then).
func prepare(ctx context.Context, job Job, s Settings, input func() (string, error)) (*State, []merkle.Hash, *merkle.Tree, error) {
	canon := s.Canon
	if canon == nil {
		canon = dataintegrity.Default
	}
	b := job.Batch
	in := credential.Issue{Issuer: s.IssuerURL, IssuerName: s.IssuerName, Issued: now(s), Scheme: s.Scheme}
	n := b.Len()
	// The records are read, and their ids and status entries assigned, a
	// chunk ahead of the chunk being built.
	pctx, cancel := context.WithCancel(ctx)
	var reader sync.WaitGroup
	defer reader.Wait()
	defer cancel()
	chunks := make(chan pending, 1)
	reader.Go(func() { readAhead(pctx, b, n, s, chunks) })
	leaves := make([]merkle.Hash, 0, max(n, 0))
	index := make([]entry, 0, max(n, 0))
	path := filepath.Join(job.Dir, "credentials.jsonl")
	f, err := os.OpenFile(path+".tmp", os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, nil, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	done := 0
	for p := range chunks {
		if p.err != nil {
			return nil, nil, nil, p.err
		}
		base, m, records, ids, entries := done, len(p.records), p.records, p.ids, p.entries
		leaves, index = slices.Grow(leaves, m)[:base+m], slices.Grow(index, m)[:base+m]
		lines := make([]*bytes.Buffer, m)
		err := workpool.Run(ctx, m, s.Workers, nil, func(j int) error {
			i := base + j
			var st []credential.StatusEntry
			if entries != nil {
				st = entries[j]
			}
			r := records[j]
			index[i] = entry{ids[j], r.StudentID, r.Email, r.Name, r.NameLocal}
			var err error
			if lines[j], leaves[i], err = buildOne(ctx, canon, in, s, records[j], ids[j], st); err != nil {
				return fmt.Errorf("record %d (student %s): %w", i+1, records[j].StudentID, err)
			}
			return nil
		})
		if err != nil {
			return nil, nil, nil, err
		}
		for _, l := range lines {
			w.Write(l.Bytes())
			encodePool.Put(l)
		}
		done += m
		s.report(ProgressBuilt, done, max(n, 0))
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, err // the reader stopped early
	}
	if done != n && n >= 0 {
		return nil, nil, nil, fmt.Errorf("%d records, %d expected", done, n)
	}
	digest, err := input()
	if err != nil {
		return nil, nil, nil, err
	}
	if err := w.Flush(); err != nil {
		return nil, nil, nil, err
	}
	if err := f.Sync(); err != nil {
		return nil, nil, nil, err
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		return nil, nil, nil, err
	}
	st, tree, err := savePrepared(job, digest, leaves, index)
	return st, leaves, tree, err
}

// buildOne builds one record's credential, signs it when the settings
// have a signer, and returns its stored line (the document hashed) and its
// target hash.
func buildOne(ctx context.Context, canon dataintegrity.Canonicalizer, in credential.Issue, s Settings, rec *transcript.Record, id string, st []credential.StatusEntry) (*bytes.Buffer, merkle.Hash, error) {
	c, err := credential.Build(rec, in, id, st)
	if err != nil {
		return nil, merkle.Hash{}, fmt.Errorf("build: %w", err)
	}
	if s.Signer == nil {
		doc, err := c.Doc()
		if err != nil {
			return nil, merkle.Hash{}, err
		}
		line, err := encodeLine(c)
		if err != nil {
			return nil, merkle.Hash{}, err
		}
		leaf, err := dataintegrity.TargetHash(ctx, canon, doc, 0)
		if err != nil {
			return nil, merkle.Hash{}, fmt.Errorf("hash: %w", err)
		}
		return line, leaf, nil
	}
	sig, leaf, err := credential.Seal(ctx, canon, c, s.Signer, credential.NewID(), s.SigningMethod, c.ValidFrom)
	if err != nil {
		return nil, merkle.Hash{}, fmt.Errorf("sign and hash: %w", err)
	}
	// The stored line is the document hashed: the credential with its
	// signature, which comes last (finish adds the Merkle proof after it).
	c.Proof = []any{sig}
	line, err := encodeLine(c)
	return line, leaf, err
}

// savePrepared stores what prepare made (the leaves, the index of ids)
// and the batch's state, prepared, with its Merkle tree's root.
func savePrepared(job Job, input string, leaves []merkle.Hash, index []entry) (*State, *merkle.Tree, error) {
	tree, err := merkle.New(leaves)
	if err != nil {
		return nil, nil, err
	}
	lb := make([]byte, 0, 32*len(leaves))
	for _, l := range leaves {
		lb = append(lb, l[:]...)
	}
	if err := atomicfile.Write(filepath.Join(job.Dir, "leaves.bin"), lb, 0o600); err != nil {
		return nil, nil, err
	}
	ij, err := json.Marshal(index)
	if err != nil {
		return nil, nil, err
	}
	if err := atomicfile.Write(filepath.Join(job.Dir, indexFile), ij, 0o600); err != nil {
		return nil, nil, err
	}
	root := tree.Root()
	st := &State{dir: job.Dir, Batch: job.Batch.BatchID(), Input: input, Chain: job.Chain, Stage: StagePrepared, Count: len(leaves), Root: hex.EncodeToString(root[:])}
	return st, tree, st.save()
}

// pending is a chunk of the batch, with its credential ids and status
// entries, or the error that ended the reading.
type pending struct {
	records []*transcript.Record
	ids     []string
	entries [][]credential.StatusEntry
	err     error
}

// readAhead sends b's records to out a chunk at a time, with their ids
// and status entries, then closes out. It checks there are n records (if
// n is not negative: a batch still being read); after an error it sends
// it and stops, and it stops when ctx is done.
func readAhead(ctx context.Context, b transcript.Records, n int, s Settings, out chan<- pending) {
	defer close(out)
	send := func(p pending) bool {
		select {
		case out <- p:
			return p.err == nil
		case <-ctx.Done():
			return false
		}
	}
	var cur pending
	// flush gives the chunk read its ids and status entries and sends it.
	flush := func() bool {
		cur.ids = make([]string, len(cur.records))
		for j := range cur.ids {
			cur.ids[j] = credential.NewID()
		}
		if s.Status != nil {
			var err error
			if cur.entries, err = s.Status(ctx, b.BatchID(), cur.ids); err != nil {
				send(pending{err: err})
				return false
			}
		}
		ok := send(cur)
		cur = pending{}
		return ok
	}
	count := 0
	for r, err := range b.All() {
		switch {
		case err != nil:
			send(pending{err: err})
			return
		case count == n && n >= 0:
			send(pending{err: fmt.Errorf("more records than the %d expected", n)})
			return
		}
		cur.records = append(cur.records, r)
		count++
		if (len(cur.records) == Chunk || count == n) && !flush() {
			return
		}
	}
	if count < n {
		send(pending{err: fmt.Errorf("%d records, %d expected", count, n)})
		return
	}
	if len(cur.records) > 0 { // the last chunk of a batch of unknown size
		flush()
	}
}

// indexFile holds each credential's entry, in batch order.
const indexFile = "index.json"

// entry is a credential's in the index: its id, its record's student id,
// and its recipient's email, name and local name (an earlier version
// stored the first two only).
type entry [5]string

// recipient is the entry's recipient.
func (e *entry) recipient() Recipient {
	return Recipient{Email: e[2], Name: e[3], NameLocal: e[4]}
}

// readIndex loads the stored index; nil without one (a batch prepared by
// an earlier version).
func readIndex(dir string, n int) ([]entry, error) {
	b, err := os.ReadFile(filepath.Join(dir, indexFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var index []entry
	if err := json.Unmarshal(b, &index); err != nil || len(index) != n {
		return nil, fmt.Errorf("%s: damaged (%d entries for %d credentials, %v)", filepath.Join(dir, indexFile), len(index), n, err)
	}
	return index, nil
}

// readLeaves loads the stored leaves.
func readLeaves(dir string, n int) ([]merkle.Hash, error) {
	lb, err := os.ReadFile(filepath.Join(dir, "leaves.bin"))
	if err != nil {
		return nil, err
	}
	if len(lb) != 32*n {
		return nil, fmt.Errorf("%s: damaged (%d bytes for %d leaves)", filepath.Join(dir, "leaves.bin"), len(lb), n)
	}
	leaves := make([]merkle.Hash, n)
	for i := range leaves {
		copy(leaves[i][:], lb[32*i:])
	}
	return leaves, nil
}

// Digest is the SHA-256 that identifies a batch's input: of its JSON
// (json.Marshal's bytes, written a record at a time).
func Digest(b *transcript.Batch) [32]byte {
	h := sha256.New()
	b.WriteJSON(h) // a hash takes every write
	return [32]byte(h.Sum(nil))
}

// merkleProof is the MerkleProof2019 proof of credential id, the i-th
// leaf of tree, anchored by a (docs/credential.md §4).
func merkleProof(st *State, s Settings, tree *merkle.Tree, leaf merkle.Hash, i int, id string, a merkleproof.Anchor) (dataintegrity.Proof, error) {
	mp := merkleproof.Proof{MerkleRoot: tree.Root(), TargetHash: leaf, Path: tree.Proof(i), Anchors: []merkleproof.Anchor{a}}
	pv, err := mp.Encode()
	if err != nil {
		return dataintegrity.Proof{}, err
	}
	return dataintegrity.Proof{
		// The proof's id derives from the credential and the root, so a
		// resumed run writes the same document.
		ID:   "urn:uuid:" + uuid.NewSHA1(uuid.NameSpaceURL, []byte(id+"#"+st.Root)).String(),
		Type: "DataIntegrityProof", Cryptosuite: merkleproof.Cryptosuite,
		ProofPurpose: "assertionMethod", Created: st.ProofCreated,
		VerificationMethod: s.VerificationMethod, ProofValue: pv,
	}, nil
}

// checkOutputs checks every output's extension.
func checkOutputs(outputs []Output) error {
	for _, o := range outputs {
		if ext := o.Extension(); !strings.HasPrefix(ext, ".") || strings.EqualFold(ext, ".json") || strings.ContainsAny(ext, `/\`) {
			return fmt.Errorf("output %q: its extension must start with a dot and not be .json", ext)
		}
	}
	return nil
}

// writeOutputs renders the credential js with every output and writes
// each file beside its JSON, recording their names in c.
func writeOutputs(ctx context.Context, outputs []Output, stage *staging.Dirs, js []byte, c *Issued) error {
	for _, o := range outputs {
		ext := o.Extension()
		b, err := o.Make(ctx, js)
		if err != nil {
			return fmt.Errorf("credential %s: %s: %w", c.ID, strings.TrimPrefix(ext, "."), err)
		}
		file := strings.TrimSuffix(c.File, ".json") + ext
		if err := stage.Write(file, b); err != nil {
			return err
		}
		c.Outputs = append(c.Outputs, file)
		if ext == ".pdf" {
			c.PDF = file
		}
	}
	return nil
}

// FileName is the file a credential is written to: its UUID, without the
// "urn:uuid:" prefix (colons are not portable in file names).
func FileName(id string) string {
	return strings.TrimPrefix(id, "urn:uuid:") + ".json"
}

// ManifestFile is the manifest's path in a batch's working directory
// (config.BatchDir), not among the credentials: the output directory
// holds credentials and PDFs only, so that 'verify DIR/*.json' verifies
// them all.
func ManifestFile(batchDir string) string { return filepath.Join(batchDir, "manifest.json") }

// LegacyManifestFile is where releases before 2026-12 wrote it: in the
// output directory, as <batch>.manifest.json.
func LegacyManifestFile(out, batch string) string { return filepath.Join(out, batch+".manifest.json") }

// ReadManifest reads a finished batch's manifest, from its working
// directory or, for a batch issued by an earlier release, its output
// directory.
func ReadManifest(batchDir, out, batch string) ([]byte, error) {
	b, err := os.ReadFile(ManifestFile(batchDir))
	if errors.Is(err, os.ErrNotExist) {
		if lb, lerr := os.ReadFile(LegacyManifestFile(out, batch)); lerr == nil {
			return lb, nil
		}
	}
	return b, err
}

// writeManifest writes the batch's manifest: which student has which
// credential file, the Merkle root and the anchor.
func (b *Batch) writeManifest(batchDir string) error {
	man := struct {
		Batch      string         `json:"batch"`
		Chain      string         `json:"chain"`
		MerkleRoot string         `json:"merkleRoot"`
		Anchor     *anchor.Result `json:"anchor"`
		Files      []Issued       `json:"credentials"`
	}{Batch: b.ID, Chain: b.Chain, MerkleRoot: hex.EncodeToString(b.MerkleRoot[:]), Anchor: b.Anchor, Files: b.Issued}
	mj, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(ManifestFile(batchDir), append(mj, '\n'))
}

// writeAtomic replaces a file through a rename, without fsync: output
// files are rewritten from the stored state if a crash loses them (state
// itself goes through atomicfile.Write, which syncs).
func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func toMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}

// ErrChain is returned for a chain the issuer cannot anchor on.
var ErrChain = errors.New("unknown chain")
