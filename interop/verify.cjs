// Runs the official Blockcerts verifier (@blockcerts/cert-verifier-js) on
// credential files and prints one JSON line per file:
//   {"file": ..., "status": "success"|"failure", "message": ..., "failed": [step codes]}
//
// usage: node verify.cjs [--doc URL=FILE]... [--proxy BASE=URL]... [--rpc URL] FILE...
//
// --doc answers a URL (issuer profile, revocation list) from a local file;
// --proxy sends every URL under BASE to the same path under URL (a running
// etranscript serve on loopback): the harness replaces the global fetch,
// and any other URL fails, so the verifier never reaches the network. --rpc reads Ethereum anchors through
// a JSON-RPC node (docs/credential.md §5).
'use strict';
console.log = console.warn = console.info = () => {};
const fs = require('fs');
const { Certificate } = require('@blockcerts/cert-verifier-js/dist/verifier-node/index.js');

const docs = {};
// The official verifier upgrades http to https; match URLs without scheme.
const noScheme = (u) => u.replace(/^https?:\/\//, '');
const files = [];
const proxies = [];
let rpc = null;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--doc') {
    const [url, ...rest] = argv[++i].split('=');
    docs[noScheme(url)] = rest.join('=');
  } else if (argv[i] === '--proxy') {
    const [base, ...rest] = argv[++i].split('=');
    proxies.push([noScheme(base).replace(/\/$/, ''), rest.join('=').replace(/\/$/, '')]);
  } else if (argv[i] === '--rpc') {
    rpc = argv[++i];
  } else {
    files.push(argv[i]);
  }
}

const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input.url;
  const base = noScheme(url.split('?')[0]);
  if (rpc && url.startsWith(rpc)) return realFetch(input, init);
  for (const [from, to] of proxies) {
    const u = noScheme(url);
    if (u === from || u.startsWith(from + '/') || u.startsWith(from + '?')) {
      return realFetch(to + u.slice(from.length), { headers: { accept: 'application/json' } });
    }
  }
  if (base in docs) {
    return new Response(fs.readFileSync(docs[base]), { status: 200, headers: { 'content-type': 'application/json' } });
  }
  return new Response('not served by the test harness: ' + url, { status: 404 });
};

async function rpcCall(method, params) {
  const r = await realFetch(rpc, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const j = await r.json();
  if (j.error) throw new Error(j.error.message);
  return j.result;
}

const explorerAPIs = rpc ? [{
  priority: 0,
  apiType: 'rpc',
  serviceURL: rpc,
  parsingFunction: async ({ transactionId }) => {
    const tx = await rpcCall('eth_getTransactionByHash', [transactionId.startsWith('0x') ? transactionId : '0x' + transactionId]);
    const block = await rpcCall('eth_getBlockByNumber', [tx.blockNumber, false]);
    return {
      remoteHash: tx.input.replace(/^0x/, ''),
      issuingAddress: tx.from,
      time: new Date(parseInt(block.timestamp, 16) * 1000),
      revokedAddresses: [],
    };
  },
}] : undefined;

(async () => {
  for (const file of files) {
    const out = { file };
    try {
      const cert = new Certificate(JSON.parse(fs.readFileSync(file, 'utf8')), explorerAPIs ? { explorerAPIs } : {});
      await cert.init();
      const failed = [];
      const r = await cert.verify(({ code, status, errorMessage }) => {
        if (status === 'failure') failed.push(code + (errorMessage ? ': ' + errorMessage : ''));
      });
      out.status = r.status;
      out.message = typeof r.message === 'string' ? r.message : JSON.stringify(r.message);
      out.failed = failed;
    } catch (e) {
      out.status = 'error';
      out.message = String(e && e.message || e);
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  }
})();
