package canon

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Options bound and parameterize canonicalization.
type Options struct {
	// Hash is the hash function (RDFC-1.0 §4.2: SHA-256 by default; the
	// test suite also uses SHA-384).
	Hash func() hash.Hash
	// MaxBlankNodes refuses datasets with more blank nodes (0: 100,000).
	MaxBlankNodes int
	// MaxDeepCalls bounds the calls to Hash N-Degree Quads, the
	// algorithm's only super-linear step (0: 10 times the blank nodes, at
	// least 1,000).
	MaxDeepCalls int
	// Context, when set, stops the work with its error when it ends.
	Context context.Context
}

// ErrTooComplex is returned when a dataset needs more work than the options
// allow: RDFC-1.0 §6 "poison graphs".
var ErrTooComplex = errors.New("canonicalization: dataset too complex (too many blank nodes or too much n-degree hashing)")

// SHA384 is the other hash function the test suite uses.
func SHA384() hash.Hash { return sha512.New384() }

// Result is the canonical form and the issued identifiers map.
type Result struct {
	NQuads []byte
	// Issued maps each input blank node label to its canonical label
	// ("c14n0", ...).
	Issued map[string]string
}

type scratch struct {
	buf     []byte
	spans   [][2]int
	subject []int32
	iris    map[string]int32
	sort    sortScratch
}

var bufPool = sync.Pool{New: func() any { return &scratch{} }}

// issuer is the Identifier Issuer of RDFC-1.0 §4.5.
type issuer struct {
	prefix string
	ids    map[string]string
	order  []string
}

func newIssuer(prefix string) *issuer { return &issuer{prefix: prefix, ids: map[string]string{}} }

func (is *issuer) issue(id string) string {
	if v, ok := is.ids[id]; ok {
		return v
	}
	var v string
	if is.prefix == "c14n" {
		v = canonLabel(len(is.order))
	} else {
		v = is.prefix + strconv.Itoa(len(is.order))
	}
	is.ids[id] = v
	is.order = append(is.order, id)
	return v
}

func (is *issuer) clone() *issuer {
	c := &issuer{prefix: is.prefix, ids: make(map[string]string, len(is.ids)), order: slices.Clone(is.order)}
	for k, v := range is.ids {
		c.ids[k] = v
	}
	return c
}

type state struct {
	ctx context.Context // nil: never stopped
	// The quads: base (a smaller dataset's, shared) then quads.
	base  []Quad
	quads []Quad
	// Blank nodes by index: their labels, and the quads that mention
	// each (mentions[start[i]:start[i+1]]).
	labels   []string
	index    map[string]int32
	mentions []int32
	start    []int32
	qn       [][3]int32 // per quad: node index of S, O, G, or -1

	canonical *issuer
	h         func() hash.Hash
	hh        hash.Hash // h's one instance (hasher)
	sumBuf    []byte
	first     []string // first-degree hashes (hex), by node index
	calls     int
	maxCalls  int
	buf       []byte
	scratch   []byte
	spans     [][2]int
}

// quad is quad i of base and quads.
func (st *state) quad(i int32) *Quad {
	if int(i) < len(st.base) {
		return &st.base[i]
	}
	return &st.quads[int(i)-len(st.base)]
}

func (st *state) size() int { return len(st.base) + len(st.quads) }

func (st *state) sum(b []byte) string {
	h := st.hasher()
	h.Write(b)
	return st.hexSum(h)
}

// hasher is st's hash function, reset: one for all of st's hashes.
func (st *state) hasher() hash.Hash {
	if st.hh == nil {
		st.hh = st.h()
	} else {
		st.hh.Reset()
	}
	return st.hh
}

// hexSum is h's sum in hex.
func (st *state) hexSum(h hash.Hash) string {
	st.sumBuf = h.Sum(st.sumBuf[:0])
	if len(st.sumBuf) > 64 {
		return hex.EncodeToString(st.sumBuf)
	}
	var hx [2 * 64]byte
	return string(hx[:hex.Encode(hx[:], st.sumBuf)])
}

