/**
 * Key discovery against the real apko: a repository served on 127.0.0.1 whose
 * index is signed by a key no keyring names, published through the
 * repository's apk-configuration key set. Both tools must find the key, give
 * the same layers (the key under /etc/apk/keys) and lock it the same way.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../engine/apk/keys';
import { writeLocalRepository } from '../../engine/example/local-repository';
import { jwkOf } from '../../engine/repo/testdata/discovery-site';
import { startServer, type TestServer } from '../../engine/repo/testdata/server';
import { documentDifferences, formatDifference, layoutDifferences, type Difference } from './compare';
import { classify } from './known-differences';
import { PACKAGES, SOURCE_DATE_EPOCH } from './inputs';
import { readLayoutView } from './layout-view';
import { noticeIfMissing, needTool, referenceToolFor, type Prerequisite } from './prerequisites';
import { apko, apkoNx } from './run-case';

let prerequisite: Prerequisite | undefined;
let dir: string;
let server: TestServer | undefined;
let diffs: Difference[] = [];
let locks: { apko: { contents: { keyring: unknown[] } }; ours: unknown } | undefined;

beforeAll(async () => {
  prerequisite = await referenceToolFor('apko');
  noticeIfMissing(prerequisite, 'apko key discovery');
  if ('missing' in prerequisite) return;
  dir = mkdtempSync(join(tmpdir(), 'apko-conformance-keys-'));
  const key = generateKeyPair('vendor-2024', 2048);
  await writeLocalRepository(join(dir, 'www', 'repo'), { key, archs: ['x86_64'], packages: PACKAGES.filter((p) => p.name === 'base'), sourceDateEpoch: Number(SOURCE_DATE_EPOCH) });
  server = await startServer(join(dir, 'www'));
  writeFileSync(join(dir, 'www', 'repo', 'apk-configuration'), JSON.stringify({ jwks_uri: `${server.origin}/jwks.json` }));
  writeFileSync(join(dir, 'www', 'jwks.json'), JSON.stringify({ keys: [jwkOf(key, key.name)] }));
  writeFileSync(join(dir, 'apko.yaml'), `contents:\n  repositories: [${server.origin}/repo]\n  packages: [base]\narchs: [x86_64]\n`);
  const tool = prerequisite.tool.path;
  const both = async (name: 'apko' | 'apko-nx') => {
    const out = join(dir, `${name}-layout`);
    mkdirSync(out);
    const args = (verb: string[]) => [...verb, '--arch', 'x86_64', '--cache-dir', join(dir, `${name}-cache`)];
    const exec = (a: string[]) => (name === 'apko' ? apko(tool, a, dir) : apkoNx(a, dir));
    await exec(args(['build', 'apko.yaml', 'keys/image:1', out, '--sbom=false', '--vcs=false']));
    await exec(args(['lock', 'apko.yaml', '--output', join(dir, `${name}.lock.json`)]));
    return { layout: readLayoutView(out), lock: JSON.parse(readFileSync(join(dir, `${name}.lock.json`), 'utf8')) };
  };
  const [a, ours] = await Promise.all([both('apko'), both('apko-nx')]);
  diffs = [...layoutDifferences(a.layout, ours.layout), ...documentDifferences('lock', 'lock file', a.lock, ours.lock)];
  locks = { apko: a.lock, ours: ours.lock };
}, 180_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('key discovery against apko', () => {
  it('writes the same layers, the discovered key under /etc/apk/keys included, and the same lock file', (ctx) => {
    needTool(prerequisite, ctx);
    expect(classify(diffs).unexpected.map(formatDifference)).toEqual([]);
    expect(locks!.apko.contents.keyring).toHaveLength(1);
  });
});
