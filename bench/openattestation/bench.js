// OpenAttestation v2 wrapping (salting and hashing every field, then a
// Merkle tree over the batch) of transcript-like documents: the peer named
// in issue 8. Usage: node bench.js COURSES BATCH ROUNDS
const { wrapDocuments } = require('@govtechsg/open-attestation');
const [courses, batch, rounds] = process.argv.slice(2).map(Number);
function doc(i) {
  const terms = [];
  for (let c = 0; c < courses; c++) {
    if (c % 5 === 0) terms.push({ term: `${2020 + Math.floor(c / 15)} term ${c / 5}`, courses: [] });
    terms[terms.length - 1].courses.push({ code: `COMP${1000 + c}`, title: `Course number ${c}`, credits: String(1 + (c % 4)), grade: 'A-', gradePoints: '3.7' });
  }
  return {
    $template: { name: 'TRANSCRIPT', type: 'EMBEDDED_RENDERER', url: 'https://renderer.example.edu' },
    issuers: [{ name: 'Test University', documentStore: '0x9178F546D3FF57D7A6352bD61B80cCCD46199C2d',
      identityProof: { type: 'DNS-TXT', location: 'registry.example.edu' } }],
    recipient: { name: `STUDENT ${i}`, studentId: `2${String(i).padStart(7, '0')}` },
    program: { code: 'BSC-COSC', name: 'Bachelor of Science in Computer Science', level: 'undergraduate' },
    terms, cga: '3.524', creditsEarned: '120',
  };
}
const docs = Array.from({ length: batch }, (_, i) => doc(i));
wrapDocuments(docs.slice(0, 10)); // warm
const times = [];
for (let r = 0; r < rounds; r++) {
  const t = process.hrtime.bigint();
  wrapDocuments(docs);
  times.push(Number(process.hrtime.bigint() - t) / 1e6 / batch);
}
console.log(`OpenAttestation ${require('@govtechsg/open-attestation/package.json').version} wrapDocuments, ${courses} courses, batch ${batch}: ms per document ${times.map(x => x.toFixed(3)).join(' ')}`);
