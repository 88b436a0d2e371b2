/**
 * Loads a melange.yaml: YAML with go-yaml's scalar rules and positions
 * (config/yaml-tree.ts), the strict schema, then melange's load-time steps:
 * `vars` and `var-transforms`, `range` subpackages expanded from `data`,
 * substitutions in names, versions and dependencies, and the checks melange
 * makes (name syntax, version, priorities, unique subpackages), and `uses:`
 * resolved into the pipelines' steps (uses.ts). Every
 * `${{…}}` in a pipeline is checked here too, so a typo fails before any step
 * runs. Errors are ConfigErrors with file, YAML path, line and column.
 */
import { promises as fsp } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArch } from '../arch';
import { issuesToError, locatedError } from '../yaml/issues';
import { PlainScalar } from '../yaml/scalar';
import { parseYamlTree, formatPath, type PathSegment, type YamlTree } from '../yaml/tree';
import { isValidVersion } from '../apk/version';
import { ConfigError } from '../errors';
import { toModel, type Dependencies, type FileCapability, type MelangeConfig, type PipelineStep, type SubpackageSpec, type TestSpec } from './model';
import { melangeFileSchema } from './schema';
import {
  configSubstitutions,
  pipelineSubstitutions,
  resolveVars,
  substitute,
  substituteKnown,
  type Substitutions,
} from './substitutions';
import { compareBytes } from '../order';
import { expandSteps, usesContext } from './uses';
import { applyBuildOptions, optionSubstitutions } from './build-option';
import { setcapProblems } from './setcap';
import { melangeVarValue } from './schema';
import { LINTERS } from './lint/table';

/** A loaded, validated and substituted melange.yaml. */
export interface LoadedMelangeConfig {
  /** The path as given, used in messages. */
  readonly file: string;
  /** Directory holding the file (absolute). */
  readonly dir: string;
  /** The file's text, stored in packages as `.melange.yaml`. */
  readonly text: string;
  readonly config: MelangeConfig;
  /** What loads but deserves a look (a version apk cannot order, an unknown build option), one line each. */
  readonly warnings: readonly string[];
  /** package.* and vars.* after substitution. */
  readonly substitutions: Substitutions;
}

/** Options of `loadMelangeConfig`. */
export interface LoadMelangeOptions {
  /** `--var` overrides for `vars:`, used literally; they win over everything else. */
  vars?: Readonly<Record<string, string>>;
  /** `--vars-file`: a YAML map merged over `vars:` (then the enabled build options' vars apply, as in melange). */
  varsFile?: string;
  /** `--build-option`: names of top-level `options:` entries to apply (build-option.ts). */
  buildOptions?: readonly string[];
  /** `--pipeline-dir`: directories searched for `uses:` definitions before the built-in ones, in order. */
  pipelineDirs?: readonly string[];
  /** Resolve `uses:` into the definitions' steps (default true); melange query and package-version read the file without. */
  resolveUses?: boolean;
  /**
   * Resolve the `uses:` of the `test:` pipelines too (for runs that test).
   * Without it they stay as written: a file whose tests use pipelines apko-nx
   * does not have (melange's test/*) still builds.
   */
  tests?: boolean;
}

/** melange's `packageNameRegex`. */
const PACKAGE_NAME = /^[a-zA-Z\d][a-zA-Z\d+_.-]*$/;

