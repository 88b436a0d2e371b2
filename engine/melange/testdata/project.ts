/**
 * Test support: a melange project in a fresh temp directory, and ways to look
 * inside the packages a build wrote.
 */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { splitMembers } from '../../apk/gzip-members';
import { readApkBytes } from '../../apk/package-read';
import type { ApkPackage } from '../../apk/package';
import { readTar } from '../../tar/read';
import { buildMelangePackages, type MelangeBuildResult, type MelangeBuildSeams } from '../build';
import { normalizeMelangeBuildOptions, type MelangeBuildOptions } from '../build-options';

/** A project directory holding melange.yaml (and any other files given). */
export interface Project {
  readonly dir: string;
  readonly config: string;
  readonly outDir: string;
  readonly logs: string[];
  readonly log: (line: string) => void;
}

/** Writes `yaml` as melange.yaml plus `files` (relative path → content) into a new temp dir. */
export function makeProject(yaml: string, files: Record<string, string> = {}): Project {
  const dir = mkdtempSync(join(tmpdir(), 'melange-test-'));
  writeFileSync(join(dir, 'melange.yaml'), yaml);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  const logs: string[] = [];
  return { dir, config: join(dir, 'melange.yaml'), outDir: join(dir, 'packages'), logs, log: (l) => logs.push(l) };
}

/** Normalizes `options` as the shells do (against this process's directory and environment) and builds. */
export function melangeBuild(options: MelangeBuildOptions, seams?: MelangeBuildSeams): Promise<MelangeBuildResult> {
  return buildMelangePackages(normalizeMelangeBuildOptions(options), seams);
}

/** Reads a written package. */
export function readPackage(path: string): ApkPackage {
  return readApkBytes(readFileSync(path), { subject: path });
}

/** The raw `.PKGINFO` text of a package file or bytes. */
export function pkginfoText(apk: string | Buffer): string {
  const bytes = typeof apk === 'string' ? readFileSync(apk) : apk;
  const members = splitMembers(bytes);
  for (const m of members) {
    const e = readTar(m.content).find((x) => x.name === '.PKGINFO');
    if (e) return e.data.toString('utf8');
  }
  throw new Error('no .PKGINFO');
}

/** The keys of `.PKGINFO` lines in order (comments left out). */
export function pkginfoKeys(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.includes(' = ') && !l.startsWith('#'))
    .map((l) => l.split(' = ')[0]!);
}

/** A library of this machine whose file name matches `re` (any libdir, one multiarch level deep), symlinks resolved. */
export function findHostLibrary(re: RegExp): string | undefined {
  for (const root of ['/usr/lib', '/lib', '/usr/lib64', '/lib64']) {
    const dirs = [root, ...safeList(root).map((d) => join(root, d))];
    for (const d of dirs) {
      const hit = safeList(d).find((n) => re.test(n));
      if (hit !== undefined) return realpathSync(join(d, hit));
    }
  }
  return undefined;
}

/** This machine's libz.so.1.x, for the dependency scan. */
export function findHostLibz(): string | undefined {
  return findHostLibrary(/^libz\.so\.1\.[0-9.]+$/);
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
