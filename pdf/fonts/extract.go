//go:build ignore

// Command extract writes one face of a TrueType collection (.ttc) as a
// standalone TrueType font (.ttf), which fpdf can read:
//
//	go run fonts/extract.go /usr/share/fonts/truetype/wqy/wqy-microhei.ttc 0 fonts/wqy-microhei.ttf
//
// A face's table directory in a collection points at offsets in the whole
// file; the output copies the face's tables and rewrites those offsets
// (OpenType spec, "Font Collections" and "Organization of an OpenType
// Font").
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"sort"
	"strconv"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: extract FONT.ttc FACE OUT.ttf")
		os.Exit(2)
	}
	in, err := os.ReadFile(os.Args[1])
	check(err)
	face, err := strconv.Atoi(os.Args[2])
	check(err)
	be := binary.BigEndian
	if string(in[:4]) != "ttcf" {
		check(fmt.Errorf("%s: not a TrueType collection", os.Args[1]))
	}
	n := int(be.Uint32(in[8:]))
	if face < 0 || face >= n {
		check(fmt.Errorf("face %d: the collection has %d", face, n))
	}
	off := int(be.Uint32(in[12+4*face:]))
	numTables := int(be.Uint16(in[off+4:]))
	type table struct {
		tag                 [4]byte
		sum, offset, length uint32
	}
	tables := make([]table, numTables)
	for i := range tables {
		r := in[off+12+16*i:]
		copy(tables[i].tag[:], r[:4])
		tables[i].sum, tables[i].offset, tables[i].length = be.Uint32(r[4:]), be.Uint32(r[8:]), be.Uint32(r[12:])
	}
	sort.Slice(tables, func(i, j int) bool { return string(tables[i].tag[:]) < string(tables[j].tag[:]) })
	out := append([]byte(nil), in[off:off+12]...)
	dataStart := 12 + 16*numTables
	data := []byte{}
	for _, t := range tables {
		rec := make([]byte, 16)
		copy(rec, t.tag[:])
		be.PutUint32(rec[4:], t.sum)
		be.PutUint32(rec[8:], uint32(dataStart+len(data)))
		be.PutUint32(rec[12:], t.length)
		out = append(out, rec...)
		data = append(data, in[t.offset:t.offset+t.length]...)
		for len(data)%4 != 0 {
			data = append(data, 0)
		}
	}
	check(os.WriteFile(os.Args[3], append(out, data...), 0o644))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "extract:", err)
		os.Exit(1)
	}
}