/** Reads, validates and substitutes a melange.yaml. */
export async function loadMelangeConfig(path: string, opts: LoadMelangeOptions = {}): Promise<LoadedMelangeConfig> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`, { file: path, cause: err, hint: 'check the path to melange.yaml' });
  }
  if (text.trim() === '') {
    throw new ConfigError(`${path}:1:1: the file is empty`, { file: path, line: 1, column: 1, hint: 'a melange.yaml needs at least package: (name, version) and pipeline:' });
  }
  const tree = parseYamlTree(text, path);
  const parsed = melangeFileSchema.safeParse(tree.value);
  if (!parsed.success) throw issuesToError(path, parsed.error.issues, tree, melangeFileSchema);
  const model = toModel(parsed.data);
  if (opts.varsFile !== undefined) model.vars = { ...model.vars, ...(await readVarsFile(opts.varsFile)) };
  const { config: raw, warnings } = applyBuildOptions(model, opts.buildOptions ?? [], path);
  raw.vars = { ...raw.vars, ...(opts.vars ?? {}) };
  // --var values are literal text: nothing of the caller's is substituted.
  const literal = new Set(Object.keys(opts.vars ?? {}));
  const substituted = substituteConfig(expandRanges(raw, tree, path), path, literal);
  const config = opts.resolveUses === false ? substituted : await expandAllUses(substituted, usesContext(path, tree, opts.pipelineDirs ?? []), opts.tests === true);
  // vars and var-transforms may use package fields, so they are resolved again against the substituted ones.
  const substitutions = resolveVars(baseSubstitutions(config), config.vars, { transforms: config.varTransforms, file: path, literal });
  const versionWarning = checkConfig(config, substitutions, tree, path);
  return { file: path, dir: resolve(dirname(path)), text, config, substitutions, warnings: [...warnings, ...(versionWarning ? [versionWarning] : [])] };
}

/** melange's setcap: checks: known capabilities, a reason for each entry. */
function checkSetcap(list: readonly FileCapability[], base: PathSegment[], tree: YamlTree, file: string): void {
  list.forEach((c, i) => {
    const problem = setcapProblems(c)[0];
    if (problem === undefined) return;
    const [where, detail] = problem;
    const path: PathSegment[] = where.startsWith('add.') ? [...base, i, 'add', where.slice(4)] : [...base, i, where];
    fail(tree, file, { path, detail, hint: 'setcap: entries are { path, add: { <capability>: "+ep" }, reason }', at: where.startsWith('add.') ? 'key' : 'value' });
  });
}

/** What every substitution starts from: package.* and options.*.enabled. */
function baseSubstitutions(cfg: MelangeConfig): Map<string, string> {
  return new Map([...configSubstitutions(cfg.package), ...optionSubstitutions(cfg)]);
}

/** `--vars-file`: a YAML map of names to scalar values. */
async function readVarsFile(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the vars file ${file}: ${(err as Error).message}`, { file, cause: err, hint: 'check the path given to --vars-file' });
  }
  const tree = parseYamlTree(text, file);
  const value = tree.value;
  if (value === null || value === undefined || (value instanceof PlainScalar && value.value === null)) return {};
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof PlainScalar) {
    throw new ConfigError(`${file}: a vars file is a map of names to values`, { file, hint: 'write one name: value per line' });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const parsed = melangeVarValue.safeParse(v);
    if (!parsed.success) {
      throw new ConfigError(`${file}: ${k}: a vars file value is a single scalar (text, number or boolean)`, { file, path: k, hint: 'quote the value if it is meant as text' });
    }
    out[k] = parsed.data;
  }
  return out;
}

/** Resolves every `uses:` of the main pipeline and the subpackages into steps (uses.ts). */
async function expandAllUses(cfg: MelangeConfig, ctx: ReturnType<typeof usesContext>, tests: boolean): Promise<MelangeConfig> {
  const pipeline = await expandSteps(ctx, cfg.pipeline, { path: ['pipeline'] });
  const test = async (t: TestSpec | undefined, path: PathSegment[]) => {
    if (t === undefined || !tests) return t;
    try {
      return { ...t, pipeline: await expandSteps(ctx, t.pipeline, { path }) };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // A test that cannot load need not stop a build: say how to build without it.
      const hint = `${err.hint !== undefined ? `${err.hint}; ` : ''}or build without running the tests (--run-tests=false; runTests: false in the package executor)`;
      throw new ConfigError(err.message, { hint, cause: err.cause, ...pick(err) });
    }
  };
  const subpackages: SubpackageSpec[] = [];
  for (const [i, sp] of cfg.subpackages.entries()) {
    const spTest = await test(sp.test, ['subpackages', i, 'test', 'pipeline']);
    subpackages.push({ ...sp, pipeline: await expandSteps(ctx, sp.pipeline, { path: ['subpackages', i, 'pipeline'] }), ...(spTest ? { test: spTest } : {}) });
  }
  const mainTest = await test(cfg.package.test, ['test', 'pipeline']);
  return { ...cfg, pipeline, subpackages, package: { ...cfg.package, ...(mainTest ? { test: mainTest } : {}) } };
}

