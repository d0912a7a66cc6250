package pdf

import (
	"bytes"
	"fmt"
	"regexp"
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
	m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`).FindSubmatch(doc)
	if m == nil {
		return nil, fmt.Errorf("no startxref")
	}
	prev, _ := strconv.Atoi(string(m[1]))
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

// dictOf returns the dictionary of object id as written ("<< ... >>"):
// fpdf writes the catalog and file specifications uncompressed.
func dictOf(doc []byte, id uint32) ([]byte, error) {
	re := regexp.MustCompile(`(?s)(?:^|[\r\n])` + strconv.Itoa(int(id)) + ` 0 obj\s*(<<.*?>>)\s*endobj`)
	all := re.FindAllSubmatch(doc, -1)
	if len(all) == 0 {
		return nil, fmt.Errorf("object %d not found", id)
	}
	d := bytes.TrimSpace(all[len(all)-1][1])
	if !bytes.HasSuffix(d, []byte(">>")) {
		return nil, fmt.Errorf("object %d: not a dictionary", id)
	}
	return d, nil
}
