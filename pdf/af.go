package pdf

import (
	"bytes"
	"fmt"
	"strconv"

	pdflib "github.com/digitorus/pdf"
)

// associate marks the attached credential as the document's associated
// file (ISO 32000-2 §14.13, as PDF/A-3 requires of embedded files): the
// catalog gets /AF [filespec] and the file specification
// /AFRelationship /Data. fpdf writes neither, so they are added as an
// incremental update, before the document is signed.
func associate(doc []byte) ([]byte, error) {
	rd, err := pdflib.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return nil, err
	}
	tr := rd.Trailer()
	root := tr.Key("Root").GetPtr().GetID()
	names := tr.Key("Root").Key("Names").Key("EmbeddedFiles").Key("Names")
	if names.Len() < 2 {
		return nil, fmt.Errorf("no attachment to associate")
	}
	spec := names.Index(1).GetPtr().GetID()
	if root == 0 || spec == 0 {
		return nil, fmt.Errorf("the catalog or the file specification is not an indirect object")
	}
	catalog, err := dictOf(doc, root)
	if err != nil {
		return nil, err
	}
	filespec, err := dictOf(doc, spec)
	if err != nil {
		return nil, err
	}
	prev, err := startxref(doc)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Write(doc)
	if doc[len(doc)-1] != '\n' {
		b.WriteByte('\n')
	}
	type entry struct{ id, off int }
	var xref []entry
	put := func(id uint32, dict []byte, extra string) {
		xref = append(xref, entry{int(id), b.Len()})
		fmt.Fprintf(&b, "%d 0 obj\n", id)
		b.Write(dict[:len(dict)-2])
		fmt.Fprintf(&b, " %s >>\nendobj\n", extra)
	}
	put(spec, filespec, "/AFRelationship /Data")
	put(root, catalog, fmt.Sprintf("/AF [%d 0 R]", spec))
	at := b.Len()
	b.WriteString("xref\n")
	for _, e := range xref {
		fmt.Fprintf(&b, "%d 1\n%010d 00000 n \n", e.id, e.off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R", tr.Key("Size").Int64(), root)
	if info := tr.Key("Info").GetPtr().GetID(); info != 0 {
		fmt.Fprintf(&b, " /Info %d 0 R", info)
	}
	fmt.Fprintf(&b, " /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", prev, at)
	return b.Bytes(), nil
}

// startxref is the offset the document's last "startxref" gives, which
// must end it ("startxref N %%EOF").
func startxref(doc []byte) (int, error) {
	i := bytes.LastIndex(doc, []byte("startxref"))
	if i < 0 {
		return 0, fmt.Errorf("no startxref")
	}
	f := bytes.Fields(doc[i+len("startxref"):])
	if len(f) != 2 || string(f[1]) != "%%EOF" {
		return 0, fmt.Errorf("no startxref at the end")
	}
	n, err := strconv.Atoi(string(f[0]))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("startxref %q: not an offset", f[0])
	}
	return n, nil
}

// dictOf returns the dictionary of object id as written ("<< ... >>"),
// its last definition: fpdf writes the catalog and file specifications
// uncompressed, each "ID 0 obj" at the start of a line, its dictionary
// ending at the first ">>" that "endobj" follows.
func dictOf(doc []byte, id uint32) ([]byte, error) {
	head := []byte(strconv.Itoa(int(id)) + " 0 obj")
	for end := len(doc); end > 0; {
		i := bytes.LastIndex(doc[:end], head)
		if i < 0 {
			break
		}
		end = i
		if i > 0 && doc[i-1] != '\n' && doc[i-1] != '\r' {
			continue
		}
		if d := dictAt(doc[i+len(head):]); d != nil {
			return d, nil
		}
	}
	return nil, fmt.Errorf("object %d not found", id)
}

// dictAt is the dictionary that b starts with (after white space), up to
// the first ">>" followed by "endobj"; nil if there is none.
func dictAt(b []byte) []byte {
	b = bytes.TrimLeft(b, pdfSpace)
	if !bytes.HasPrefix(b, []byte("<<")) {
		return nil
	}
	for from := 0; ; {
		j := bytes.Index(b[from:], []byte("endobj"))
		if j < 0 {
			return nil
		}
		if d := bytes.TrimRight(b[:from+j], pdfSpace); len(d) >= 4 && bytes.HasSuffix(d, []byte(">>")) {
			return d
		}
		from += j + len("endobj")
	}
}

// pdfSpace is PDF's white space (ISO 32000-2 §7.2.3).
const pdfSpace = "\x00\t\n\f\r "
