/**
 * `apko-nx melange lint` against the real `melange lint` (the version pinned
 * in tools.json) on the packages melange's own linter tests use
 * (pkg/linter/testdata in its module source): with every linter asked for
 * as a warning, both must report the same linters with the same messages.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { LINTERS } from '../../engine/melange/lint/table';
import { BIN, cleanEnv } from '../support/cli';
import { needTool, noticeIfMissing, referenceToolFor, type Prerequisite } from './prerequisites';
import { toolPins } from './reference-tools';

const run = promisify(execFile);
const pin = toolPins().melange;
let prerequisite: Prerequisite | undefined;

/** melange's linter test packages, from the module source the reference binary is built from. */
function testdata(): string | undefined {
  const cache = process.env.GOMODCACHE || join(process.env.GOPATH || join(homedir(), 'go'), 'pkg', 'mod');
  const dir = join(cache, pin.module, `../melange@${pin.version}`, 'pkg', 'linter', 'testdata');
  return existsSync(dir) ? dir : undefined;
}

/** The `[linter] message` lines of a lint run's output, sorted. */
function findings(output: string): string[] {
  return output
    .split('\n')
    .map((l) => /\[([a-z/-]+)\] (.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `[${m[1]}] ${m[2]}`)
    .sort();
}

beforeAll(async () => {
  prerequisite = await referenceToolFor('melange');
  if ('tool' in prerequisite && testdata() === undefined) prerequisite = { missing: `melange ${pin.version}'s module source (pkg/linter/testdata) is not in the Go module cache` };
  noticeIfMissing(prerequisite, 'melange lint');
}, 30 * 60_000);

describe(`apko-nx melange lint against melange ${pin.version}`, () => {
  it("reports the same findings on melange's linter test packages", async (ctx) => {
    const melange = needTool(prerequisite, ctx);
    const dir = testdata()!;
    const apks = readdirSync(dir).filter((f) => f.endsWith('.apk')).sort().map((f) => join(dir, f));
    const args = ['lint', '--lint-require=', `--lint-warn=${[...LINTERS.keys()].join(',')}`, ...apks];
    const theirs = await run(melange.path, args, { env: cleanEnv() });
    const ours = await run(process.execPath, [BIN, 'melange', ...args], { env: cleanEnv() });
    const expected = findings(theirs.stderr + theirs.stdout);
    expect(expected.length).toBeGreaterThan(0);
    expect(findings(ours.stderr + ours.stdout)).toEqual(expected);
  });
});
