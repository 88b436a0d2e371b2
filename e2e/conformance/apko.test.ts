/**
 * apko-nx against the real apko (the version pinned in tools.json): the same
 * signed local repository and the same apko.yaml, built offline by both with
 * the same SOURCE_DATE_EPOCH, must give the same packages, layers (entries,
 * header fields, stored header blocks, diff_ids), /etc files and installed
 * database, image config, manifest, index and lock file, except for the
 * differences documented in docs/apko-differences.md. A failure lists each
 * field that differs with apko's value and ours.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../engine/apk/keys';
import { writeLocalRepository } from '../../engine/example/local-repository';
import { ROOT } from '../support/env';
import { classify, expectedKnown, KNOWN_DIFFERENCES } from './known-differences';
import { documentDifferences, formatDifference, layoutDifferences, lineDifferences, NAMED_FILES, type Category, type Difference } from './compare';
import { CASES, PACKAGES, REPOSITORY_ARCHS, SOURCE_DATE_EPOCH } from './inputs';
import { noticeIfMissing, needTool, referenceToolFor, type Prerequisite } from './prerequisites';
import { toolPins } from './reference-tools';
import { runCase, type SharedInputs } from './run-case';

const pin = toolPins().apko;
let prerequisite: Prerequisite | undefined;
let work: string;
let inputs: SharedInputs;

beforeAll(async () => {
  prerequisite = await referenceToolFor('apko');
  noticeIfMissing(prerequisite, 'apko');
  if ('missing' in prerequisite) return;
  work = mkdtempSync(join(tmpdir(), 'apko-conformance-'));
  const key = generateKeyPair('conformance', 2048);
  const keyFile = join(work, key.publicKeyName);
  writeFileSync(keyFile, key.publicKeyPem);
  const repo = join(work, 'packages');
  await writeLocalRepository(repo, { key, archs: REPOSITORY_ARCHS, packages: PACKAGES, sourceDateEpoch: Number(SOURCE_DATE_EPOCH) });
  inputs = { repo, keyFile };
}, 30 * 60_000); // a first run builds apko from source; .ci/run does that before the tests

/** Asserts no unexplained difference of `categories`; the failure lists each one. */
function expectNone(diffs: readonly Difference[], categories: readonly Category[]): void {
  const unexpected = classify(diffs).unexpected.filter((d) => categories.includes(d.category));
  expect(unexpected.map(formatDifference)).toEqual([]);
}

describe.each(CASES)(`apko-nx against apko ${pin.version}: $name`, (c) => {
  let diffs: Difference[] = [];
  let apkoFiles = new Set<string>();

  beforeAll(async () => {
    if (!prerequisite || !('tool' in prerequisite)) return;
    const r = await runCase(c, join(work, c.name.replace(/[^a-z0-9]+/gi, '-')), inputs, prerequisite.tool.path);
    diffs = [
      ...layoutDifferences(r.apko.layout, r.ours.layout),
      ...lineDifferences('packages', 'show-packages', r.apko.packages, r.ours.packages),
      ...documentDifferences('lock', 'lock file', r.apko.lock, r.ours.lock),
    ];
    apkoFiles = new Set(r.apko.layout.images.flatMap((i) => i.layers.flatMap((l) => l.entries.map((e) => e.name))));
  }, 180_000);

  it('resolves the same packages (show-packages)', (ctx) => {
    needTool(prerequisite, ctx);
    expectNone(diffs, ['packages']);
  });

  it('writes the same layer entries, tar headers and diff_ids', (ctx) => {
    needTool(prerequisite, ctx);
    expectNone(diffs, ['layers']);
    const layerFacts = c.differences.length === 0 ? diffs.filter((d) => d.category === 'layers') : [];
    expect(layerFacts.map(formatDifference)).toEqual([]);
  });

  it('writes the same /etc/apko.json, installed database, world and other /etc files', (ctx) => {
    needTool(prerequisite, ctx);
    for (const f of ['etc/apko.json', 'usr/lib/apk/db/installed', 'etc/apk/world']) expect(apkoFiles.has(f), `apko wrote ${f}`).toBe(true);
    expect(NAMED_FILES.filter((f) => apkoFiles.has(f)).length).toBeGreaterThan(5);
    expectNone(diffs, ['files']);
  });

  it('writes the same image config, and manifests and index up to the compressed layer digests', (ctx) => {
    needTool(prerequisite, ctx);
    expectNone(diffs, ['config', 'index']);
  });

  it('writes the same lock file (apko lock)', (ctx) => {
    needTool(prerequisite, ctx);
    expectNone(diffs, ['lock']);
  });

  it(`differs from apko only as docs/apko-differences.md says: ${c.differences.join(', ') || 'nothing beyond every case'}`, (ctx) => {
    needTool(prerequisite, ctx);
    expect(classify(diffs).known).toEqual(expectedKnown(c.differences));
  });
});

describe('docs/apko-differences.md', () => {
  it('has one table row per known difference the suite accepts, and no other', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'apko-differences.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z0-9-]+)`/gm)].map((m) => m[1]);
    expect(rows).toEqual(KNOWN_DIFFERENCES.map((k) => k.id));
  });
});