/** The location fields of a ConfigError. */
function pick(e: ConfigError): { file?: string; path?: string; line?: number; column?: number } {
  return { ...(e.file !== undefined ? { file: e.file } : {}), ...(e.path !== undefined ? { path: e.path } : {}), ...(e.line !== undefined ? { line: e.line } : {}), ...(e.column !== undefined ? { column: e.column } : {}) };
}

/** A problem at a YAML path, for `fail`. */
interface Problem {
  readonly path: PathSegment[];
  readonly detail: string;
  readonly hint?: string;
  /** Point at the key instead of the value. */
  readonly at?: 'key' | 'value';
}

function fail(tree: YamlTree, file: string, p: Problem): never {
  throw locatedError(file, { path: p.path, ...tree.locate(p.path, p.at ?? 'value'), detail: p.detail, ...(p.hint !== undefined ? { hint: p.hint } : {}) });
}

/** Expands `range:` subpackages, one per item of the named `data` entry, in sorted key order (as melange). */
function expandRanges(cfg: MelangeConfig, tree: YamlTree, file: string): MelangeConfig {
  if (!cfg.subpackages.some((s) => s.range !== undefined)) return cfg;
  const data = new Map(cfg.data.map((d) => [d.name, d.items]));
  const subpackages: SubpackageSpec[] = [];
  cfg.subpackages.forEach((sp, i) => {
    if (sp.range === undefined) return void subpackages.push(sp);
    const items = data.get(sp.range);
    if (items === undefined) {
      fail(tree, file, {
        path: ['subpackages', i, 'range'],
        detail: `range "${sp.range}" names no data: entry (known: ${[...data.keys()].join(', ') || 'none'})`,
        hint: 'add a data: entry with that name and items:',
      });
    }
    for (const key of Object.keys(items).sort(compareBytes)) {
      const map = new Map([['range.key', key], ['range.value', items[key]!]]);
      const r = (s: string): string => substituteKnown(s, map);
      const { range: _range, ...rest } = sp;
      subpackages.push({
        ...rest,
        name: r(sp.name),
        description: r(sp.description),
        url: r(sp.url),
        ...(sp.if !== undefined ? { if: r(sp.if) } : {}),
        dependencies: mapDependencies(sp.dependencies, r),
        scriptlets: {
          scripts: Object.fromEntries(Object.entries(sp.scriptlets.scripts).map(([k, v]) => [k, r(v)])),
          triggerPaths: sp.scriptlets.triggerPaths.map(r),
        },
        pipeline: sp.pipeline.map((s) => mapStep(s, r)),
        ...(sp.test ? { test: { ...sp.test, pipeline: sp.test.pipeline.map((s) => mapStep(s, r)) } } : {}),
      });
    }
  });
  return { ...cfg, subpackages };
}

function mapDependencies(d: Dependencies, f: (s: string) => string): Dependencies {
  return {
    runtime: d.runtime.map(f),
    provides: d.provides.map(f),
    replaces: d.replaces.map(f),
    ...(d.providerPriority !== undefined ? { providerPriority: f(d.providerPriority) } : {}),
    ...(d.replacesPriority !== undefined ? { replacesPriority: f(d.replacesPriority) } : {}),
  };
}

function mapStep(s: PipelineStep, f: (s: string) => string): PipelineStep {
  return {
    ...s,
    ...(s.runs !== undefined ? { runs: f(s.runs) } : {}),
    ...(s.workingDirectory !== undefined ? { workingDirectory: f(s.workingDirectory) } : {}),
    ...(s.if !== undefined ? { if: f(s.if) } : {}),
    with: Object.fromEntries(Object.entries(s.with).map(([k, v]) => [k, f(v)])),
    pipeline: s.pipeline.map((c) => mapStep(c, f)),
  };
}

