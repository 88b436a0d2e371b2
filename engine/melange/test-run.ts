/**
 * melange's `test:` sections, run on built packages (melange
 * pkg/build/test.go): for the main package's test and then each
 * subpackage's, a fresh root made by the build root stage from the test's
 * `environment` plus the package under test and what the test's steps
 * need, then the test pipeline in the request's runner, in an empty
 * workspace (or a copy of `--source-dir` for `melange test`). The packages
 * under test come from a private repository written for the run and signed
 * with a key made for it, so they are installed through the same verified
 * path as every other package. A failing step fails with a PipelineError
 * naming the test; every root is removed afterwards.
 */
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '../apk/keys';
import { formatPath, type PathSegment } from '../yaml/tree';
import type { Arch } from '../arch';
import type { PrepareRoot } from '../buildroot';
import type { MelangeBuildRequest } from './build-options';
import type { LoadedMelangeConfig } from './load';
import type { BuildEnvironment, PipelineStep, TestSpec } from './model';
import { runPipeline } from './pipeline';
import { addToRepository } from './repository';
import { outputDir } from './runner';
import { removeRunnerDir } from './runner-cleanup';
import { runnerFacts, startRunner } from './runners';
import { pipelineSubstitutions } from './substitutions';

/** A package file to test. */
export interface PackageFile {
  readonly fileName: string;
  readonly bytes: Buffer;
}

/** What a test run takes. */
export interface TestRun {
  readonly request: MelangeBuildRequest;
  readonly loaded: LoadedMelangeConfig;
  readonly arch: Arch;
  /** The built packages the tests install (a subpackage's test installs it by name from here). */
  readonly packages: readonly PackageFile[];
  /** The name the main test installs (melange test's package-name argument); default package.name. */
  readonly mainPackage?: string;
  /** The workspace's contents (`--source-dir`); default an empty workspace, as melange. */
  readonly sourceDir?: string;
  readonly prepareRoot?: PrepareRoot;
}

/** One test: whose it is, where it is written, and its section. */
interface OneTest {
  readonly pkg: string;
  /** The main package's (top-level `test:`), not a subpackage's. */
  readonly main: boolean;
  /** The YAML path of its pipeline. */
  readonly path: PathSegment[];
  readonly spec: TestSpec;
}

/** The tests with steps, main package first, in the file's order. */
export function testsOf(loaded: LoadedMelangeConfig): OneTest[] {
  const cfg = loaded.config;
  const out: OneTest[] = [];
  if (cfg.package.test !== undefined && cfg.package.test.pipeline.length > 0) out.push({ pkg: cfg.package.name, main: true, path: ['test', 'pipeline'], spec: cfg.package.test });
  cfg.subpackages.forEach((sp, i) => {
    if (sp.test !== undefined && sp.test.pipeline.length > 0) out.push({ pkg: sp.name, main: false, path: ['subpackages', i, 'test', 'pipeline'], spec: sp.test });
  });
  return out;
}

function needsOf(steps: readonly PipelineStep[]): string[] {
  return steps.flatMap((s) => [...s.needs, ...needsOf(s.pipeline)]);
}

/**
 * The test's environment with the package under test and the steps' needs
 * added, and the run's private repository. A test environment that names no
 * repositories takes the build environment's (and its keyring), so a file
 * whose repositories are written once under `environment:` tests as it builds.
 */
function testEnvironment(spec: TestSpec, pkg: string, repo: { dir: string; key: string }, build: BuildEnvironment): BuildEnvironment {
  const own = spec.environment.contents;
  const c = own.repositories.length > 0 ? own : { ...own, repositories: build.contents.repositories, keyring: [...build.contents.keyring, ...own.keyring] };
  const packages = [...new Set([...c.packages, pkg, ...needsOf(spec.pipeline)])];
  return { ...spec.environment, contents: { repositories: [...c.repositories, repo.dir], keyring: [...c.keyring, repo.key], packages } };
}

/** Runs every test of the config on the packages; resolves when all passed. */
export async function runPackageTests(t: TestRun): Promise<void> {
  const tests = testsOf(t.loaded);
  if (tests.length === 0) return;
  const log = t.request.log;
  if (runnerFacts(t.request.runner).preparesRoot === 'never') {
    log(`warning: runner "${t.request.runner}" runs on this machine and cannot install the packages under test; skipping ${tests.length} test section(s) (use the default runner "bubblewrap")`);
    return;
  }
  const dir = await fsp.mkdtemp(join(tmpdir(), 'apko-nx-melange-test-'));
  try {
    const key = generateKeyPair('apko-nx-test', 2048);
    const repo = { dir: join(dir, 'repo'), key: join(dir, key.publicKeyName) };
    await fsp.writeFile(repo.key, key.publicKeyPem);
    await addToRepository(join(repo.dir, t.arch.apk), t.packages, { privateKeyPem: key.privateKeyPem, keyName: key.publicKeyName });
    const empty = join(dir, 'workspace');
    await fsp.mkdir(empty);
    for (const test of tests) {
      const pkg = test.main ? (t.mainPackage ?? test.pkg) : test.pkg;
      log(`running the test pipeline of ${test.pkg} (${t.loaded.file}: ${formatPath(test.path)})`);
      await runOne(t, test, testEnvironment(test.spec, pkg, repo, t.loaded.config.environment), t.sourceDir ?? empty);
      log(`test of ${test.pkg} passed`);
    }
  } finally {
    await removeRunnerDir(dir, log);
  }
}

async function runOne(t: TestRun, test: OneTest, environment: BuildEnvironment, sourceDir: string): Promise<void> {
  const request = { ...t.request, sourceDir };
  const runner = await startRunner(t.request.runner, { request, arch: t.arch, environment, skip: [], ...(t.prepareRoot ? { prepareRoot: t.prepareRoot } : {}) });
  try {
    const names = [t.loaded.config.package.name, ...t.loaded.config.subpackages.map((s) => s.name)];
    const onHost = outputDir(runner.hostWorkspace, test.pkg);
    await fsp.mkdir(onHost, { recursive: true });
    const env = {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: '/root',
      ...t.loaded.config.environment.environment,
      ...test.spec.environment.environment,
    };
    const target = { arch: t.arch, workspace: runner.workspace, packageNames: names, ...(test.main ? {} : { subpackage: test.pkg }) };
    await runPipeline(
      test.spec.pipeline,
      {
        runner,
        file: t.loaded.file,
        pkg: `${test.pkg} (test)`,
        substitutions: pipelineSubstitutions(t.loaded.substitutions, target),
        env,
        contextDir: { inRunner: `${runner.workspace}/melange-out/${test.pkg}`, onHost },
        log: t.request.log,
      },
      test.path,
    );
  } finally {
    await runner.dispose();
  }
}
