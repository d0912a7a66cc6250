// Package interop proves interoperability with the official Blockcerts
// verifier (@blockcerts/cert-verifier-js, npm): its tests, behind the build
// tag "interop", run our credentials and tampered copies through it with
// Node (npm ci in this directory first; .ci/run does it).
package interop
