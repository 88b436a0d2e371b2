/**
 * `melange build`: load melange.yaml, run the main pipeline and then each
 * subpackage's pipeline in a workspace (host or chroot), turn every output
 * directory into a signed .apk, and only when all of that succeeded write the
 * packages and update `<outDir>/<arch>/APKINDEX.tar.gz`. A failing step
 * leaves the repository exactly as it was.
 */
import { promises as fsp } from 'node:fs';
import { basename, join } from 'node:path';
import { formatPath } from '../yaml/tree';
import { ConfigError } from '../errors';
import { writeFileAtomic } from '../fs/atomic';
import { normalizeMelangeBuildOptions, type MelangeBuildOptions, type NormalizedMelangeBuildOptions } from './build-options';
import { evaluateCondition } from './condition';
import type { OwnerMap } from './destdir';
import { emitPackage, type EmittedPackage } from './emit';
import { readGitFacts, repositoryPath, type GitFacts } from './git-facts';
import { loadMelangeConfig, type LoadedMelangeConfig } from './load';
import type { BuildEnvironment, PackageCommon, PipelineStep } from './model';
import { runPipeline } from './pipeline';
import { addToRepository } from './repository';
import { isInside, outputDir, type Runner } from './runner';
import { createChrootRunner } from './runner-chroot';
import { createHostRunner } from './runner-host';
import { pipelineSubstitutions, substituteQuoted } from './substitutions';

/** One package a build wrote. */
export interface BuiltPackage {
  readonly name: string;
  /** `<version>-r<epoch>`. */
  readonly version: string;
  /** Where the .apk was written. */
  readonly path: string;
  /** Its index checksum (`Q1…`). */
  readonly checksum: string;
}

/** What a build produced. */
export interface MelangeBuildResult {
  readonly packages: readonly BuiltPackage[];
  /** The updated index, when one was written. */
  readonly index?: string;
}

/** melange gives its `build` user (1000:1000) ownership of the workspace; packages record it as root. */
const MELANGE_BUILD_ID = 1000;

function ownerMap(loaded: LoadedMelangeConfig, runner: Runner): OwnerMap {
  const acc = loaded.config.environment.accounts;
  const rootUids = new Set([MELANGE_BUILD_ID]);
  const rootGids = new Set([MELANGE_BUILD_ID]);
  if (runner.kind === 'host') {
    rootUids.add(process.getuid?.() ?? 0);
    rootGids.add(process.getgid?.() ?? 0);
  }
  return {
    rootUids,
    rootGids,
    userNames: new Map(acc.users.map((u) => [u.uid, u.username])),
    groupNames: new Map(acc.groups.map((g) => [g.gid, g.groupname])),
  };
}

function baseEnv(loaded: LoadedMelangeConfig, runner: Runner, sde: number): Record<string, string> {
  const ws = runner.workspace;
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: ws,
    GOPATH: `${ws}/.cache/go`,
    GOMODCACHE: runner.kind === 'chroot' ? '/var/cache/melange/gomodcache' : `${ws}/.cache/gomodcache`,
    SOURCE_DATE_EPOCH: String(sde),
    ...loaded.config.environment.environment,
  };
}

/** Packages the steps declare in `needs.packages`, which melange adds to the build environment. */
function withNeeds(cfg: LoadedMelangeConfig['config']): BuildEnvironment {
  const needs: string[] = [];
  const collect = (steps: readonly PipelineStep[]): void => {
    for (const s of steps) {
      needs.push(...s.needs);
      collect(s.pipeline);
    }
  };
  collect(cfg.pipeline);
  for (const sp of cfg.subpackages) collect(sp.pipeline);
  const packages = [...cfg.environment.contents.packages];
  for (const n of needs) if (!packages.includes(n)) packages.push(n);
  return { ...cfg.environment, contents: { ...cfg.environment.contents, packages } };
}

async function licenseTexts(loaded: LoadedMelangeConfig, workspace: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [i, c] of loaded.config.package.copyright.entries()) {
    if (c.licensePath === undefined) continue;
    try {
      out.set(c.license, await fsp.readFile(join(workspace, c.licensePath), 'utf8'));
    } catch (err) {
      throw new ConfigError(`${loaded.file}: package.copyright[${i}].license-path: cannot read ${c.licensePath} from the workspace: ${(err as Error).message}`, {
        file: loaded.file,
        path: `package.copyright[${i}].license-path`,
        cause: err,
        hint: 'the path is relative to the source directory (or to what the pipeline put in the workspace)',
      });
    }
  }
  return out;
}