// quadsOf lists the quads that mention blank node n.
func (st *state) quadsOf(n string) []int32 {
	i := st.index[n]
	return st.mentions[st.start[i]:st.start[i+1]]
}

// canonLabels are the first canonical labels, made once.
var canonLabels = func() []string {
	l := make([]string, 4096)
	for i := range l {
		l[i] = "c14n" + strconv.Itoa(i)
	}
	return l
}()

// Canonicalize runs RDFC-1.0 (§4.4) over quads.
func Canonicalize(quads []Quad, o Options) (*Result, error) {
	d, err := NewDataset(quads, o)
	if err != nil {
		return nil, err
	}
	return d.Canonicalize()
}

// Dataset is a dataset ready for canonicalization (by one goroutine at a
// time): its blank nodes indexed and their first-degree hashes (§4.6)
// computed, so that a larger dataset that contains it (a signed document:
// the document and its proof) reuses them (With).
type Dataset struct {
	st   *state
	o    Options
	sink io.Writer // Sum's hash, while it runs
}

// NewDataset prepares quads (which it keeps: they must not change).
func NewDataset(quads []Quad, o Options) (*Dataset, error) {
	if len(quads) > math.MaxInt32 {
		return nil, ErrTooComplex
	}
	return newDataset(nil, quads, o, nil)
}

// With is the dataset of d's quads and more. The first-degree hash of
// each of d's blank nodes that no quad of more mentions is d's: it depends
// only on the quads that mention the node (§4.6).
func (d *Dataset) With(more []Quad) (*Dataset, error) {
	if d.st.size() > math.MaxInt32-len(more) {
		return nil, ErrTooComplex
	}
	base := d.st.quads
	if len(d.st.base) > 0 {
		base = slices.Concat(d.st.base, d.st.quads)
	}
	return newDataset(base, more, d.o, d.st)
}

// newDataset indexes base and quads and hashes their blank nodes, taking
// the hash of a node from prev, whose quads base are, when every quad that
// mentions it is in base.
func newDataset(base, quads []Quad, o Options, prev *state) (*Dataset, error) {
	if o.Hash == nil {
		o.Hash = sha256.New
	}
	if o.MaxBlankNodes == 0 {
		o.MaxBlankNodes = 100_000
	}
	// Room for the blank nodes: a smaller dataset's and a few, or a
	// guess from the number of quads.
	hint := (len(base) + len(quads)) / 4
	if prev != nil {
		hint = len(prev.labels) + len(quads)/2
	}
	hint = min(hint, o.MaxBlankNodes, 1<<16)
	st := &state{base: base, quads: quads, index: make(map[string]int32, hint), labels: make([]string, 0, hint),
		canonical: newIssuer("c14n"), h: o.Hash, qn: make([][3]int32, len(base)+len(quads))}
	old := len(base)
	// §4.4.3 step 2: the blank node to quads map, as indexes.
	count := make([]int32, 0, hint)
	for i := range st.qn {
		q := st.quad(int32(i))
		for k, t := range [...]*Term{&q.S, &q.O, &q.G} {
			st.qn[i][k] = -1
			if t.Kind != Blank {
				continue
			}
			n, ok := st.index[t.Value]
			if !ok {
				if len(st.labels) >= o.MaxBlankNodes {
					return nil, ErrTooComplex
				}
				n = int32(len(st.labels))
				st.index[t.Value] = n
				st.labels = append(st.labels, t.Value)
				count = append(count, 0)
			}
			st.qn[i][k] = n
			// A quad is listed once per node, however often it names it.
			if k == 0 || st.qn[i][0] != n && (k == 1 || st.qn[i][1] != n) {
				count[n]++
			}
		}
	}
	nodes := len(st.labels)
	st.start = make([]int32, nodes+1)
	for i, c := range count {
		st.start[i+1] = st.start[i] + c
	}
	st.mentions = make([]int32, st.start[nodes])
	fill := slices.Clone(st.start[:nodes])
	for i := range st.qn {
		qn := st.qn[i]
		for k, n := range qn {
			if n >= 0 && (k == 0 || qn[0] != n && (k == 1 || qn[1] != n)) {
				st.mentions[fill[n]] = int32(i)
				fill[n]++
			}
		}
	}
	st.maxCalls = o.MaxDeepCalls
	if st.maxCalls == 0 {
		st.maxCalls = max(1000, 10*nodes)
	}
	// Step 3: first-degree hashes (serialized in a pooled buffer).
	sb := bufPool.Get().(*scratch)
	st.scratch, st.spans = sb.buf[:0], sb.spans[:0]
	defer func() {
		if cap(st.scratch) <= 4<<20 {
			sb.buf, sb.spans = st.scratch[:0], st.spans[:0]
		}
		st.scratch, st.spans = nil, nil
		bufPool.Put(sb)
	}()
	st.first = make([]string, nodes)
	st.ctx = o.Context
	for n := range st.first {
		if st.ctx != nil && n&1023 == 1023 {
			if err := st.ctx.Err(); err != nil {
				return nil, err
			}
		}
		if prev != nil {
			m := st.mentions[st.start[n]:st.start[n+1]]
			if int(m[len(m)-1]) < old {
				if pn, ok := prev.index[st.labels[n]]; ok {
					st.first[n] = prev.first[pn]
					continue
				}
			}
		}
		st.first[n] = st.hashFirstDegree(int32(n))
	}
	return &Dataset{st: st, o: o}, nil
}

