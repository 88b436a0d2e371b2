/**
 * `melange build`: for each architecture of the request, in order, load
 * melange.yaml, run the main pipeline and then each subpackage's pipeline in
 * a workspace of the request's runner, turn every output directory into a
 * signed .apk, run the `test:` sections on them (test-run.ts), and only when all of that succeeded write the packages and
 * update `<outDir>/<arch>/APKINDEX.tar.gz`. A failing step leaves that
 * architecture's repository exactly as it was (earlier ones are done).
 */
import { promises as fsp } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { formatPath } from '../yaml/tree';
import { ConfigError } from '../errors';
import { replaceDirAtomic, writeFileAtomic } from '../fs/atomic';
import { ALL_ARCHS, hostArch, type Arch } from '../arch';
import type { PrepareRoot } from '../buildroot';
import { readGitFacts, repositoryPath, type GitFacts } from '../git';
import type { MelangeBuildRequest } from './build-options';
import { collectAndLint } from './collect';
import { evaluateCondition } from './condition';
import type { OwnerMap } from './destdir';
import { emitPackage, type EmittedPackage } from './emit';
import { loadMelangeConfig, type LoadedMelangeConfig } from './load';
import type { BuildEnvironment, PackageCommon, PipelineStep } from './model';
import { runPipeline } from './pipeline';
import { addToRepository } from './repository';
import { runPackageTests, testsOf } from './test-run';
import { isInside, outputDir, type Runner } from './runner';
import { runnerFacts, startRunner } from './runners';
import { pipelineSubstitutions, substituteQuoted } from './substitutions';
import { targetsArch } from './target-architecture';
import { canRunArch, emulationHint } from './emulation';
import { writeBuildLogs } from './build-logs';
import { runsInTargetRoot } from './runner-root';

/** One package a build wrote. */
export interface BuiltPackage {
  /** The apk architecture it was built for. */
  readonly arch: string;
  readonly name: string;
  /** `<version>-r<epoch>`. */
  readonly version: string;
  /** Where the .apk was written. */
  readonly path: string;
  /** Its index checksum (`Q1…`). */
  readonly checksum: string;
}

/** What a build produced, architecture by architecture in the request's order. */
export interface MelangeBuildResult {
  readonly packages: readonly BuiltPackage[];
  /** The updated indexes, one per architecture built, when indexes were written. */
  readonly indexes: readonly string[];
}

/** Test seams: what a test may put in place of a real part. */
export interface MelangeBuildSeams {
  /** Writes the build root instead of engine/buildroot (runners that prepare a root). */
  readonly prepareRoot?: PrepareRoot;
  /** Writes each test's root instead of engine/buildroot. */
  readonly prepareTestRoot?: PrepareRoot;
}

/** melange gives its `build` user (1000:1000) ownership of the workspace; packages record it as root. */
const MELANGE_BUILD_ID = 1000;

function ownerMap(loaded: LoadedMelangeConfig, runner: Runner): OwnerMap {
  const acc = loaded.config.environment.accounts;
  return {
    rootUids: new Set([MELANGE_BUILD_ID, runner.stepUser.uid]),
    rootGids: new Set([MELANGE_BUILD_ID, runner.stepUser.gid]),
    userNames: new Map(acc.users.map((u) => [u.uid, u.username])),
    groupNames: new Map(acc.groups.map((g) => [g.gid, g.groupname])),
  };
}

/** The steps' environment: the defaults, then the --env-file variables, then the YAML's environment (which wins, as in melange). */
function baseEnv(loaded: LoadedMelangeConfig, runner: Runner, sde: number, envFileVars: Readonly<Record<string, string>>): Record<string, string> {
  const ws = runner.workspace;
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: ws,
    GOPATH: `${ws}/.cache/go`,
    GOMODCACHE: runner.cacheDir('gomodcache'),
    SOURCE_DATE_EPOCH: String(sde),
    ...envFileVars,
    ...loaded.config.environment.environment,
  };
}

