// Regenerates tests/data/tokenize/*.json: expected tiktoken results that tst_tokenizer checks.
// Reference: OpenAI's tiktoken as the npm package `tiktoken` 1.0.22 (installed outside the repo):
//   mkdir -p /tmp/tt && cd /tmp/tt && npm install tiktoken@1.0.22
//   NODE_PATH=/tmp/tt/node_modules node tests/tools/make_tokenize_expectations.mjs ../shared/data
// Writes cases.json (tricky inputs with ids), corpus.json (per-file count + id hash for every
// corpus file) and longword.json (parameters and reference values for the 1 MiB single-word test).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { asciiJson, referenceIds } from './tiktoken_reference.mjs';

const shared = process.argv[2] || '../shared/data';
const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, '..', 'data', 'tokenize');
fs.mkdirSync(outDir, { recursive: true });
const ENCS = ['o200k_base', 'cl100k_base'];

// FNV-1a (32 bit) over the ids as little-endian uint32: the same function is in tst_tokenizer.cpp.
export function fnv(ids) {
  let h = 0x811c9dc5;
  for (const id of ids) for (let k = 0; k < 4; ++k) { h ^= (id >>> (8 * k)) & 0xff; h = Math.imul(h, 0x01000193) >>> 0; }
  return h >>> 0;
}
const summary = (ids, keepIds) => (keepIds ? { count: ids.length, fnv: fnv(ids), ids } : { count: ids.length, fnv: fnv(ids) });

// ---- tricky cases -------------------------------------------------------------------------
const cases = [
  ['ascii sentence', 'Hello, World! It\'s a test of the tokenizer.'],
  ['empty', ''],
  ['single space', ' '],
  ['emoji', 'I love 🍕 and 🎉🎉🎉!'],
  ['zwj family', '👨‍👩‍👧‍👦 family 🏳️‍🌈 flag 👍🏽 skin'],
  ['flags', '🇺🇸🇫🇷🇯🇵'],
  ['cjk', '日本語のテキストを分割します。中文文本，한국어 텍스트'],
  ['arabic', 'مرحبا بالعالم، هذا نص عربي ١٢٣'],
  ['hebrew', 'שלום עולם'],
  ['devanagari', 'नमस्ते दुनिया किताब'],
  ['thai', 'สวัสดีครับ ภาษาไทย'],
  ['combining marks', 'e\u0301te\u0301 cafe\u0301 n\u0303 a\u0308\u0301 \u0301 x\u0301!'],
  ['mark after punctuation', '!\u0301 \u0301A \u0301\u0301\u0301 .\u20dd'],
  ['long space run', 'a' + ' '.repeat(1000) + 'b'],
  ['trailing spaces', 'end   '],
  ['leading spaces', '     start'],
  ['newline run', 'a' + '\n'.repeat(500) + 'b'],
  ['mixed whitespace', 'a \n \n\t\t \r\n  b\n  \n'],
  ['crlf', 'line one\r\nline two\r\n\r\nline four\r\n'],
  ['whitespace only with newlines', '  \n  \n  '],
  ['tab before word', '\tword\t\tword'],
  ['digit runs', '1 12 123 1234 12345 123456 1234567 3.14159 1,000,000 2024-01-31'],
  ['long digit run', '9'.repeat(1001)],
  ['other digits', '١٢٣٤٥ ४५६ ①②③ ²³ ½ Ⅻ 𝟘𝟙'],
  ['endoftext as text', '<|endoftext|>'],
  ['special tokens as text', 'a<|endoftext|>b<|endofprompt|><|fim_prefix|><|fim_middle|><|fim_suffix|>'],
  ['contractions', "I'm you're we've they'll she'd it's don't"],
  ['contractions upper', "I'M YOU'RE WE'VE THEY'LL SHE'D IT'S DON'T"],
  ['long s', "I'ſ  I'ſ it'ſ 'ſ"],
  ['kelvin and others', "'K 'Ｓ 'ß 'İ"],
  ['apostrophe start', "'sup 'll 're 'x '"],
  ['camelcase', 'CamelCaseWords HTTPServerError getHTTPResponseCode iPhone McDonald XMLHttpRequest'],
  ['titlecase digraph', 'ǅemal ǈubljana ǋ ᾈ'],
  ['modifier letters', 'ʰello ˆhat aʰb ʻokina'],
  ['mixed scripts', 'Apple苹果яблоко تفاحة'],
  ['u3000', 'a\u3000b\u3000\u3000c \u3000 d'],
  ['nbsp', 'a\u00a0b\u00a0\u00a0c 100\u00a0€'],
  ['other spaces', 'a\u2028b\u2029c\u0085d\u1680e\u2009f\u202fg\u205fh\u000bi\u000cj'],
  ['not spaces', 'a\ufeffb\u200bc\u180ed\u200de'],
  ['bom', '\ufeffHello'],
  ['bom only', '\ufeff'],
  ['lone surrogate', 'a\ud800b\udc00c'],
  ['urls and slashes', 'https://example.com/path/to/file.txt // comment /* c */ a/b//c\n//\n'],
  ['punctuation runs', '!!! ??? ... --- ___ *** $$$\n\n### @@@ ((( )))\r\n'],
  ['quotes', '“Quoted” ‘single’ «guillemets» „German“ — dash – en…'],
  ['code', 'for (int i = 0; i < n; ++i) {\n    sum += a[i] * b[i];\n}\n'],
  ['json', '{"care": {"score": 0.7, "evidence": "..."}, "fairness": null}'],
  ['base64', 'SGVsbG8gV29ybGQhIFRoaXMgaXMgYmFzZTY0Lw+/=='],
  ['unicode 16 letters', 'a\u1c89b \u1c8a \u{1e030}'],
  ['unicode 17 not letters', 'a\u{10940}b \u{323b0}c'],
  ['private use and unassigned', '\ue000\uf8ff\u{f0000} \u0378 \u{e0001}'],
  ['long word', 'pneumonoultramicroscopicsilicovolcanoconiosis'.repeat(30)],
  ['a run 1000', 'a'.repeat(1000)],
  ['random lowercase 4k', null],
];
// Deterministic pseudo-random lowercase letters (the LCG is repeated in tst_tokenizer.cpp).
export function lowercase(n, seed) {
  let x = seed >>> 0;
  let s = '';
  for (let i = 0; i < n; ++i) { x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff; s += String.fromCharCode(97 + ((x >>> 16) % 26)); }
  return s;
}
cases[cases.length - 1][1] = lowercase(4096, 7);

