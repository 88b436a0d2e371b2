/**
 * Several processes share one cache directory (parallel Nx tasks do). Each
 * child runs the real store module, transpiled to CommonJS, and writes and
 * reads the same keys at the same time; every value read must be whole and
 * its metadata must belong to the same write.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from './store';

const ROOT = resolve(__dirname, '..', '..');
const CHILDREN = 6;
const KEYS = 5;

/** Each value carries the sha256 of its body, so a torn or mixed write is visible to any reader. */
const CHILD = `
const { createHash } = require('node:crypto');
const { openStore } = require(process.argv[2]);
const dir = process.argv[3];
const id = Number(process.argv[4]);
const store = openStore(dir);
const payload = (key, writer) => {
  const body = Buffer.from(key + ':' + writer + ':' + 'x'.repeat(20000 + writer * 997));
  return Buffer.concat([createHash('sha256').update(body).digest(), body]);
};
const check = (key, hit) => {
  const body = hit.data.subarray(32);
  if (!createHash('sha256').update(body).digest().equals(hit.data.subarray(0, 32))) throw new Error('torn value under ' + key);
  const [k, writer] = body.toString().split(':');
  if (k !== key) throw new Error('value of ' + k + ' under ' + key);
  if (hit.metadata.writer !== writer) throw new Error('metadata of writer ' + hit.metadata.writer + ' with the value of ' + writer);
};
(async () => {
  let hits = 0;
  for (let i = 0; i < 40; i++) {
    const key = 'k' + ((i * 7 + id) % ${KEYS});
    await store.put(key, payload(key, id), { writer: String(id) });
    const other = 'k' + ((i + id * 3) % ${KEYS});
    const hit = await store.get(other);
    if (hit) { check(other, hit); hits++; }
  }
  process.stdout.write(String(hits));
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'apko-store-conc-'));
  // The store and the engine modules it imports, at the same relative paths.
  for (const file of ['store/store.ts', 'store/keys.ts', 'digest.ts', 'redact.ts', 'fs/fault.ts', 'errors.ts']) {
    const source = await readFile(join(__dirname, '..', file), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    await mkdir(join(work, 'engine', file, '..'), { recursive: true });
    await writeFile(join(work, 'engine', file.replace(/\.ts$/, '.js')), outputText);
  }
  await writeFile(join(work, 'child.js'), CHILD);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function runChild(dir: string, id: number): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(work, 'child.js'), join(work, 'engine', 'store', 'store.js'), dir, String(id)], {
      env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => done({ code, out, err }));
  });
}

describe('the store shared by several processes', () => {
  it('never returns a torn or mismatched value while processes write and read the same keys', async () => {
    const dir = join(work, 'cache');
    const results = await Promise.all(Array.from({ length: CHILDREN }, (_, id) => runChild(dir, id)));
    for (const r of results) expect(r, r.err).toMatchObject({ code: 0 });
    expect(results.reduce((n, r) => n + Number(r.out), 0)).toBeGreaterThan(0);

    const store = openStore(dir, { onCorrupt: (key) => expect.fail(`corrupt entry ${key}`) });
    for (let k = 0; k < KEYS; k++) {
      const hit = await store.get(`k${k}`);
      expect(hit).toBeDefined();
      const body = hit!.data.subarray(32);
      expect(createHash('sha256').update(body).digest().equals(hit!.data.subarray(0, 32))).toBe(true);
      expect(body.toString().split(':').slice(0, 2)).toEqual([`k${k}`, hit!.metadata.writer]);
    }
  });
});
