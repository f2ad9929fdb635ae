// Differential fuzz: our tokenizer (tokenize_dump, built from tests/core/tokenize) against
// OpenAI's tiktoken (npm `tiktoken` 1.0.22) on random strings. Not part of CTest: it needs node
// and the npm package. Usage:
//   mkdir -p /tmp/tt && cd /tmp/tt && npm install tiktoken@1.0.22
//   NODE_PATH=/tmp/tt/node_modules node tests/tools/fuzz_tokenize.mjs \
//       build-tokenize/tests/core/tokenize/tokenize_dump [cases=5000] [seed=1]
// Exit code 0 = all ids identical; mismatches are printed (and saved to /tmp/fuzz_tokenize_fail.json).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asciiJson, referenceIds } from './tiktoken_reference.mjs';

const dump = process.argv[2];
const cases = Number(process.argv[3] || 5000);
let seed = Number(process.argv[4] || 1);
if (!dump) { console.error('usage: fuzz_tokenize.mjs <tokenize_dump> [cases] [seed]'); process.exit(2); }

// Deterministic PRNG (mulberry32) so failures reproduce from the seed.
function rnd() {
  seed |= 0; seed = (seed + 0x6D2B79F5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rnd() * a.length)];
const cp = (lo, hi) => String.fromCodePoint(lo + Math.floor(rnd() * (hi - lo + 1)));

const pools = [
  () => pick('abcdefghijklmnopqrstuvwxyz'), () => pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
  () => pick('0123456789'), () => pick(' '), () => pick('  \t'),
  () => pick(['\n', '\r', '\r\n', '\n\n']), () => pick(".,;:!?-_()[]{}<>\"'`~@#$%^&*+=|\\/"),
  () => pick(["'", "'s", "'S", "'ſ", "'t", "'re", "'RE", "'ve", "'m", "'ll", "'LL", "'d", "'x"]),
  () => pick(['\u00a0', '\u3000', '\u2028', '\u2029', '\u0085', '\u180e', '\ufeff', '\u200b', '\u2009', '\u1680', '\u000b', '\u000c', '\u202f']),
  () => pick(['\u0301', '\u0308', '\u0300', '\u093f', '\u0e31', '\u20dd', '\u200d', '\ufe0f']),
  () => cp(0x4e00, 0x9fff), () => cp(0x3040, 0x30ff), () => cp(0x0600, 0x06ff), () => cp(0x0400, 0x04ff),
  () => cp(0x0370, 0x03ff), () => cp(0x0900, 0x097f), () => cp(0xac00, 0xd7a3),
  () => cp(0x1f300, 0x1faff), () => pick(['👨‍👩‍👧‍👦', '🏳️‍🌈', '👍🏽', '🇺🇸', '❤️']),
  () => pick(['ǅ', 'ǈ', 'ᾈ', 'ʰ', 'ˆ', 'ª', 'ſ', 'K', 'Å', 'ß', 'ẞ', 'İ', 'ı', 'ﬁ', 'µ', 'Ⅻ', 'ⅶ', '²', '½', '٣', '४', '𝟘', '①', '〇']),
  () => pick(['<|endoftext|>', '<|endofprompt|>', '<|fim_prefix|>']),
  () => { let c; do { c = Math.floor(rnd() * 0x110000); } while (c >= 0xd800 && c < 0xe000); return String.fromCodePoint(c); },
  () => cp(0x10000, 0x3ffff),
  () => String.fromCharCode(0xd800 + Math.floor(rnd() * 0x800)),   // lone surrogate
  () => pick(['1', '22', '333', '4444', '55555']) + pick(['', ',', '.', ' ']),
  () => pick(['http://x.org/a/b', '//', '/', '\\', 'C:\\Users', '--', '...', '—', '…', '“', '”', '’']),
];

// Long single pre-tokens (> 96 bytes) take the heap-based merge path.
function longWord() {
  const n = 97 + Math.floor(rnd() * 3000);
  const alphabet = pick([() => pick('abcdefghijklmnopqrstuvwxyz'), () => pick('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'),
    () => cp(0x4e00, 0x9fff), () => cp(0x0600, 0x064a), () => pick('aaaaaaab'), () => pick('ab'), () => cp(0x0430, 0x044f)]);
  let s = pick(['', ' ', '\'']);
  for (let i = 0; i < n; ++i) s += alphabet();
  return s;
}

function randomString() {
  if (rnd() < 0.05) return longWord();
  const n = 1 + Math.floor(rnd() * (rnd() < 0.1 ? 300 : 40));
  // Bias each string toward a few pools so runs (words, spaces, digits) actually form.
  const local = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(pools));
  let s = '';
  for (let i = 0; i < n; ++i) s += (rnd() < 0.8 ? pick(local) : pick(pools))();
  return s;
}

const strings = Array.from({ length: cases }, randomString);
const tmp = path.join(os.tmpdir(), `fuzz_tokenize_${process.pid}.json`);
fs.writeFileSync(tmp, asciiJson(strings));
const ours = JSON.parse(execFileSync(dump, [tmp], { maxBuffer: 1 << 30, env: { ...process.env, QT_LOGGING_RULES: '*.info=false' } }).toString());
const ref = referenceIds(strings);
fs.unlinkSync(tmp);

let bad = 0; const fails = [];
for (const enc of ['o200k_base', 'cl100k_base']) {
  strings.forEach((s, i) => {
    const a = ref[enc][i], b = ours[enc][i];
    if (a.length !== b.length || a.some((x, k) => x !== b[k])) {
      ++bad;
      if (fails.length < 20) { fails.push({ enc, s, ref: a, ours: b }); console.log(enc, JSON.stringify(s), '\n  ref ', a.join(','), '\n  ours', b.join(',')); }
    }
  });
}
if (fails.length) fs.writeFileSync('/tmp/fuzz_tokenize_fail.json', JSON.stringify(fails, null, 1));
console.log(`${cases} strings x 2 encodings: ${2 * cases - bad} identical, ${bad} different`);
process.exit(bad ? 1 : 0);
