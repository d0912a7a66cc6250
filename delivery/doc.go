// Package delivery takes a submitted batch from the store to the last
// mail: the job (queued, issuing, delivering, done) whose issuing is
// package issuer's, a delivery per recipient sent at least once through a
// mail.Sender, the mail's text, and the download links (tokens kept only
// as hashes) that open the graduate's files.
package delivery
