// Reference token ids from OpenAI's tiktoken (npm `tiktoken` 1.0.22, the WASM build of the Rust
// core). Needs node and the package installed OUTSIDE the repository, e.g.
//   mkdir -p /tmp/tt && cd /tmp/tt && npm install tiktoken@1.0.22
//   NODE_PATH=/tmp/tt/node_modules node tests/tools/tiktoken_reference.mjs strings.json > ids.json
// Input: a JSON array of strings. Output: {"o200k_base": [[ids]...], "cl100k_base": [[ids]...]}.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(path.join(process.env.NODE_PATH || process.cwd(), 'x.js'));
const { get_encoding } = require('tiktoken');

export function referenceIds(strings) {
  const out = {};
  for (const name of ['o200k_base', 'cl100k_base']) {
    const enc = get_encoding(name);
    out[name] = strings.map((s) => Array.from(enc.encode_ordinary(s)));
    enc.free();
  }
  return out;
}

/// JSON with every non-ASCII UTF-16 unit escaped: Qt's JSON parser drops a raw leading BOM
/// inside strings (QString::fromUtf8 semantics) but keeps an escaped \ufeff.
export function asciiJson(value, indent) {
  return JSON.stringify(value, null, indent).replace(/[\u007f-\uffff]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const strings = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  process.stdout.write(JSON.stringify(referenceIds(strings)));
}
