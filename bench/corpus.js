/**
 * Generates the build benchmark's corpora: a signed local repository of
 * `packages` packages holding about `totalBytes` of files, written with the
 * project's own writers (dist/), with no network.
 *
 * Each package is a third text (generated words and config-like lines), a
 * third ELF binaries and shared libraries copied from this machine
 * (/usr/bin and /usr/lib/x86_64-linux-gnu, taken in sorted path order) and a
 * third already-compressed data (AES-CTR keystream: random-looking bytes that
 * deflate cannot shrink). Everything but the copied ELF files comes from
 * fixed seeds and a fixed build date, so one machine makes the same bytes
 * every time. `variant: 1` bumps one package (the middle one: same name,
 * version -r1, other text and data) so an incremental rebuild can be measured
 * against variant 0.
 *
 * The signing key is made once and kept in the cache root (`keys/`), so the
 * variants sign with one key and every unchanged package is byte-identical
 * between them. A finished corpus is stamped (`corpus.json`, with the
 * parameters, the generator version and a digest of the ELF files' paths and
 * sizes); a stamped corpus with the same parameters is reused, not rebuilt.
 *
 * Packages are written one at a time (each with writeLocalRepository, which
 * also writes a one-entry index that the final index replaces), so memory
 * holds one package, not the corpus.
 */
'use strict';
const { createCipheriv, createHash } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, openSync, readSync, closeSync, copyFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { basename, join } = require('node:path');
const { requireDist } = require('./support');

const GENERATOR_VERSION = 2;
const BUILD_DATE = 1700000500;
const KEY_NAME = 'key';
const ELF_DIRS = ['/usr/bin', '/usr/lib/x86_64-linux-gnu'];
/** Larger ELF files are skipped so that one file does not blow a package's budget. */
const MAX_ELF_FILE = 8 * 1024 * 1024;
const MIN_ELF_FILE = 4 * 1024;

/** Where corpora live: $APKO_NX_BENCH_CACHE, else ~/.cache/apko-nx-bench. */
function cacheRoot() {
  return process.env.APKO_NX_BENCH_CACHE || join(homedir(), '.cache', 'apko-nx-bench');
}

/** The cache directory name of a corpus: every parameter that changes its bytes. */
function corpusName({ totalBytes, packages, arch, variant }) {
  return `${arch}-${totalBytes}B-${packages}p-v${variant}-g${GENERATOR_VERSION}`;
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'tra', 'sen', 'dor', 'vel', 'qu', 'an', 'is', 'ex', 'ph', 'ron', 'tel', 'ma', 'gri', 'os', 'ul', 'bre', 'nix'];
const WORDS = (() => {
  const r = prng(7);
  const out = [];
  for (let i = 0; i < 2000; i++) {
    let w = '';
    const n = 1 + Math.floor(r() * 4);
    for (let j = 0; j < n; j++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
    out.push(w);
  }
  return out;
})();

/** About `bytes` of text: prose lines and `key = value` config lines, Zipf-ish word choice. */
function textBytes(bytes, seed) {
  const r = prng(seed);
  const word = () => WORDS[Math.floor(WORDS.length * r() * r())];
  const lines = [];
  let n = 0;
  while (n < bytes) {
    let line;
    const k = r();
    if (k < 0.4) {
      const parts = [];
      for (let i = 0, m = 4 + Math.floor(r() * 10); i < m; i++) parts.push(word());
      line = parts.join(' ') + '.';
    } else if (k < 0.8) {
      line = `${word()}_${word()} = ${r() < 0.5 ? Math.floor(r() * 65536) : `"/usr/share/${word()}/${word()}"`}`;
    } else if (k < 0.9) {
      line = `[${word()}.${word()}]`;
    } else {
      line = `# ${word()} ${word()} ${word()}`;
    }
    lines.push(line);
    n += line.length + 1;
  }
  return Buffer.from(lines.join('\n') + '\n').subarray(0, Math.max(0, bytes));
}

/** `bytes` of incompressible data from a seed (AES-128-CTR over zeros). */
function randomBytes(bytes, seed) {
  const key = createHash('sha256').update(`corpus-random-${seed}`).digest().subarray(0, 16);
  const c = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return Buffer.concat([c.update(Buffer.alloc(bytes)), c.final()]);
}

function isElf(path) {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 && b.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } finally {
    closeSync(fd);
  }
}