/** Substitutes what melange substitutes at load time: names, versions, descriptions, dependencies, environment packages. */
function substituteConfig(cfg: MelangeConfig, file: string, literal: ReadonlySet<string>): MelangeConfig {
  const early = resolveVars(baseSubstitutions(cfg), cfg.vars, { transforms: cfg.varTransforms, file, literal });
  const at = (path: PathSegment[]) => ({ file, path: formatPath(path) });
  const s = (v: string, path: PathSegment[]): string => substitute(v, early, at(path));
  const deps = (d: Dependencies, base: PathSegment[]): Dependencies => {
    const list = (key: 'runtime' | 'provides' | 'replaces') => d[key].map((v, i) => s(v, [...base, key, i]));
    return {
      runtime: list('runtime'),
      provides: list('provides'),
      replaces: list('replaces'),
      ...(d.providerPriority !== undefined ? { providerPriority: s(d.providerPriority, [...base, 'provider-priority']) } : {}),
      ...(d.replacesPriority !== undefined ? { replacesPriority: s(d.replacesPriority, [...base, 'replaces-priority']) } : {}),
    };
  };
  const testPackages = (t: TestSpec, base: PathSegment[]): TestSpec => ({
    ...t,
    environment: { ...t.environment, contents: { ...t.environment.contents, packages: t.environment.contents.packages.map((v, i) => s(v, [...base, 'environment', 'contents', 'packages', i])) } },
  });
  const p = cfg.package;
  return {
    ...cfg,
    package: {
      ...p,
      name: s(p.name, ['package', 'name']),
      version: s(p.version, ['package', 'version']),
      description: s(p.description, ['package', 'description']),
      dependencies: deps(p.dependencies, ['package', 'dependencies']),
      ...(p.test ? { test: testPackages(p.test, ['test']) } : {}),
    },
    subpackages: cfg.subpackages.map((sp, i) => ({
      ...sp,
      ...(sp.test ? { test: testPackages(sp.test, ['subpackages', i, 'test']) } : {}),
      name: s(sp.name, ['subpackages', i, 'name']),
      description: s(sp.description, ['subpackages', i, 'description']),
      dependencies: deps(sp.dependencies, ['subpackages', i, 'dependencies']),
    })),
    environment: {
      ...cfg.environment,
      contents: {
        ...cfg.environment.contents,
        packages: cfg.environment.contents.packages.map((v, i) => s(v, ['environment', 'contents', 'packages', i])),
      },
    },
  };
}

function checkPriority(d: Dependencies, base: PathSegment[], tree: YamlTree, file: string): void {
  for (const [key, v] of [['provider-priority', d.providerPriority], ['replaces-priority', d.replacesPriority]] as const) {
    if (v !== undefined && !/^\d+$/.test(v)) fail(tree, file, { path: [...base, key], detail: `expected an integer, got "${v}"` });
  }
}

/** Checks every step's `${{…}}` references against the map the step will run with (`uses:` were resolved before). */
function checkSteps(ctx: { subs: Substitutions; tree: YamlTree; file: string }, steps: readonly PipelineStep[], base: PathSegment[]): void {
  const { subs, tree, file } = ctx;
  steps.forEach((st, i) => {
    const path = [...base, i];
    const check = (v: string | undefined, key: PathSegment[]) => {
      // inputs.* belong to a uses: pipeline's own definition, never to a file's steps.
      if (v !== undefined) substitute(v, subs, { file, path: formatPath([...path, ...key]) });
    };
    check(st.runs, ['runs']);
    check(st.if, ['if']);
    check(st.workingDirectory, ['working-directory']);
    for (const [k, v] of Object.entries(st.with)) check(v, ['with', k]);
    for (const [k, v] of Object.entries(st.environment)) check(v, ['environment', k]);
    checkSteps(ctx, st.pipeline, [...path, 'pipeline']);
  });
}

