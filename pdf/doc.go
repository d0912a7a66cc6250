// Package pdf is the transcript as a PDF: rendered from the credential
// (A4, pure Go with fpdf, an embedded CJK-capable font subset into each
// file), with a QR code to the public verification page, the credential
// itself attached as credential.json, and a PAdES signature by the
// registry's document-signing certificate (digitorus/pdfsign). Check reads
// a PDF back: the signature, whether it covers the whole file, and the
// attached credential.
package pdf
