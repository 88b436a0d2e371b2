import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../main';

/** Runs the CLI in this process, collecting what it prints. */
async function cli(args: string[], cwd: string): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { cwd, env: { PATH: process.env.PATH ?? '' }, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const YAML = (checks: string) => `package:
  name: odd
  version: 1.0.0
${checks}pipeline:
  - runs: |
      mkdir -p \${{targets.destdir}}/dev \${{targets.destdir}}/opt
      touch \${{targets.destdir}}/dev/null \${{targets.destdir}}/opt/f
`;

/** Builds odd with every required linter off (so it is written), and returns its .apk. */
async function builtOdd(checks = ''): Promise<{ dir: string; apk: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'melange-lint-cli-'));
  writeFileSync(join(dir, 'melange.yaml'), YAML(checks));
  const r = await cli(['melange', 'build', 'melange.yaml', '--arch', 'x86_64', '--runner', 'host', '--lint-require=', '--run-tests=false'], dir);
  expect(r.code).toBe(0);
  expect(r.err).toContain('warning: odd: [opt] odd writes to /opt');
  return { dir, apk: r.out[0]! };
}

describe('apko-nx melange lint', () => {
  it('fails on a built package that a required linter flags, naming the package, linter and path', async () => {
    const { dir, apk } = await builtOdd();
    const r = await cli(['melange', 'lint', apk], dir);
    expect(r.code).not.toBe(0);
    expect(r.err.join('\n')).toContain('odd: required linter "dev" failed:\n  linter "dev": odd writes to /dev\n    - dev/null');
    expect(r.err).toContain('warning: odd: [opt] odd writes to /opt');
  });

  it('follows --lint-require and --lint-warn', async () => {
    const { dir, apk } = await builtOdd();
    const r = await cli(['melange', 'lint', '--lint-require', 'worldwrite', '--lint-warn', 'dev', apk], dir);
    expect(r.code).toBe(0);
    expect(r.err).toContain('warning: odd: [dev] odd writes to /dev');
    expect(r.err.some((l) => l.includes('[opt]'))).toBe(false);
    expect(r.err).toContain('linted 1 package');
  });

  it("reads checks.disabled from the package's embedded melange.yaml", async () => {
    const { dir, apk } = await builtOdd('  checks:\n    disabled: [dev]\n');
    const r = await cli(['melange', 'lint', apk], dir);
    expect(r.code).toBe(0);
    expect(r.err).toContain('warning: odd: [dev] odd writes to /dev');
  });

  it('refuses an unknown linter', async () => {
    const { dir, apk } = await builtOdd();
    const r = await cli(['melange', 'lint', '--lint-warn', 'bogus', apk], dir);
    expect(r.code).not.toBe(0);
    expect(r.err.join('\n')).toContain('--lint-warn: unknown linter "bogus"');
  });
});
