import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import imageExecutor from '../executors/image/executor';
import packageExecutor from '../executors/package/executor';
import { APP_APKO_YAML, executorContext, makeExecutorWorkspace } from '../executors/testdata/workspace';
import { runCli } from './support/cli';

/**
 * The CLI and the Nx executors print a failure with the engine's one
 * formatter (engine/report/format-error.ts): for the same bad input, the
 * executor's error is the CLI's text after "Error: ", every problem named in
 * both — not the first and "2 more problems".
 */
let root: string;

beforeAll(async () => {
  root = await makeExecutorWorkspace();
});

afterEach(() => vi.restoreAllMocks());

/** What `apko-nx` printed from its "Error: " line on, without that prefix. */
function cliError(stderr: string): string {
  const at = stderr.indexOf('Error: ');
  expect(at, stderr).toBeGreaterThanOrEqual(0);
  return stderr.slice(at + 'Error: '.length).replace(/\n$/, '');
}

async function executorError(run: () => Promise<{ success: boolean; error?: string }>): Promise<string> {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const result = await run();
  expect(result.success).toBe(false);
  return result.error!;
}

describe('the CLI and the executors report a failure alike', () => {
  it('name all three unknown keys of an apko.yaml', async () => {
    const config = join(root, 'app', 'keys.apko.yaml');
    writeFileSync(config, APP_APKO_YAML.replace('contents:\n', 'contents:\n  packags: [x]\n  keyrng: []\n').replace('archs:', 'entrypont: {}\narchs:'));
    const cli = runCli(['build', config, 'app:latest', join(root, 'out-keys.tar')], { cwd: join(root, 'app') });
    expect(cli.code).toBe(1);
    const nx = await executorError(() => imageExecutor({ config: 'app/keys.apko.yaml', outputPath: 'dist/images/keys' }, executorContext(root)));
    expect(nx).toBe(cliError(cli.stderr));
    for (const key of ['packags', 'keyrng', 'entrypont']) expect(nx).toContain(`unknown key "${key}"`);
    expect(nx).toContain('hint: did you mean "keyring"?');
  });

  it('give the resolver\'s reasons for an unsatisfiable package', async () => {
    const config = join(root, 'app', 'unsat.apko.yaml');
    writeFileSync(config, APP_APKO_YAML.replace('packages: [hello]', 'packages: [hello>=2]'));
    const cli = runCli(['build', config, 'app:latest', join(root, 'out-unsat.tar'), '--cache-dir', join(root, '.cache')], { cwd: join(root, 'app') });
    expect(cli.code).toBe(1);
    const nx = await executorError(() => imageExecutor({ config: 'app/unsat.apko.yaml', outputPath: 'dist/images/unsat', cacheDir: '.cache' }, executorContext(root)));
    expect(nx).toBe(cliError(cli.stderr));
    expect(nx).toContain('unable to select packages:');
    expect(nx).toMatch(/- hello-1\.0\.0-r0 disqualified: /);
  });

  it('name both bad keys of a melange.yaml, through the package executor and melange build', async () => {
    const config = join(root, 'bad', 'melange.yaml');
    mkdirSync(join(root, 'bad'), { recursive: true });
    writeFileSync(config, 'package:\n  name: bad\n  version: 1.0.0\n  epoch: 0\n  descripton: typo\npipelin:\n  - runs: "true"\n');
    const cli = runCli(['melange', 'build', config, '--signing-key', join(root, 'melange.rsa'), '--out-dir', join(root, 'out-bad'), '--arch', 'x86_64'], { cwd: join(root, 'bad') });
    expect(cli.code).toBe(1);
    const nx = await executorError(() => packageExecutor({ config: 'bad/melange.yaml', outputPath: 'dist/packages/bad', archs: ['x86_64'] }, executorContext(root, 'bad', 'package')));
    expect(nx).toBe(cliError(cli.stderr));
    expect(nx).toMatch(/descripton/);
    expect(nx).toMatch(/pipelin\b/);
  });
});