/** Builds every package of a melange.yaml and adds them to the local repository. */
export async function buildMelangePackage(options: MelangeBuildOptions): Promise<MelangeBuildResult> {
  const o = normalizeMelangeBuildOptions(options);
  const loaded = await loadMelangeConfig(o.configPath, { vars: o.vars });
  const cfg = loaded.config;
  const targets = cfg.package.targetArchitecture;
  if (targets.length > 0 && !targets.includes('all') && !targets.some((t) => t === o.arch.apk || t === o.arch.oci)) {
    o.log(`skipping ${cfg.package.name}: package.target-architecture (${targets.join(', ')}) does not include ${o.arch.apk}`);
    return { packages: [] };
  }
  const git = await readGitFacts(loaded.dir);
  const sourceGit = o.sourceDir === loaded.dir ? git : await readGitFacts(o.sourceDir);
  const sde = o.sourceDateEpoch ?? sourceGit.commitTime ?? 0;
  const emitted = await runAndEmit(o, { loaded, git, sde });
  const archDir = join(o.outDir, o.arch.apk);
  let index: string | undefined;
  if (o.generateIndex) {
    index = await addToRepository(archDir, emitted, o.signingKey);
  } else {
    await fsp.mkdir(archDir, { recursive: true });
    for (const p of emitted) await writeFileAtomic(join(archDir, p.fileName), p.bytes);
  }
  const packages = emitted.map((p) => ({ name: p.name, version: p.version, path: join(archDir, p.fileName), checksum: p.checksum }));
  for (const p of packages) o.log(`wrote ${p.path}`);
  return { packages, ...(index !== undefined ? { index } : {}) };
}

/** Runs every pipeline and emits the packages, in memory; the workspace is removed whatever happens. */
async function runAndEmit(
  o: NormalizedMelangeBuildOptions,
  b: { loaded: LoadedMelangeConfig; git: GitFacts; sde: number },
): Promise<EmittedPackage[]> {
  const { loaded, git, sde } = b;
  const cfg = loaded.config;
  const skip = isInside(o.sourceDir, o.outDir) ? [o.outDir] : [];
  const environment = withNeeds(cfg);
  const runner =
    o.runner === 'chroot'
      ? await createChrootRunner({ sourceDir: o.sourceDir, skip, environment, arch: o.arch, prepareRoot: o.prepareRoot!, log: o.log })
      : await createHostRunner({ sourceDir: o.sourceDir, skip, environmentPackages: environment.contents.packages, log: o.log });
  try {
    const names = [cfg.package.name, ...cfg.subpackages.map((s) => s.name)];
    const relatives = new Map(names.map((n) => [n, outputDir(runner.hostWorkspace, n)]));
    // melange-out is the build's own; a copy that came with the sources (an earlier melange run) must not leak in.
    await fsp.rm(join(runner.hostWorkspace, 'melange-out'), { recursive: true, force: true });
    for (const dir of relatives.values()) await fsp.mkdir(dir, { recursive: true, mode: 0o755 });
    const env = baseEnv(loaded, runner, sde);
    const target = { arch: o.arch, workspace: runner.workspace, packageNames: names };
    const contextDir = (n: string) => ({ inRunner: `${runner.workspace}/melange-out/${n}`, onHost: relatives.get(n)! });
    const common = { runner, file: loaded.file, env, log: o.log };

    await runPipeline(cfg.pipeline, { ...common, pkg: cfg.package.name, substitutions: pipelineSubstitutions(loaded.substitutions, target), contextDir: contextDir(cfg.package.name) }, ['pipeline']);
    const built: PackageCommon[] = [cfg.package];
    for (const [i, sp] of cfg.subpackages.entries()) {
      const subs = pipelineSubstitutions(loaded.substitutions, { ...target, subpackage: sp.name });
      const where = { file: loaded.file, path: formatPath(['subpackages', i, 'if']) };
      if (sp.if !== undefined && !evaluateCondition(substituteQuoted(sp.if, subs, where), where)) {
        o.log(`skipping subpackage ${sp.name}: if: ${sp.if} is false`);
        continue;
      }
      await runPipeline(sp.pipeline, { ...common, pkg: sp.name, substitutions: subs, contextDir: contextDir(sp.name) }, ['subpackages', i, 'pipeline']);
      built.push(sp);
    }

    const commit = cfg.package.commit || git.commit || '';
    const shared = {
      origin: cfg.package,
      relatives,
      arch: o.arch,
      namespace: o.namespace,
      sourceDateEpoch: sde,
      detectedCommit: git.commit ?? '',
      configText: loaded.text,
      ...(commit !== '' ? { configFile: { path: repositoryPath(o.configPath, git, basename(o.configPath)), commit } } : {}),
      licenseTexts: await licenseTexts(loaded, runner.hostWorkspace),
      owners: ownerMap(loaded, runner),
      ...(o.signingKey ? { signingKey: o.signingKey } : {}),
      log: o.log,
    };
    const out: EmittedPackage[] = [];
    for (const pkg of built) out.push(await emitPackage({ ...shared, pkg, dir: relatives.get(pkg.name)! }));
    return out;
  } finally {
    await runner.dispose();
  }
}