/** Every `checks.disabled` entry names a linter (melange refuses an unknown one when it lints). */
function checkDisabled(disabled: readonly string[], base: PathSegment[], tree: YamlTree, file: string): void {
  disabled.forEach((name, i) => {
    if (!LINTERS.has(name)) {
      fail(tree, file, { path: [...base, 'checks', 'disabled', i], detail: `"${name}" is not a linter`, hint: `the linters are ${[...LINTERS.keys()].sort(compareBytes).join(', ')}` });
    }
  });
}

/** Checks what melange checks; returns a warning for a version apk cannot order (melange builds it, so this does too). */
function checkConfig(cfg: MelangeConfig, subs: Substitutions, tree: YamlTree, file: string): string | undefined {
  const p = cfg.package;
  checkDisabled(p.checksDisabled, ['package'], tree, file);
  if (!PACKAGE_NAME.test(p.name)) fail(tree, file, { path: ['package', 'name'], detail: `"${p.name}" is not a package name (must match ${PACKAGE_NAME.source})` });
  if (/-r\d+$/.test(p.version)) {
    fail(tree, file, { path: ['package', 'version'], detail: `"${p.version}" ends in a release suffix`, hint: 'write the version without -rN and set package.epoch to N' });
  }
  const versionWarning = isValidVersion(p.version)
    ? undefined
    : `${file}:${tree.locate(['package', 'version'], 'value').line}: package.version "${p.version}" is not a version apk can order: the package builds, but apk and apko cannot compare it with others or pick it by version (write digits separated by dots, optionally a letter and suffixes such as _rc1 or _p2, e.g. 1.2.3)`;
  checkPriority(p.dependencies, ['package', 'dependencies'], tree, file);
  checkSetcap(p.setcap, ['package', 'setcap'], tree, file);
  cfg.subpackages.forEach((sp, i) => checkSetcap(sp.setcap, ['subpackages', i, 'setcap'], tree, file));
  for (const kind of ['add', 'drop'] as const) {
    cfg.capabilities[kind].forEach((c, i) => {
      if (!/^CAP_[A-Z0-9_]+$/.test(c)) {
        fail(tree, file, { path: ['capabilities', kind, i], detail: `"${c}" is not a Linux capability name`, hint: 'write capabilities as the kernel names them, e.g. CAP_NET_ADMIN' });
      }
    });
  }
  for (const a of p.targetArchitecture) {
    if (a !== 'all') parseArch(a, `${file}: package.target-architecture`);
  }
  const seen = new Map<string, number>([[p.name, -1]]);
  cfg.subpackages.forEach((sp, i) => {
    if (!PACKAGE_NAME.test(sp.name)) fail(tree, file, { path: ['subpackages', i, 'name'], detail: `"${sp.name}" is not a package name (must match ${PACKAGE_NAME.source})` });
    const prev = seen.get(sp.name);
    if (prev !== undefined) {
      fail(tree, file, {
        path: ['subpackages', i, 'name'],
        detail: `"${sp.name}" is already the name of ${prev < 0 ? 'the main package' : `subpackages[${prev}]`}`,
        hint: 'give every package of the file its own name',
      });
    }
    seen.set(sp.name, i);
    checkDisabled(sp.checksDisabled, ['subpackages', i], tree, file);
    checkPriority(sp.dependencies, ['subpackages', i, 'dependencies'], tree, file);
  });
  const names = [p.name, ...cfg.subpackages.map((s) => s.name)];
  const target = { arch: parseArch('x86_64'), workspace: '/home/build', packageNames: names };
  checkSteps({ subs: pipelineSubstitutions(subs, target), tree, file }, cfg.pipeline, ['pipeline']);
  cfg.subpackages.forEach((sp, i) => {
    const spSubs = pipelineSubstitutions(subs, { ...target, subpackage: sp.name });
    if (sp.if !== undefined) substitute(sp.if, spSubs, { file, path: formatPath(['subpackages', i, 'if']) });
    checkSteps({ subs: spSubs, tree, file }, sp.pipeline, ['subpackages', i, 'pipeline']);
  });
  return versionWarning;
}
