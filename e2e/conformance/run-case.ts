/**
 * Builds one case with both tools from the same directory: the real apko
 * (`apko build … --offline`, `show-packages`, `lock`) and the apko-nx CLI
 * (bin/apko-nx.js, which needs dist/), each with its own empty cache and the
 * same SOURCE_DATE_EPOCH.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCliAsync, cleanEnv } from '../support/cli';
import { SOURCE_DATE_EPOCH, type ConformanceCase } from './inputs';
import { readLayoutView, type LayoutView } from './layout-view';

const run = promisify(execFile);

/** What one tool produced for a case. */
export interface ToolOutputs {
  readonly layout: LayoutView;
  readonly packages: string;
  readonly lock: unknown;
}

/** The repository and key both tools read. */
export interface SharedInputs {
  readonly repo: string;
  readonly keyFile: string;
}

/** The apko.yaml of a case. */
export function caseConfig(c: ConformanceCase, inputs: SharedInputs): string {
  return [
    'contents:',
    `  repositories: [${inputs.repo}]`,
    `  keyring: [${inputs.keyFile}]`,
    `  packages: [${c.packages.join(', ')}]`,
    `archs: [${c.archs.join(', ')}]`,
    c.extra ?? '',
  ].join('\n');
}

/** Flags both tools take the same way. */
function flags(c: ConformanceCase, cache: string): string[] {
  return ['--arch', c.archs.join(','), '--cache-dir', cache];
}

/** Runs the real apko in `cwd` with SOURCE_DATE_EPOCH; its stdout. */
export async function apko(bin: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(bin, args, { cwd, env: { ...cleanEnv(), SOURCE_DATE_EPOCH }, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`apko ${args.join(' ')} failed in ${cwd}: ${e.stderr || e.message}`);
  }
}

/** Runs apko-nx in `cwd` with SOURCE_DATE_EPOCH; its stdout. */
export async function apkoNx(args: string[], cwd: string): Promise<string> {
  const r = await runCliAsync(args, { cwd, env: cleanEnv({ SOURCE_DATE_EPOCH }) });
  if (r.code !== 0) throw new Error(`apko-nx ${args.join(' ')} failed in ${cwd} (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Builds, resolves and locks `c` with both tools in `dir`. */
export async function runCase(c: ConformanceCase, dir: string, inputs: SharedInputs, apkoBin: string): Promise<{ apko: ToolOutputs; ours: ToolOutputs }> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'apko.yaml'), caseConfig(c, inputs));
  const tag = 'conformance/image:1';
  const build = async (tool: 'apko' | 'apko-nx'): Promise<ToolOutputs> => {
    const out = join(dir, `${tool}-layout`);
    mkdirSync(out, { recursive: true });
    const cache = join(dir, `${tool}-cache`);
    const exec = tool === 'apko' ? (a: string[]) => apko(apkoBin, a, dir) : (a: string[]) => apkoNx(a, dir);
    const lockFile = join(dir, `${tool}.lock.json`);
    // apko lock has no --offline flag; a local directory repository needs no network either way.
    await exec(['build', 'apko.yaml', tag, out, '--offline', '--sbom=false', '--vcs=false', ...flags(c, cache)]);
    const packages = await exec(['show-packages', 'apko.yaml', '--offline', ...flags(c, cache)]);
    await exec(['lock', 'apko.yaml', '--output', lockFile, ...flags(c, cache)]);
    return { layout: readLayoutView(out), packages, lock: JSON.parse(readFileSync(lockFile, 'utf8')) };
  };
  const [a, ours] = await Promise.all([build('apko'), build('apko-nx')]);
  return { apko: a, ours };
}