/**
 * Packages the steps declare in `needs.packages`, which melange adds to the
 * build environment; a build without environment packages runs on this
 * machine's tools, so its needs are the machine's to meet.
 */
function withNeeds(cfg: LoadedMelangeConfig['config']): BuildEnvironment {
  if (cfg.environment.contents.packages.length === 0) return cfg.environment;
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

/** The facts without HEAD (its commit and time) when the request keeps VCS facts out; the top level only names the config's path. */
function withoutHead(facts: GitFacts, vcs: boolean): GitFacts {
  if (vcs) return facts;
  return facts.toplevel !== undefined ? { toplevel: facts.toplevel } : {};
}

/**
 * Builds every package of a melange.yaml for each architecture of the request, in order, into the local repository.
 * With `replaceOutDir` the repository is built afresh in a temporary sibling and swapped in only when every
 * architecture succeeded, so a failed build leaves the previous repository whole.
 */
export async function buildMelangePackages(request: MelangeBuildRequest, seams: MelangeBuildSeams = {}): Promise<MelangeBuildResult> {
  if (!request.replaceOutDir) return buildAll(request, seams, request.outDir);
  const final = request.outDir;
  const moved = (p: string, tmp: string) => join(final, relative(tmp, p));
  let result: MelangeBuildResult = { packages: [], indexes: [] };
  await replaceDirAtomic(final, async (tmp) => {
    const r = await buildAll({ ...request, outDir: tmp }, seams, final);
    result = { packages: r.packages.map((p) => ({ ...p, path: moved(p.path, tmp) })), indexes: r.indexes.map((i) => moved(i, tmp)) };
  });
  return result;
}

/** Every architecture into `request.outDir`; `shownOutDir` is the repository as the user named it (logs, and never copied into the workspace). */
async function buildAll(request: MelangeBuildRequest, seams: MelangeBuildSeams, shownOutDir: string): Promise<MelangeBuildResult> {
  const loaded = await loadMelangeConfig(request.configPath, {
    vars: request.vars,
    pipelineDirs: request.pipelineDirs,
    tests: testsRun(request),
    buildOptions: request.buildOptions,
    ...(request.varsFile !== undefined ? { varsFile: request.varsFile } : {}),
  });
  for (const w of loaded.warnings) request.log(`warning: ${w}`);
  const git = withOverrides(withoutHead(await readGitFacts(loaded.dir), request.vcs), request);
  const sourceGit = request.sourceDir === loaded.dir ? git : withoutHead(await readGitFacts(request.sourceDir), request.vcs);
  const sde = request.sourceDateEpoch ?? sourceGit.commitTime ?? 0;
  const packages: BuiltPackage[] = [];
  const indexes: string[] = [];
  const archs = buildArchs(request, loaded);
  for (const arch of archs) {
    const r = await withTimeout(request, loaded, arch, (signal) => buildArch(request, seams, { loaded, git, sde, arch, shownOutDir, signal }));
    packages.push(...r.packages);
    if (r.index !== undefined) indexes.push(r.index);
  }
  return { packages, indexes };
}

/** The detected git facts with melange's `--git-commit` in place of HEAD. */
function withOverrides(facts: GitFacts, o: MelangeBuildRequest): GitFacts {
  return o.gitCommit !== undefined ? { ...facts, commit: o.gitCommit } : facts;
}

/**
 * The architectures to build. Asked for: all of them (the loop skips what target-architecture leaves out). By
 * default: those this machine can run that target-architecture allows; when it allows none of them, the build
 * fails naming the architectures and how to let this machine run them.
 */
function buildArchs(o: MelangeBuildRequest, loaded: LoadedMelangeConfig): readonly Arch[] {
  if (!o.archsDefaulted) return o.archs;
  const targets = loaded.config.package.targetArchitecture;
  const wanted = ALL_ARCHS.filter((a) => targetsArch(targets, a));
  const missing = targets.length === 0 || targets.includes('all') ? [] : wanted.filter((a) => !o.archs.includes(a));
  const chosen = o.archs.filter((a) => targetsArch(targets, a));
  if (chosen.length === 0) {
    throw new ConfigError(`${loaded.file}: package.target-architecture (${targets.join(', ')}) allows no architecture this ${hostArch().apk} machine can run steps for`, {
      file: loaded.file,
      path: 'package.target-architecture',
      hint: `${missing.map((a) => emulationHint(a)).join('; ')}; or pass --arch to build for it`,
    });
  }
  for (const a of missing) o.log(`not building ${a.apk} (package.target-architecture allows it): this machine has no qemu-user handler for it; pass --arch ${a.apk} after you ${emulationHint(a)}`);
  return chosen;
}

/**
 * Runs one architecture's build under its timeout (melange's --timeout, else package.timeout): its steps are
 * killed when it passes, and the build fails naming it.
 */
async function withTimeout<T>(o: MelangeBuildRequest, loaded: LoadedMelangeConfig, arch: Arch, build: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  const fromFile = loaded.config.package.timeout;
  const limit = o.timeout !== undefined ? { ...o.timeout, source: '--timeout' } : fromFile !== undefined ? { ...fromFile, source: `package.timeout in ${loaded.file}` } : undefined;
  if (limit === undefined) return build(undefined);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limit.ms);
  try {
    return await build(controller.signal);
  } catch (err) {
    if (!controller.signal.aborted) throw err;
    throw new ConfigError(`the ${arch.apk} build exceeded its timeout of ${limit.text} (${limit.source}); its running step was killed`, {
      cause: err,
      hint: `raise the timeout (${limit.source}), or find the step that hangs in the output above`,
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the build runs the tests: asked for, and on a runner that can install the packages under test (test-run.ts warns otherwise). */
function testsRun(request: MelangeBuildRequest): boolean {
  return request.runTests && runnerFacts(request.runner).preparesRoot !== 'never';
}

/** What one architecture's build shares with the others. */
interface ArchBuild {
  readonly loaded: LoadedMelangeConfig;
  readonly git: GitFacts;
  readonly sde: number;
  readonly arch: Arch;
  readonly shownOutDir: string;
  /** Aborted when the build's timeout passes. */
  readonly signal: AbortSignal | undefined;
}

/** One architecture: skipped when package.target-architecture leaves it out, else built and written to `<outDir>/<arch>/`. */
async function buildArch(o: MelangeBuildRequest, seams: MelangeBuildSeams, b: ArchBuild): Promise<{ packages: BuiltPackage[]; index?: string }> {
  const cfg = b.loaded.config;
  const targets = cfg.package.targetArchitecture;
  if (!targetsArch(targets, b.arch)) {
    o.log(`skipping ${cfg.package.name}: package.target-architecture (${targets.join(', ')}) does not include ${b.arch.apk}`);
    return { packages: [] };
  }
  const host = hostArch();
  if (runsInTargetRoot(runnerFacts(o.runner), { environment: withNeeds(cfg), request: o }) && !canRunArch(b.arch, host)) {
    throw new ConfigError(`cannot build ${cfg.package.name} for ${b.arch.apk} on this ${host.apk} machine: the steps run in an ${b.arch.apk} build environment, and no qemu-user handler for ${b.arch.apk} is registered with binfmt_misc`, {
      hint: emulationHint(b.arch),
    });
  }
  const emitted = await runAndEmit(o, seams, b);
  // Tested before anything is written: a failing test leaves the repository as it was.
  if (o.runTests && testsOf(b.loaded).length > 0) {
    // The test root holds the target's binaries, which only run on a machine of that architecture.
    if (b.arch.apk !== hostArch().apk) o.log(`warning: not running the test: sections for ${b.arch.apk} on this ${hostArch().apk} machine (run apko-nx melange test there)`);
    else await runPackageTests({ request: o, loaded: b.loaded, arch: b.arch, packages: emitted, ...(seams.prepareTestRoot ? { prepareRoot: seams.prepareTestRoot } : {}) });
  }
  const archDir = join(o.outDir, b.arch.apk);
  let index: string | undefined;
  if (o.generateIndex) {
    index = await addToRepository(archDir, emitted, o.signingKey);
  } else {
    await fsp.mkdir(archDir, { recursive: true });
    for (const p of emitted) await writeFileAtomic(join(archDir, p.fileName), p.bytes);
  }
  const packages = emitted.map((p) => ({ arch: b.arch.apk, name: p.name, version: p.version, path: join(archDir, p.fileName), checksum: p.checksum }));
  for (const p of packages) o.log(`wrote ${join(b.shownOutDir, relative(o.outDir, p.path))}`);
  await writeBuildLogs(o, { arch: b.arch, origin: cfg.package.name }, emitted);
  return { packages, ...(index !== undefined ? { index } : {}) };
}

/** Runs every pipeline and emits the packages, in memory; the workspace is removed whatever happens. */
async function runAndEmit(o: MelangeBuildRequest, seams: MelangeBuildSeams, b: ArchBuild): Promise<EmittedPackage[]> {
  const { loaded, git, sde, arch } = b;
  const cfg = loaded.config;
  const skip = [o.outDir, b.shownOutDir].filter((d, i, all) => all.indexOf(d) === i && isInside(o.sourceDir, d));
  const started = await startRunner(o.runner, { request: o, arch, environment: withNeeds(cfg), skip, capabilities: cfg.capabilities, ...(seams.prepareRoot ? { prepareRoot: seams.prepareRoot } : {}) });
  const runner = timed(started, b.signal);
  let failed = true;
  try {
    const names = [cfg.package.name, ...cfg.subpackages.map((s) => s.name)];
    const relatives = new Map(names.map((n) => [n, outputDir(runner.hostWorkspace, n)]));
    // melange-out is the build's own; a copy that came with the sources (an earlier melange run) must not leak in.
    await fsp.rm(join(runner.hostWorkspace, 'melange-out'), { recursive: true, force: true });
    for (const dir of relatives.values()) await fsp.mkdir(dir, { recursive: true, mode: 0o755 });
    const env = baseEnv(loaded, runner, sde, o.envFileVars);
    const target = { arch, workspace: runner.workspace, packageNames: names };
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

    const owners = ownerMap(loaded, runner);
    const policy = { require: o.lintRequire, warn: o.lintWarn };
    const entries = await collectAndLint({ config: cfg, file: loaded.file, built, dirs: relatives, owners, policy, log: o.log });
    const commit = cfg.package.commit || git.commit || '';
    const shared = {
      origin: cfg.package,
      relatives,
      arch,
      namespace: o.namespace,
      sourceDateEpoch: sde,
      detectedCommit: git.commit ?? '',
      configText: loaded.text,
      ...(commit !== '' ? { configFile: { path: repositoryPath(o.configPath, git, basename(o.configPath)), commit, license: o.license, ...(o.gitRepoUrl !== undefined ? { repositoryUrl: o.gitRepoUrl } : {}) } } : {}),
      licenseTexts: await licenseTexts(loaded, runner.hostWorkspace),
      owners,
      ...(o.signingKey ? { signingKey: o.signingKey } : {}),
      log: o.log,
    };
    const out: EmittedPackage[] = [];
    for (const pkg of built) out.push(await emitPackage({ ...shared, pkg, dir: relatives.get(pkg.name)!, entries: entries.get(pkg.name)! }));
    failed = false;
    return out;
  } finally {
    if (failed && !o.remove) o.log(`the build environment has been preserved (--rm=false): workspace ${runner.hostWorkspace}`);
    else await runner.dispose();
  }
}

/** The runner with every step ended when `signal` aborts (the build's timeout); a step asked for after that is not started. */
function timed(runner: Runner, signal: AbortSignal | undefined): Runner {
  if (signal === undefined) return runner;
  return {
    ...runner,
    cacheDir: (name) => runner.cacheDir(name),
    run: (step) => (signal.aborted ? Promise.resolve({ exitCode: null, signal: 'SIGKILL', tail: [] }) : runner.run({ ...step, signal })),
    dispose: () => runner.dispose(),
  };
}