// Canonicalize runs the rest of RDFC-1.0 (§4.4.3 steps 4-6).
func (d *Dataset) Canonicalize() (*Result, error) {
	st, nodes := d.st, len(d.st.labels)
	st.canonical, st.calls = newIssuer("c14n"), 0
	// Nodes in the order of their hashes (then labels, for a
	// deterministic order of equal ones).
	order := make([]int32, nodes)
	for n := range order {
		order[n] = int32(n)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := strings.Compare(st.first[a], st.first[b]); c != 0 {
			return c
		}
		return strings.Compare(st.labels[a], st.labels[b])
	})
	shared := false
	for i := 1; i < len(order) && !shared; i++ {
		shared = st.first[order[i]] == st.first[order[i-1]]
	}
	canon := make([]string, nodes)
	var issued map[string]string
	if !shared {
		// Every hash is unique (the documents we issue): the labels follow
		// the hash order, with no issuer map unless the caller wants it.
		for pos, n := range order {
			canon[n] = canonLabel(pos)
		}
		if d.sink == nil {
			issued = make(map[string]string, nodes)
			for n, l := range st.labels {
				issued[l] = canon[n]
			}
		}
	} else {
		// The nodes grouped by hash, in hash order.
		var groups [][]int32
		for i := 0; i < len(order); {
			j := i + 1
			for j < len(order) && st.first[order[j]] == st.first[order[i]] {
				j++
			}
			groups = append(groups, order[i:j])
			i = j
		}
		if err := st.issueAll(groups); err != nil {
			return nil, err
		}
		for n, l := range st.labels {
			canon[n] = st.canonical.ids[l]
		}
		issued = st.canonical.ids
	}
	// Step 6: relabel, serialize, sort.
	sb := bufPool.Get().(*scratch)
	defer bufPool.Put(sb)
	buf := sb.buf[:0]
	if cap(sb.spans) < len(st.qn) {
		sb.spans = make([][2]int, len(st.qn))
	}
	spans := sb.spans[:len(st.qn)]
	// Each line's subject, for sortLines: a blank node by its index, an
	// IRI after them.
	subject := slices.Grow(sb.subject[:0], len(spans))[:len(spans)]
	if sb.iris == nil {
		sb.iris = map[string]int32{}
	}
	for i := range spans {
		start := len(buf)
		qn := &st.qn[i]
		q := st.quad(int32(i))
		buf = appendQuadWith(buf, q, func(k int) string { return canon[qn[k]] })
		spans[i] = [2]int{start, len(buf)}
		subject[i] = qn[0]
		if qn[0] < 0 {
			id, ok := sb.iris[q.S.Value]
			if !ok {
				id = int32(nodes + len(sb.iris))
				sb.iris[q.S.Value] = id
			}
			subject[i] = id
		}
	}
	sortLines(buf, spans, subject, nodes+len(sb.iris), &sb.sort)
	clear(sb.iris)
	sb.subject = subject[:0]
	if cap(buf) <= 4<<20 {
		sb.buf = buf
	}
	if d.sink != nil {
		writeLines(d.sink, buf, spans)
		return &Result{Issued: issued}, nil
	}
	out := bytes.NewBuffer(make([]byte, 0, len(buf)))
	writeLines(out, buf, spans)
	return &Result{NQuads: out.Bytes(), Issued: issued}, nil
}

