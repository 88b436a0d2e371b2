import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCliAsync } from './support/cli';

/** The CLI's V8 code cache (cli/code-cache.ts), through the real launcher (run `npm run build` first). */
describe('the code cache', () => {
  const home = mkdtempSync(join(tmpdir(), 'apko-nx-code-cache-'));
  const dir = join(home, 'apko-nx', 'v8');
  const env = (extra: Record<string, string> = {}) => cleanEnv({ XDG_CACHE_HOME: home, ...extra });
  const version = () => runCliAsync(['version'], { cwd: home, env: env() });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('is filled by the first run, one entry per module loaded, and the output is the same with it and without it', async () => {
    const off = await runCliAsync(['version'], { cwd: home, env: env({ APKO_NX_CODE_CACHE: '0' }) });
    expect(() => readdirSync(dir)).toThrow();
    const first = await version();
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(off.stdout);
    // version loads the CLI's own modules and a few engine leaves (e2e/cli-laziness.test.ts), some thirty files.
    expect(readdirSync(dir).filter((f) => f.endsWith('.bin')).length).toBeGreaterThan(20);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('is only read by a warm run: no entry is rewritten', async () => {
    const before = Object.fromEntries(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs]));
    const warm = await version();
    expect(warm.code).toBe(0);
    expect(Object.fromEntries(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs]))).toEqual(before);
  });

  it('survives a damaged entry: the run succeeds and the entry is written again', async () => {
    const victim = readdirSync(dir).sort()[0]!;
    writeFileSync(join(dir, victim), 'not a code cache');
    const run = await version();
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(readFileSync(join(dir, victim)).toString()).not.toBe('not a code cache');
  });
});