/** Regular, readable ELF files of the machine in sorted path order (symlinks skipped), with sizes. */
function elfFiles() {
  const out = [];
  for (const dir of ELF_DIRS) {
    let names;
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const p = join(dir, name);
      try {
        const st = statSync(p, { throwIfNoEntry: false });
        // lstat would skip symlinked names; stat plus a seen-inode check keeps each file once.
        if (!st || !st.isFile() || st.size < MIN_ELF_FILE || st.size > MAX_ELF_FILE) continue;
        if (out.some((f) => f.ino === st.ino && f.dev === st.dev)) continue;
        if (!isElf(p)) continue;
        out.push({ path: p, size: st.size, ino: st.ino, dev: st.dev });
      } catch {
        // unreadable: not part of the corpus
      }
    }
  }
  if (out.length === 0) throw new Error(`no ELF files found in ${ELF_DIRS.join(', ')}: the corpus needs binaries to copy`);
  return out;
}

/** The files of package `i` (seeded by i and, for the changed package, the variant). */
function packageFiles(name, i, perPackage, elves, cursor, contentSeed) {
  const files = [];
  let elfBytes = 0;
  const elfTarget = Math.floor(perPackage / 3);
  while (elfBytes < elfTarget) {
    // the next file in path order that fits what is left (plus 64 KiB), so packages keep their size
    let f;
    for (let k = 0; k < elves.length && !f; k++, cursor.at++) {
      const c = elves[cursor.at % elves.length];
      if (c.size <= elfTarget - elfBytes + 65536) f = c;
    }
    if (!f) break;
    files.push({ path: `usr/lib/${name}/${basename(f.path)}`, type: 'file', mode: 0o755, data: readFileSync(f.path) });
    elfBytes += f.size;
  }
  const rest = Math.max(0, perPackage - elfBytes);
  const r = prng(contentSeed);
  const split = (total, seedBase, make, dir, ext, mode) => {
    let left = Math.floor(total);
    let j = 0;
    while (left > 0) {
      // files of 4 KiB to 512 KiB, as text and data files of real packages are
      const size = Math.min(left, 4096 + Math.floor(r() * r() * 512 * 1024));
      files.push({ path: `${dir}/${name}/${ext}-${String(j).padStart(4, '0')}.${ext}`, type: 'file', mode, data: make(size, seedBase * 10000 + j) });
      left -= size;
      j++;
    }
  };
  split(rest / 2, contentSeed * 2, textBytes, 'usr/share', 'conf', 0o644);
  split(rest - Math.floor(rest / 2), contentSeed * 2 + 1, randomBytes, 'usr/share/data', 'bin', 0o644);
  return files;
}

/** The one signing key of every corpus, made on first use. */
function corpusKey() {
  const { generateKeyPair } = requireDist('engine', 'apk', 'keys.js');
  const dir = join(cacheRoot(), 'keys');
  const priv = join(dir, `${KEY_NAME}.rsa`);
  const pub = join(dir, `${KEY_NAME}.rsa.pub`);
  if (!existsSync(priv) || !existsSync(pub)) {
    mkdirSync(dir, { recursive: true });
    const k = generateKeyPair(KEY_NAME, 2048);
    writeFileSync(pub, k.publicKeyPem);
    writeFileSync(priv, k.privateKeyPem, { mode: 0o600 });
  }
  return { name: KEY_NAME, publicKeyName: `${KEY_NAME}.rsa.pub`, privateKeyPem: readFileSync(priv, 'utf8'), publicKeyPem: readFileSync(pub, 'utf8'), pub };
}

function packageName(i) {
  return `${WORDS[(i * 7919) % WORDS.length]}-${String(i).padStart(4, '0')}`;
}

function configText(repo, key, names, arch, extra = '') {
  return ['contents:', `  repositories: [${repo}]`, `  keyring: [${key}]`, '  packages:', ...names.map((n) => `    - ${n}`), `archs: [${arch}]`, extra].join('\n') + '\n';
}