// issueAll is steps 4 and 5 for the nodes grouped by hash, in hash order:
// a node whose hash is unique gets the next canonical identifier; then the
// nodes of each shared hash go through Hash N-Degree Quads (§4.8), in the
// order of their results.
func (st *state) issueAll(groups [][]int32) error {
	for _, g := range groups {
		if len(g) == 1 {
			st.canonical.issue(st.labels[g[0]])
		}
	}
	for _, g := range groups {
		if len(g) > 1 {
			if err := st.issueShared(g); err != nil {
				return err
			}
		}
	}
	return nil
}

// issueShared is step 5 for the nodes of one shared first-degree hash.
func (st *state) issueShared(group []int32) error {
	type result struct {
		hash string
		is   *issuer
	}
	var paths []result
	for _, ni := range group {
		n := st.labels[ni]
		if _, ok := st.canonical.ids[n]; ok {
			continue
		}
		tmp := newIssuer("b")
		tmp.issue(n)
		hh, is, err := st.hashNDegree(n, tmp)
		if err != nil {
			return err
		}
		paths = append(paths, result{hh, is})
	}
	sort.SliceStable(paths, func(i, j int) bool { return paths[i].hash < paths[j].hash })
	for _, p := range paths {
		for _, n := range p.is.order {
			st.canonical.issue(n)
		}
	}
	return nil
}

func canonLabel(n int) string {
	if n < len(canonLabels) {
		return canonLabels[n]
	}
	return "c14n" + strconv.Itoa(n)
}

// writeLines writes the sorted lines, each once: a dataset is a set.
func writeLines(w io.Writer, buf []byte, spans [][2]int) {
	var prev []byte
	for _, sp := range spans {
		l := buf[sp[0]:sp[1]]
		if prev != nil && bytes.Equal(l, prev) {
			continue
		}
		w.Write(l)
		prev = l
	}
}

// Sum writes the canonical N-Quads into h instead of returning them (the
// Result's NQuads is nil) and returns h's sum: a hash of a large dataset
// without holding its canonical form.
func (d *Dataset) Sum(h hash.Hash) ([]byte, *Result, error) {
	d.sink = h
	defer func() { d.sink = nil }()
	res, err := d.Canonicalize()
	if err != nil {
		return nil, nil, err
	}
	return h.Sum(nil), res, nil
}

// hashFirstDegree is §4.6: the quads that mention node n, with n as _:a
// and every other blank node as _:z, sorted and hashed.
func (st *state) hashFirstDegree(n int32) string {
	buf := st.scratch[:0]
	spans := st.spans[:0]
	for _, qi := range st.mentions[st.start[n]:st.start[n+1]] {
		start := len(buf)
		qn := &st.qn[qi]
		buf = appendQuadWith(buf, st.quad(qi), func(k int) string {
			if qn[k] == n {
				return "a"
			}
			return "z"
		})
		spans = append(spans, [2]int{start, len(buf)})
	}
	if len(spans) > 1 {
		slices.SortFunc(spans, func(a, b [2]int) int { return bytes.Compare(buf[a[0]:a[1]], buf[b[0]:b[1]]) })
	}
	h := st.hasher()
	for _, sp := range spans {
		h.Write(buf[sp[0]:sp[1]])
	}
	st.scratch, st.spans = buf, spans
	return st.hexSum(h)
}

