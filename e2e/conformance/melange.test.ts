/**
 * `apko-nx melange index` against the real `melange index` (the version
 * pinned in tools.json): the same .apk files (made by the project's own
 * package writer) and the same signing key must give the same signature entry
 * and the same index member (entry headers, APKINDEX text, DESCRIPTION), and
 * both indexes must verify with the public key, except for the differences
 * documented in docs/apko-differences.md.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { readApkIndex } from '../../engine/apk/index-read';
import { generateKeyPair } from '../../engine/apk/keys';
import { writeLocalRepository } from '../../engine/example/local-repository';
import { cleanEnv, runCli } from '../support/cli';
import { apkIndexDifferences, formatDifference, type Difference } from './compare';
import { PACKAGES } from './inputs';
import { classify } from './known-differences';
import { noticeIfMissing, needTool, referenceToolFor, type Prerequisite } from './prerequisites';
import { toolPins } from './reference-tools';

const run = promisify(execFile);
const pin = toolPins().melange;
const KEY_NAME = 'conformance';

let prerequisite: Prerequisite | undefined;
let theirs: Buffer;
let ours: Buffer;
let publicKey: string;
let diffs: Difference[] = [];

beforeAll(async () => {
  prerequisite = await referenceToolFor('melange');
  noticeIfMissing(prerequisite, 'melange');
  if (!('tool' in prerequisite)) return;
  const melange = prerequisite.tool;
  const dir = mkdtempSync(join(tmpdir(), 'melange-conformance-'));
  const key = generateKeyPair(KEY_NAME, 2048);
  writeFileSync(join(dir, `${KEY_NAME}.rsa`), key.privateKeyPem);
  writeFileSync(join(dir, `${KEY_NAME}.rsa.pub`), key.publicKeyPem);
  publicKey = key.publicKeyPem;
  await writeLocalRepository(join(dir, 'packages'), { key, archs: ['x86_64'], packages: PACKAGES });
  const apks = readdirSync(join(dir, 'packages', 'x86_64')).filter((f) => f.endsWith('.apk')).map((f) => join('packages', 'x86_64', f));
  const args = (out: string) => ['index', '-o', out, '--signing-key', `${KEY_NAME}.rsa`, ...apks];
  await run(melange.path, args('melange.APKINDEX.tar.gz'), { cwd: dir, env: cleanEnv() });
  const r = runCli(['melange', ...args('apko-nx.APKINDEX.tar.gz')], { cwd: dir });
  if (r.code !== 0) throw new Error(`apko-nx melange index failed: ${r.stderr}`);
  theirs = readFileSync(join(dir, 'melange.APKINDEX.tar.gz'));
  ours = readFileSync(join(dir, 'apko-nx.APKINDEX.tar.gz'));
  diffs = apkIndexDifferences(theirs, ours);
}, 30 * 60_000); // a first run builds melange from source; .ci/run does that before the tests

describe(`apko-nx melange index against melange ${pin.version}`, () => {
  it('writes a signature both can verify with the same public key', (ctx) => {
    needTool(prerequisite, ctx);
    const keyring = new Map([[`${KEY_NAME}.rsa.pub`, publicKey]]);
    expect(readApkIndex(theirs, { keyring }).signedBy).toBe(`${KEY_NAME}.rsa.pub`);
    expect(readApkIndex(ours, { keyring }).signedBy).toBe(`${KEY_NAME}.rsa.pub`);
    expect(readApkIndex(ours, { keyring }).entries).toEqual(readApkIndex(theirs, { keyring }).entries);
  });

  it('writes the same signature entry and index member, apart from the documented differences', (ctx) => {
    needTool(prerequisite, ctx);
    expect(classify(diffs).unexpected.map(formatDifference)).toEqual([]);
  });

  it('does not differ from melange at all (no documented difference applies to an index)', (ctx) => {
    needTool(prerequisite, ctx);
    expect(classify(diffs).known).toEqual([]);
  });
});
