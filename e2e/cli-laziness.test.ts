import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, type CliRun } from './support/cli';
import { ROOT } from './support/env';
import { apkoYaml, BASELAYOUT, makeWorkspace, type TestWorkspace } from './support/workspace';

/**
 * What a real `apko-nx` call loads (cli/command.ts: a verb loads its engine
 * modules inside run()). A preload script records every module in
 * require.cache at exit; the lists are paths relative to the project root.
 */
const work = mkdtempSync(join(tmpdir(), 'apko-nx-laziness-'));
const preload = join(work, 'record-modules.js');
writeFileSync(
  preload,
  "process.on('exit', () => require('node:fs').writeFileSync(process.env.RECORD_MODULES, Object.keys(require.cache).join('\\n')));\n",
);
afterAll(() => rmSync(work, { recursive: true, force: true }));

let runs = 0;
/** Runs the built CLI with the recorder; resolves to its result and the modules it loaded. */
function runRecorded(args: readonly string[], cwd: string): Promise<CliRun & { modules: string[] }> {
  const record = join(work, `modules-${runs++}.txt`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', preload, BIN, ...args], { cwd, env: cleanEnv({ RECORD_MODULES: record, XDG_CACHE_HOME: work }) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const modules = readFileSync(record, 'utf8')
        .split('\n')
        .filter((m) => m !== '')
        .map((m) => relative(ROOT, m));
      resolve({ code, stdout, stderr, modules });
    });
  });
}

/** The engine areas a verb that builds and pushes nothing must never load. */
const FOREIGN = /^dist\/engine\/(registry|melange|publish)\//;

describe('the CLI loads only what a verb needs', () => {
  it('version loads no engine stage and no dependency: the CLI, its light engine leaves and tool-version only', async () => {
    const r = await runRecorded(['version'], work);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^apko-nx \d+\.\d+\.\d+/);
    expect(r.modules.filter((m) => m.includes("node_modules/"))).toEqual([]);
    const engine = r.modules.filter((m) => m.startsWith('dist/engine/'));
    expect(engine.filter((m) => FOREIGN.test(m))).toEqual([]);
    expect(engine.sort()).toEqual(
      [
        'defaults',
        'digest',
        'errors',
        'image/package-line',
        'image/package-template',
        'order',
        'reference',
        'report/format-error',
        'tool-version',
      ].map((m) => `dist/engine/${m}.js`),
    );
  });

  describe('show-packages on a local repository', () => {
    let ws: TestWorkspace;
    beforeAll(async () => {
      ws = await makeWorkspace([BASELAYOUT]);
      ws.write('apko.yaml', apkoYaml(ws, { packages: ['test-baselayout'] }));
    });

    it('loads no registry client, melange, publish, image writer, layer or rootfs code, and no HTTP client', async () => {
      const r = await runRecorded(['show-packages', 'apko.yaml', '--arch', 'x86_64', '--cache-dir', join(ws.dir, 'cache')], ws.dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('test-baselayout 1.0.0-r0');
      expect(r.modules.filter((m) => FOREIGN.test(m))).toEqual([]);
      expect(r.modules.filter((m) => /^dist\/engine\/(oci|layer|rootfs|buildroot|cache)\//.test(m))).toEqual([]);
      expect(r.modules.filter((m) => m.includes('node_modules/undici/'))).toEqual([]);
      // The resolver itself was loaded: the test would pass vacuously otherwise.
      expect(r.modules).toContain('dist/engine/resolve/solve.js');
    });
  });

  it('--help lists every verb, and each verb answers --help without loading anything the help does not', async () => {
    const { commands } = (await import(join(ROOT, 'dist', 'cli', 'commands', 'index.js'))) as { commands: ReadonlyArray<{ name: string; usage: string }> };
    expect(commands.length).toBeGreaterThan(10);
    const help = await runRecorded(['--help'], work);
    expect(help.code).toBe(0);
    for (const c of commands) expect(help.stdout).toMatch(new RegExp(`^  ${c.name} +\\S`, 'm'));
    const startup = new Set(help.modules);
    const verbs = await Promise.all(commands.map((c) => runRecorded([...c.name.split(' '), '--help'], work)));
    verbs.forEach((r, i) => {
      const c = commands[i]!;
      expect(r.code, `${c.name} --help: ${r.stderr}`).toBe(0);
      expect(r.stdout.startsWith(`Usage: apko-nx ${c.usage}\n`), c.name).toBe(true);
      expect(r.modules.filter((m) => !startup.has(m)), c.name).toEqual([]);
    });
  });
});