// firstOf is the first-degree hash of blank node n.
func (st *state) firstOf(n string) string { return st.first[st.index[n]] }

// hashRelated is §4.7.
func (st *state) hashRelated(related string, q *Quad, is *issuer, position byte) string {
	// Issued identifiers are written as blank node labels, "_:" and all.
	id, ok := st.canonical.ids[related]
	if ok {
		id = "_:" + id
	} else if id, ok = is.ids[related]; ok {
		id = "_:" + id
	} else {
		id = st.firstOf(related)
	}
	b := st.buf[:0]
	b = append(b, position)
	if position != 'g' {
		b = append(b, '<')
		b = append(b, q.P.Value...)
		b = append(b, '>')
	}
	b = append(b, id...)
	st.buf = b
	return st.sum(b)
}

// hashNDegree is §4.8, with its work counted.
func (st *state) hashNDegree(n string, is *issuer) (string, *issuer, error) {
	st.calls++
	if st.calls > st.maxCalls {
		return "", nil, ErrTooComplex
	}
	if st.ctx != nil && st.calls&15 == 0 {
		if err := st.ctx.Err(); err != nil {
			return "", nil, err
		}
	}
	// Step 1-3: related blank nodes grouped by their hashes.
	related := map[string][]string{}
	for _, qi := range st.quadsOf(n) {
		q := st.quad(qi)
		for _, c := range [...]struct {
			t   *Term
			pos byte
		}{{&q.S, 's'}, {&q.O, 'o'}, {&q.G, 'g'}} {
			if c.t.Kind == Blank && c.t.Value != n {
				h := st.hashRelated(c.t.Value, q, is, c.pos)
				related[h] = append(related[h], c.t.Value)
			}
		}
	}
	hashes := make([]string, 0, len(related))
	for h := range related {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	var data []byte
	for _, h := range hashes {
		data = append(data, h...)
		var chosenPath string
		var chosenIssuer *issuer
		err := permute(related[h], func(p []string) (bool, error) {
			cp := is.clone()
			path := []byte{}
			var recursion []string
			for _, r := range p {
				if id, ok := st.canonical.ids[r]; ok {
					path = append(path, "_:"+id...)
				} else {
					if _, ok := cp.ids[r]; !ok {
						recursion = append(recursion, r)
					}
					path = append(path, "_:"+cp.issue(r)...)
				}
				if chosenPath != "" && len(path) >= len(chosenPath) && string(path) > chosenPath {
					return true, nil
				}
			}
			for _, r := range recursion {
				rh, ris, err := st.hashNDegree(r, cp)
				if err != nil {
					return false, err
				}
				path = append(path, "_:"+cp.issue(r)...)
				path = append(path, '<')
				path = append(path, rh...)
				path = append(path, '>')
				cp = ris
				if chosenPath != "" && len(path) >= len(chosenPath) && string(path) > chosenPath {
					return true, nil
				}
			}
			if chosenPath == "" || string(path) < chosenPath {
				chosenPath, chosenIssuer = string(path), cp
			}
			return true, nil
		})
		if err != nil {
			return "", nil, err
		}
		data = append(data, chosenPath...)
		is = chosenIssuer
	}
	return st.sum(data), is, nil
}

// permute calls f with every permutation of list (Heap's algorithm, on a
// copy), until f returns false or an error.
func permute(list []string, f func([]string) (bool, error)) error {
	a := slices.Clone(list)
	n := len(a)
	c := make([]int, n)
	if ok, err := f(a); !ok || err != nil {
		return err
	}
	for i := 0; i < n; {
		if c[i] < i {
			if i%2 == 0 {
				a[0], a[i] = a[i], a[0]
			} else {
				a[c[i]], a[i] = a[i], a[c[i]]
			}
			if ok, err := f(a); !ok || err != nil {
				return err
			}
			c[i]++
			i = 0
		} else {
			c[i] = 0
			i++
		}
	}
	return nil
}