const texts = cases.map(([, t]) => t);
const ref = referenceIds(texts);
const caseOut = cases.map(([name, text], i) => {
  const o = { name, text };
  for (const e of ENCS) o[e] = summary(ref[e][i], ref[e][i].length <= 300);
  return o;
});
fs.writeFileSync(path.join(outDir, 'cases.json'), asciiJson({
  reference: 'npm tiktoken 1.0.22 encode_ordinary', fnv: 'FNV-1a 32 over ids as uint32 little-endian', cases: caseOut }, 1) + '\n');

// ---- corpus -------------------------------------------------------------------------------
const corpusDir = path.join(shared, 'corpus');
const files = [];
for (const sub of fs.readdirSync(corpusDir).sort()) {
  for (const f of fs.readdirSync(path.join(corpusDir, sub)).sort()) files.push(`${sub}/${f}`);
}
const corpusTexts = files.map((f) => {
  const buf = fs.readFileSync(path.join(corpusDir, f));
  const text = buf.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(buf)) throw new Error(`${f} is not valid UTF-8`);
  return { f, bytes: buf.length, text };
});
const cref = referenceIds(corpusTexts.map((c) => c.text));
const totals = { bytes: 0 };
for (const e of ENCS) totals[e] = 0;
const corpusOut = corpusTexts.map((c, i) => {
  const o = { path: c.f, bytes: c.bytes };
  totals.bytes += c.bytes;
  for (const e of ENCS) { o[e] = summary(cref[e][i], false); totals[e] += cref[e][i].length; }
  return o;
});
fs.writeFileSync(path.join(outDir, 'corpus.json'), JSON.stringify({
  reference: 'npm tiktoken 1.0.22 encode_ordinary over the raw UTF-8 of each file', totals, files: corpusOut }, null, 1) + '\n');

// ---- megabyte-long single word --------------------------------------------------------------
// The WASM reference is quadratic on one pre-token (100k letters: ~14 s; ~1 MB aborts), so the
// 1 MiB word is built from 32 blocks of (B + X): B = 32,766 pseudo-random lowercase letters,
// X = U+05D2 (Hebrew gimel, a letter in both patterns, so W stays one pre-token). No token of
// either vocabulary contains a lowercase ASCII letter followed by X's first byte or X's last byte
// followed by a lowercase letter (checked below), so no merge can cross a block boundary and
// BPE(W) = 32 x (BPE(B) + BPE(X)); BPE(B) is checked against the reference here.
const X = '\u05d2';
const xb = Buffer.from(X, 'utf8');
for (const e of ENCS) {
  for (const line of fs.readFileSync(path.join(shared, 'tokenizers', `${e}.tiktoken`), 'utf8').split('\n')) {
    if (!line) continue;
    const t = Buffer.from(line.split(' ')[0], 'base64');
    for (let k = 0; k + 1 < t.length; ++k) {
      const lowerThen = t[k] >= 97 && t[k] <= 122 && t[k + 1] === xb[0];
      const thenLower = t[k] === xb[xb.length - 1] && t[k + 1] >= 97 && t[k + 1] <= 122;
      if (lowerThen || thenLower) throw new Error(`separator assumption broken by a ${e} token`);
    }
  }
}
const B = lowercase(32766, 12345);
const lref = referenceIds([B, X, 'a'.repeat(8), 'a'.repeat(4096), 'a'.repeat(4097), 'a'.repeat(4099)]);
const long = { separator: 'U+05D2', blockLetters: 32766, blocks: 32, seed: 12345 };
for (const e of ENCS) {
  long[e] = {
    block: summary(lref[e][0], false), separatorIds: lref[e][1],
    a8: lref[e][2], a4096: summary(lref[e][3], false), a4097: summary(lref[e][4], false), a4099: summary(lref[e][5], false),
  };
}
fs.writeFileSync(path.join(outDir, 'longword.json'), JSON.stringify(long, null, 1) + '\n');
console.log(`cases: ${cases.length}, corpus files: ${files.length}, totals: ${JSON.stringify(totals)}`);
