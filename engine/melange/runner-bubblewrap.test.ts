import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasTool } from '../../e2e/support/env';
import { PipelineError } from '../errors';
import { busyboxRoot } from './testdata/busybox-root';
import { makeProject, melangeBuild, readPackage } from './testdata/project';

const yaml = (runs: string, environment = '') => `package:
  name: wrapped
  version: 1.0.0
${environment}pipeline:
  - name: look around
    runs: |
${runs.split('\n').map((l) => `      ${l}`).join('\n')}
`;

const file = (path: string, name: string) => readPackage(path).dataEntries.find((e) => e.name === name)?.data.toString();

describe.skipIf(!(hasTool('bwrap') && hasTool('busybox')))('runner bubblewrap (the default)', () => {
  it("runs on this machine's root read-only, with the workspace at /home/build and a private /tmp", async () => {
    const p = makeProject(
      yaml(`d=\${{targets.destdir}}/usr/share/w; mkdir -p $d
echo "$(pwd) $HOME $(cat src.txt)" > $d/where
if touch /etc/wrapped 2>/dev/null; then echo writable > $d/etc; fi
echo private > /tmp/t && cat /tmp/t > $d/tmp
[ -x /bin/sh ] && [ -d /usr/bin ]`),
      { 'src.txt': 'source' },
    );
    const r = await melangeBuild({ configPath: p.config, outDir: p.outDir, archs: 'x86_64', sourceDateEpoch: 0, log: p.log });
    const apk = r.packages[0]!.path;
    expect(file(apk, 'usr/share/w/where')).toBe('/home/build /home/build source\n');
    expect(file(apk, 'usr/share/w/etc')).toBeUndefined();
    expect(file(apk, 'usr/share/w/tmp')).toBe('private\n');
    expect(existsSync('/etc/wrapped')).toBe(false);
    expect(p.logs[0]).toMatch(/^runner "bubblewrap": steps see this machine's root read-only/);
  });

  it('runs on the prepared build environment when it lists packages, read-only but for the workspace and /tmp', async () => {
    const p = makeProject(
      yaml(
        `d=\${{targets.destdir}}/usr/share/w; mkdir -p $d
[ ! -e /usr/bin ] && [ -x /bin/busybox ] && echo prepared > $d/root
if touch /bin/wrapped 2>/dev/null; then echo writable > $d/bin; fi`,
        'environment:\n  contents:\n    packages: [busybox]\n',
      ),
    );
    const r = await melangeBuild({ configPath: p.config, outDir: p.outDir, archs: 'x86_64', sourceDateEpoch: 0, log: p.log }, { prepareRoot: busyboxRoot });
    expect(file(r.packages[0]!.path, 'usr/share/w/root')).toBe('prepared\n');
    expect(file(r.packages[0]!.path, 'usr/share/w/bin')).toBeUndefined();
    expect(p.logs[0]).toBe('runner "bubblewrap": steps see the build environment read-only, with /home/build (the workspace) and a private /tmp writable');
  });

  it('reports a failing step as a PipelineError and removes its directory', async () => {
    const p = makeProject(yaml('echo failing >&2\nexit 4'));
    // The runner makes its directory in the system temp directory: a private one here, to see it is gone.
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = mkdtempSync(join(tmpdir(), 'bwrap-tmp-'));
    const own = process.env.TMPDIR;
    try {
      const err = await melangeBuild({ configPath: p.config, outDir: p.outDir, archs: 'x86_64', log: p.log }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PipelineError);
      expect((err as PipelineError).message).toContain('wrapped: step "look around" failed with exit code 4');
      expect((err as PipelineError).message).toContain('    failing');
      expect(existsSync(p.outDir)).toBe(false);
      expect(readdirSync(own)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});
