import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, LintError } from '../../errors';
import { makeProject, melangeBuild, readPackage } from '../testdata/project';

/** A package whose pipeline runs `runs` with $d as its destdir; `extra` goes under package: (checks, …). */
const yaml = (runs: string, extra = '') => `package:
  name: linted
  version: 1.0.0
${extra}pipeline:
  - runs: |
      d=\${{targets.destdir}}
${runs.split('\n').map((l) => `      ${l}`).join('\n')}
`;

// async, so a refused option (thrown while normalizing) is a rejection like every other failure.
const build = async (p: ReturnType<typeof makeProject>, more: Record<string, unknown> = {}) =>
  melangeBuild({ configPath: p.config, outDir: p.outDir, archs: 'x86_64', runner: 'host', sourceDateEpoch: 0, log: p.log, ...more });

/** Each of melange's required linters, a pipeline that trips it, and the path it reports. */
const REQUIRED: readonly (readonly [string, string, string])[] = [
  ['dev', 'mkdir -p $d/dev && touch $d/dev/null', 'dev/null'],
  ['infodir', 'mkdir -p $d/usr/share/info/dir && touch $d/usr/share/info/dir/x', 'usr/share/info/dir/x'],
  ['libtool/la-files', 'mkdir -p $d/usr/lib && touch $d/usr/lib/libx.la', 'usr/lib/libx.la'],
  ['setuidgid', 'mkdir -p $d/usr/bin && touch $d/usr/bin/su && chmod 4755 $d/usr/bin/su', 'usr/bin/su (mode: 4755, setuid)'],
  ['tempdir', 'mkdir -p $d/tmp && touch $d/tmp/left-over', 'tmp/left-over'],
  ['usrmerge', 'mkdir -p $d/bin && touch $d/bin/tool', 'bin/tool'],
  ['varempty', 'mkdir -p $d/var/empty && touch $d/var/empty/x', 'var/empty/x'],
  ['worldwrite', 'mkdir -p $d/etc && touch $d/etc/open && chmod 666 $d/etc/open', 'etc/open (mode: 666) [world-writable]'],
];

describe('melange build linting', () => {
  it.each(REQUIRED)('fails the build when the required linter %s finds something, naming the package, the path and how to disable it', async (linter, runs, item) => {
    const p = makeProject(yaml(runs));
    const err = await build(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LintError);
    const e = err as LintError;
    expect(e.code).toBe('ELINT');
    expect(e.pkg).toBe('linted');
    expect(e.linters).toEqual([linter]);
    expect(e.message).toMatch(new RegExp(`^linted: required linter "${linter.replace('/', '\\/')}" failed:\n  linter "${linter.replace('/', '\\/')}": `));
    expect(e.message).toContain(`\n    - ${item}\n`);
    expect(e.hint).toContain(`add "${linter}" to package.checks.disabled in ${p.config} (checks: { disabled: [${linter}] })`);
    expect(e.hint).toContain('--lint-require');
  });

  it('writes nothing when a linter fails', async () => {
    const p = makeProject(yaml('mkdir -p $d/dev && touch $d/dev/null'));
    await expect(build(p)).rejects.toThrow(LintError);
    expect(existsSync(p.outDir)).toBe(false);
  });

  it('turns a required linter into a warning for a package whose checks.disabled names it', async () => {
    const p = makeProject(yaml('mkdir -p $d/bin && touch $d/bin/tool', '  checks:\n    disabled: [usrmerge]\n'));
    const r = await build(p);
    expect(readPackage(r.packages[0]!.path).dataEntries.map((e) => e.name)).toContain('bin/tool');
    expect(p.logs).toContain('warning: linted: [usrmerge] Package contains paths in violation of usrmerge:');
    expect(p.logs).toContain('warning:     - bin/tool');
    expect(p.logs).toContain('warning:     → Move binary to /usr/bin');
  });

  it('lints subpackages with their own checks.disabled, and names the subpackage key in the hint', async () => {
    const p = makeProject(`package:
  name: main
  version: 1.0.0
pipeline:
  - runs: mkdir -p \${{targets.destdir}}/usr/share/main && echo x > \${{targets.destdir}}/usr/share/main/x
subpackages:
  - name: main-open
    pipeline:
      - runs: mkdir -p \${{targets.contextdir}}/etc && touch \${{targets.contextdir}}/etc/o && chmod 666 \${{targets.contextdir}}/etc/o
`);
    const err = (await build(p).catch((e: unknown) => e)) as LintError;
    expect(err).toBeInstanceOf(LintError);
    expect(err.pkg).toBe('main-open');
    expect(err.hint).toContain(`add "worldwrite" to subpackages[0].checks.disabled in ${p.config}`);
  });

  it('prints the findings of warning linters and still builds', async () => {
    const p = makeProject(yaml('mkdir -p $d/opt/x $d/usr/lib && touch $d/opt/x/f $d/usr/lib/a.o $d/usr/lib/libs.a'));
    await build(p);
    expect(p.logs).toContain('warning: linted: [opt] linted writes to /opt');
    expect(p.logs).toContain('warning:     - opt/x/f');
    expect(p.logs).toContain('warning:     → This package should be a -compat package');
    expect(p.logs).toContain('warning: linted: [object] linted contains 1 intermediate object file. This is usually wrong. In most cases they should be removed');
    expect(p.logs).toContain('warning: linted: [staticarchive] linted contains 1 static archive. Static archives bloat packages and should typically be in -dev packages or removed');
  });

  it('follows --lint-require and --lint-warn: an emptied required set only warns, a named warning linter fails', async () => {
    const p = makeProject(yaml('mkdir -p $d/dev $d/opt && touch $d/dev/null $d/opt/f'));
    await build(p, { lintRequire: [], lintWarn: ['dev'] });
    expect(p.logs).toContain('warning: linted: [dev] linted writes to /dev');
    const q = makeProject(yaml('mkdir -p $d/opt && touch $d/opt/f'));
    await expect(build(q, { lintRequire: ['opt'] })).rejects.toThrow('linted: required linter "opt" failed');
  });

  it('refuses an unknown linter name in the flags and in checks.disabled', async () => {
    const p = makeProject(yaml('true'));
    await expect(build(p, { lintRequire: ['nope'] })).rejects.toThrow(ConfigError);
    await expect(build(p, { lintRequire: ['nope'] })).rejects.toThrow('--lint-require: unknown linter "nope"');
    const q = makeProject(yaml('true', '  checks:\n    disabled: [nope]\n'));
    await expect(build(q)).rejects.toThrow(/package\.checks\.disabled\[0\].*"nope" is not a linter/);
  });
});
