// Throughput of the reference (npm tiktoken 1.0.22, WASM build of OpenAI's Rust core) on the
// shared corpus, to put bench_tokenize's figures in context. Needs the npm package (see
// tiktoken_reference.mjs):  NODE_PATH=/tmp/tt/node_modules node tests/tools/bench_tiktoken.mjs ../shared/data/corpus
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(path.join(process.env.NODE_PATH || process.cwd(), 'x.js'));
const { get_encoding } = require('tiktoken');
const dir = process.argv[2] || '../shared/data/corpus';
const texts = [];
for (const sub of fs.readdirSync(dir).sort())
  for (const f of fs.readdirSync(path.join(dir, sub)).sort()) texts.push(fs.readFileSync(path.join(dir, sub, f), 'utf8'));
const mb = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6;
for (const name of ['o200k_base', 'cl100k_base']) {
  const t0 = process.hrtime.bigint();
  const enc = get_encoding(name);
  const load = Number(process.hrtime.bigint() - t0) / 1e6;
  let best = Infinity, bestCpu = Infinity, tokens = 0;
  for (let r = 0; r < 3; ++r) {
    const w0 = process.hrtime.bigint(), c0 = process.cpuUsage();
    tokens = 0;
    for (const t of texts) tokens += enc.encode_ordinary(t).length;
    const c = process.cpuUsage(c0);
    best = Math.min(best, Number(process.hrtime.bigint() - w0) / 1e9);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1e6);
  }
  console.log(`${name}: load ${load.toFixed(1)} ms, ${(mb / best).toFixed(1)} MB/s wall, ${(mb / bestCpu).toFixed(1)} MB/s per CPU-second, ${tokens} tokens`);
  enc.free();
}
