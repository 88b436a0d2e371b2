/**
 * `melange test <melange.yaml> [<apk | repository dir | package name>]`:
 * runs a config's `test:` sections on packages already built, as a build
 * runs them (test-run.ts). The packages come from the .apk named, from the
 * repository directory named (`<dir>/<arch>/*.apk`, or `<dir>/*.apk`), or
 * else from the build's output directory (`packages/<arch>/`); a name that is
 * none of those is melange's package-name argument: the main test installs
 * that package instead of package.name. Repositories and keys given with
 * -r/-k are searched too, as melange test searches them.
 */
import { promises as fsp } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ConfigError } from '../errors';
import { compareBytes } from '../order';
import { normalizeMelangeBuildOptions, type MelangeBuildOptions } from './build-options';
import { loadMelangeConfig } from './load';
import { runPackageTests, testsOf, type PackageFile } from './test-run';

/** What `melange test` takes: the build's options (config, archs, runner, -r/-k/-p, pipeline dirs, cache) and what to test. */
export interface MelangeTestOptions extends MelangeBuildOptions {
  /** An .apk, a repository directory, or a package name; default the packages in `outDir`. */
  target?: string;
}

/** What a test run did. */
export interface MelangeTestResult {
  /** Test sections that ran and passed, over every architecture. */
  readonly passed: number;
}

async function statOf(path: string) {
  return fsp.stat(path).catch(() => undefined);
}

/** The .apk files directly in `dir`, sorted, or none when it does not exist. */
async function apksIn(dir: string): Promise<string[]> {
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.apk')).sort(compareBytes).map((n) => join(dir, n));
}

async function readAll(paths: readonly string[]): Promise<PackageFile[]> {
  return Promise.all(paths.map(async (p) => ({ fileName: basename(p), bytes: await fsp.readFile(p) })));
}

/** The package files to test for one architecture, and the main test's package name when the target names one. */
async function packagesFor(target: string | undefined, outDir: string, arch: string, cwd: string): Promise<{ files: string[]; name?: string }> {
  if (target !== undefined) {
    const path = resolve(cwd, target);
    const st = await statOf(path);
    if (st?.isFile()) return { files: [path] };
    if (st?.isDirectory()) {
      const perArch = await apksIn(join(path, arch));
      const files = perArch.length > 0 ? perArch : await apksIn(path);
      if (files.length === 0) throw new ConfigError(`${target} holds no .apk files (looked in ${join(path, arch)} and ${path})`, { file: path, hint: 'name a package file, or the repository directory melange build wrote' });
      return { files };
    }
    if (target.includes('/') || target.endsWith('.apk')) throw new ConfigError(`${target} does not exist`, { file: path, hint: 'name a built .apk or a repository directory' });
  }
  return { files: await apksIn(join(outDir, arch)), ...(target !== undefined ? { name: target } : {}) };
}

/** Runs every test section of the config for each architecture of the options. */
export async function melangeTest(o: MelangeTestOptions, cwd: string = process.cwd(), env: Readonly<Record<string, string | undefined>> = process.env): Promise<MelangeTestResult> {
  const request = normalizeMelangeBuildOptions({ ...o, runTests: true }, cwd, env);
  const loaded = await loadMelangeConfig(request.configPath, { vars: request.vars, pipelineDirs: request.pipelineDirs, tests: true });
  const tests = testsOf(loaded).length;
  if (tests === 0) {
    request.log(`${loaded.file} has no test: sections with steps; nothing to test`);
    return { passed: 0 };
  }
  let passed = 0;
  const targets = loaded.config.package.targetArchitecture;
  for (const arch of request.archs) {
    if (targets.length > 0 && !targets.includes('all') && !targets.some((t) => t === arch.apk || t === arch.oci)) {
      request.log(`skipping ${arch.apk}: package.target-architecture (${targets.join(', ')}) does not include it`);
      continue;
    }
    const found = await packagesFor(o.target, request.outDir, arch.apk, request.cwd);
    for (const f of found.files) request.log(`testing with ${f}`);
    await runPackageTests({
      request,
      loaded,
      arch,
      packages: await readAll(found.files),
      ...(found.name !== undefined ? { mainPackage: found.name } : {}),
      ...(o.sourceDir !== undefined ? { sourceDir: request.sourceDir } : {}),
    });
    passed += tests;
  }
  return { passed };
}
