import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readApkBytes } from '../engine/apk/package-read';
import { hasTool } from './support/env';
import { runCliAsync } from './support/cli';

/**
 * `apko-nx melange build` with the flags melange users pass in scripts, as a
 * real process on the default runner (bubblewrap): each flag's effect on the
 * packages, the files beside them, or the failure it reports.
 */

const PACKAGE = `package:
  name: scripted
  version: 2.0.0
  epoch: 1
environment:
  environment:
    WINS: yaml
pipeline:
  - runs: |
      d=\${{targets.destdir}}/usr/share/s; mkdir -p $d
      echo "$FROM_FILE $WINS $SOURCE_DATE_EPOCH" > $d/env
      ls -A /home/build | tr '\\n' ' ' > $d/ls
      cat /var/cache/melange/seed > $d/seed 2>/dev/null || true
      [ -z "$SLEEP" ] || sleep "$SLEEP"
`;

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'melange-flags-cli-'));
  writeFileSync(join(dir, 'melange.yaml'), PACKAGE);
  writeFileSync(join(dir, 'src.txt'), 'source\n');
  writeFileSync(join(dir, 'build.env'), 'FROM_FILE=file\nWINS=file\n');
  return dir;
}

const data = (apk: string, name: string) => readApkBytes(readFileSync(apk), { subject: apk }).dataEntries.find((e) => e.name === name)?.data.toString();

describe.skipIf(!(hasTool('bwrap') && hasTool('busybox')))('apko-nx melange build script flags', () => {
  it('--env-file, --build-date, --empty-workspace, --cache-dir, --workspace-dir, --arch list, --create-build-log, --dependency-log, --license, --git-commit', async () => {
    const dir = project();
    const cache = join(dir, 'inputs');
    const ws = join(dir, 'ws');
    mkdirSync(cache);
    writeFileSync(join(cache, 'seed'), 'seeded\n');
    const r = await runCliAsync(
      ['melange', 'build', 'melange.yaml', '--arch', 'x86_64,amd64', '--env-file', 'build.env', '--build-date', '2024-05-01T12:00:00Z', '--empty-workspace', '--cache-dir', 'inputs', '--workspace-dir', 'ws',
        '--create-build-log', '--dependency-log', 'deps', '--license', 'MIT', '--git-commit', 'd'.repeat(40), '--git-repo-url', 'https://github.com/acme/scripts'],
      { cwd: dir },
    );
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    const apk = join(dir, 'packages', 'x86_64', 'scripted-2.0.0-r1.apk');
    expect(r.stdout.trim().split('\n')).toEqual([apk]);
    expect(data(apk, 'usr/share/s/env')).toBe('file yaml 1714564800\n');
    expect(data(apk, 'usr/share/s/ls')).toBe('melange-out ');
    expect(data(apk, 'usr/share/s/seed')).toBe('seeded\n');
    expect(existsSync(join(ws, 'x86_64'))).toBe(false);
    expect(readFileSync(join(dir, 'packages.log'), 'utf8')).toBe('x86_64|scripted|scripted|2.0.0-r1\n');
    expect(readFileSync(join(dir, 'deps.x86_64'), 'utf8')).toBe('{}\n');
    const sbom = JSON.parse(data(apk, 'var/lib/db/sbom/scripted-2.0.0-r1.spdx.json')!);
    expect(sbom.packages[1]).toMatchObject({ versionInfo: 'd'.repeat(40), licenseDeclared: 'MIT', externalRefs: [{ referenceLocator: `pkg:github/acme/scripts@${'d'.repeat(40)}#melange.yaml` }] });
  });

  it('--timeout fails the build naming the timeout; --rm=false keeps the workspace and says where', async () => {
    const dir = project();
    writeFileSync(join(dir, 'build.env'), 'SLEEP=30\n');
    const r = await runCliAsync(['melange', 'build', 'melange.yaml', '--arch', 'x86_64', '--timeout', '500ms', '--rm=false', '--workspace-dir', 'ws', '--env-file', 'build.env'], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('the x86_64 build exceeded its timeout of 500ms (--timeout)');
    expect(r.stderr).toContain(`the build environment has been preserved (--rm=false): workspace ${join(dir, 'ws', 'x86_64')}`);
    expect(readFileSync(join(dir, 'ws', 'x86_64', 'src.txt'), 'utf8')).toBe('source\n');
  });

  it('refuses --generate-provenance and a bad --build-date, naming the flag', async () => {
    const dir = project();
    const prov = await runCliAsync(['melange', 'build', 'melange.yaml', '--generate-provenance'], { cwd: dir });
    expect(prov.code).not.toBe(0);
    expect(prov.stderr).toContain('--generate-provenance is not supported');
    const date = await runCliAsync(['melange', 'build', 'melange.yaml', '--build-date', 'tomorrow'], { cwd: dir });
    expect(date.code).not.toBe(0);
    expect(date.stderr).toContain('--build-date: "tomorrow" is not an RFC 3339 date');
    expect(existsSync(join(dir, 'packages'))).toBe(false);
  });
});