/**
 * Writes (or reuses) a corpus in `dir` (default: the cache root's directory
 * for these parameters). Returns its paths, package names and which package
 * variant 1 changes.
 */
async function makeCorpus({ dir, totalBytes, packages, arch = 'x86_64', variant = 0 }) {
  if (!(totalBytes > 0) || !(packages > 0)) throw new Error('makeCorpus needs totalBytes > 0 and packages > 0');
  dir = dir ?? join(cacheRoot(), corpusName({ totalBytes, packages, arch, variant }));
  const elves = elfFiles();
  const elfDigest = createHash('sha256').update(elves.map((f) => `${f.path}\0${f.size}`).join('\n')).digest('hex');
  const params = { generator: GENERATOR_VERSION, totalBytes, packages, arch, variant, elfDigest };
  const stampPath = join(dir, 'corpus.json');
  const repo = join(dir, 'repo');
  const keyFile = join(dir, `${KEY_NAME}.rsa.pub`);
  const names = Array.from({ length: packages }, (_, i) => packageName(i));
  const changedIndex = Math.floor(packages / 2);
  const result = {
    dir,
    repo,
    key: keyFile,
    config: join(dir, 'apko.yaml'),
    budgetConfig: join(dir, 'apko-budget.yaml'),
    packages: names,
    changed: names[changedIndex],
  };
  if (existsSync(stampPath)) {
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
    if (JSON.stringify(stamp.params) === JSON.stringify(params)) return { ...result, uncompressedBytes: stamp.uncompressedBytes, compressedBytes: stamp.compressedBytes };
  }
  const { writeLocalRepository } = requireDist('engine', 'example', 'local-repository.js');
  const { readApkBytes, toIndexEntry } = requireDist('engine', 'apk', 'package-read.js');
  const { writeApkIndex } = requireDist('engine', 'apk', 'index-write.js');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  const key = corpusKey();
  copyFileSync(key.pub, keyFile);
  const perPackage = Math.floor(totalBytes / packages);
  const cursor = { at: 0 };
  const entries = [];
  let uncompressedBytes = 0;
  let compressedBytes = 0;
  const t0 = Date.now();
  for (let i = 0; i < packages; i++) {
    const changed = variant !== 0 && i === changedIndex;
    const files = packageFiles(names[i], i, perPackage, elves, cursor, changed ? 1000003 * variant + i : i + 1);
    uncompressedBytes += files.reduce((n, f) => n + f.data.length, 0);
    const spec = {
      name: names[i],
      version: changed ? `1.0.${i}-r${variant}` : `1.0.${i}-r0`,
      description: `benchmark package ${i}`,
      license: 'MIT',
      builddate: BUILD_DATE,
      files,
    };
    const [path] = await writeLocalRepository(repo, { key, archs: [arch], packages: [spec], sourceDateEpoch: BUILD_DATE });
    const bytes = readFileSync(path);
    compressedBytes += bytes.length;
    entries.push(toIndexEntry(readApkBytes(bytes, { subject: path })));
    if ((i + 1) % 25 === 0 || i + 1 === packages) {
      const s = ((Date.now() - t0) / 1000).toFixed(0);
      process.stderr.write(`corpus ${basename(dir)}: ${i + 1}/${packages} packages, ${(uncompressedBytes / 2 ** 20).toFixed(0)} MiB, ${s} s\n`);
    }
  }
  writeFileSync(join(repo, arch, 'APKINDEX.tar.gz'), writeApkIndex(entries, { signingKey: { privateKeyPem: key.privateKeyPem, keyName: key.publicKeyName }, description: 'benchmark corpus' }));
  writeFileSync(result.config, configText(repo, keyFile, names, arch));
  writeFileSync(result.budgetConfig, configText(repo, keyFile, names, arch, 'layering: { strategy: origin, budget: 10 }\n'));
  writeFileSync(stampPath, JSON.stringify({ params, uncompressedBytes, compressedBytes }, null, 2) + '\n');
  return { ...result, uncompressedBytes, compressedBytes };
}

module.exports = { makeCorpus, configText, cacheRoot, corpusName, GENERATOR_VERSION, BUILD_DATE };
