// Package verifier checks a Blockcerts v3 credential step by step and
// returns the outcome as data: one Check per step (format, integrity,
// merkle, anchor, issuer, validity_period, ...), each passed, failed,
// skipped or unknown, with a message in plain words. A failed check makes
// the credential "failed"; a check that could not be made (a network
// source down, a chain we cannot read) makes it "indeterminate", never
// "verified". ExitCode maps outcomes to the design's exit codes in one
// place.
//
// The verifier never fetches what a document tells it to beyond the issuer
// profile (through a Fetcher with a timeout, a size cap and an address
// policy), and never loads a JSON-LD context from the network.
package verifier
