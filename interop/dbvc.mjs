// Verifies the eddsa-rdfc-2022 proof of credential files with Digital
// Bazaar's libraries (@digitalbazaar/vc, data-integrity,
// eddsa-rdfc-2022-cryptosuite): an implementation independent of ours and
// of the Blockcerts verifier. Prints one JSON line per file:
//   {"file": ..., "verified": true|false, "error": "..."}
//
// usage: node dbvc.mjs --profile URL=FILE FILE...
//
// Its document loader answers only the JSON-LD contexts we embed
// (../credential/ldcontext/contexts) and the issuer profile given, so nothing is
// fetched: the verification method is the profile's entry, and the
// profile is its controller document.
import fs from 'node:fs';
import path from 'node:path';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const ctxDir = new URL('../credential/ldcontext/contexts/', import.meta.url).pathname;
const contexts = {};
for (const e of JSON.parse(fs.readFileSync(path.join(ctxDir, 'manifest.json'), 'utf8'))) {
  contexts[e.url] = JSON.parse(fs.readFileSync(path.join(ctxDir, e.file), 'utf8'));
}
let profileURL = null;
let profile = null;
const files = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--profile') {
    const [u, ...f] = argv[++i].split('=');
    profileURL = u;
    profile = JSON.parse(fs.readFileSync(f.join('='), 'utf8'));
  } else {
    files.push(argv[i]);
  }
}

const MULTIKEY = 'https://w3id.org/security/multikey/v1';
async function documentLoader(url) {
  if (contexts[url]) {
    return {contextUrl: null, documentUrl: url, document: contexts[url]};
  }
  const [base, frag] = url.split('#');
  if (profile && base === profileURL) {
    if (!frag) {
      return {contextUrl: null, documentUrl: url, document: profile};
    }
    const vm = (profile.verificationMethod || []).find(m => m.id === url);
    if (vm) {
      // As a resolver returns a verification method: with its context.
      const {publicKeyJwk, created, ...rest} = vm;
      return {contextUrl: null, documentUrl: url, document: {'@context': MULTIKEY, ...rest}};
    }
  }
  throw new Error('not served by the test harness: ' + url);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
for (const file of files) {
  const out = {file};
  try {
    const credential = JSON.parse(fs.readFileSync(file, 'utf8'));
    const r = await vc.verifyCredential({
      credential, suite, documentLoader,
      // Status is the Blockcerts verifier's business here.
      checkStatus: async () => ({verified: true}),
    });
    out.verified = r.verified;
    if (!r.verified) {
      const errs = [r.error, ...(r.results || []).map(x => x.error)].filter(Boolean);
      out.error = errs.map(e => (e.errors || [e]).map(x => x.message + (x.details ? ' ' + JSON.stringify(x.details).slice(0, 300) : '')).join('; ')).join('; ');
    }
  } catch (e) {
    out.verified = false;
    out.error = String(e && e.message || e);
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}
