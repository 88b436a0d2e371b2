/**
 * MelangeConfig: a melange.yaml after validation, in camelCase, with every
 * list and map present (empty when the file left it out) so later stages never
 * handle absence. `toModel` only renames and fills defaults; substitution and
 * semantic checks happen in load.ts.
 */
import { packageTimeoutMs } from './schema';
import type { MelangeFile, RawBuildOption, RawSetcap, RawDependencies, RawEnvironment, RawOptions, RawScriptlets, RawStep, RawSubpackage, RawTest } from './schema';

/** `dependencies`; priorities stay text until substitution, then must be integers. */
export interface Dependencies {
  runtime: string[];
  provides: string[];
  replaces: string[];
  providerPriority?: string;
  replacesPriority?: string;
}

/** `options`: switches for the automatic dependency scan. */
export interface PackageOptions {
  noProvides: boolean;
  noDepends: boolean;
  noCommands: boolean;
}

/** Install scripts by control file name (`.pre-install`, `.trigger`, …) and the trigger's paths. */
export interface Scriptlets {
  scripts: Record<string, string>;
  triggerPaths: string[];
}

/** One `copyright` entry. */
export interface Copyright {
  license: string;
  attestation: string;
  licensePath?: string;
}

/** One pipeline step; nested steps inherit working directory and environment. */
export interface PipelineStep {
  name?: string;
  uses?: string;
  with: Record<string, string>;
  runs?: string;
  if?: string;
  workingDirectory?: string;
  environment: Record<string, string>;
  pipeline: PipelineStep[];
  /** `needs.packages`: added to the build environment's packages, as melange does. */
  needs: string[];
  /** `assertions.required-steps`. */
  requiredSteps?: number;
  /** Set by `uses:` resolution (uses.ts) when engine code runs the step (builtins.ts); `with` then holds every input. */
  code?: string;
  /** Set by `uses:` resolution: each input's value (given, else defaulted) and the definition's default, for `melange compile`. */
  inputs?: Readonly<Record<string, { readonly value: string; readonly default: string }>>;
}

/** `environment`: the build environment (an apko configuration subset). */
export interface BuildEnvironment {
  contents: { repositories: string[]; keyring: string[]; packages: string[] };
  environment: Record<string, string>;
  accounts: {
    users: { username: string; uid: number; gid?: number }[];
    groups: { groupname: string; gid: number; members: string[] }[];
    runAs?: string;
  };
  archs: string[];
}

/** One `setcap:` entry (setcap.ts). */
export interface FileCapability {
  path: string;
  /** Capability names, comma-separated, to flags such as `+ep`. */
  add: Record<string, string>;
  reason: string;
}

/** What the main package and a subpackage share. */
export interface PackageCommon {
  name: string;
  description: string;
  url: string;
  commit: string;
  dependencies: Dependencies;
  options: PackageOptions;
  scriptlets: Scriptlets;
  setcap: FileCapability[];
  /** `checks.disabled`: linters that only warn for this package. */
  checksDisabled: string[];
  /** Its `test:` section (the top-level one for the main package). */
  test?: TestSpec;
}

/** A `test:` section: the pipeline runs in a fresh root of the built package plus `environment`'s packages. */
export interface TestSpec {
  environment: BuildEnvironment;
  pipeline: PipelineStep[];
}

/** `package`. */
export interface PackageSpec extends PackageCommon {
  version: string;
  epoch: number;
  targetArchitecture: string[];
  copyright: Copyright[];
  /** `package.timeout` as written and in milliseconds: the build's timeout unless --timeout is given. */
  timeout?: { ms: number; text: string };
}

/** One `subpackages` entry. */
export interface SubpackageSpec extends PackageCommon {
  if?: string;
  range?: string;
  pipeline: PipelineStep[];
}

/** A top-level `options:` entry: vars it sets and build environment packages it adds and removes. */
export interface BuildOption {
  vars: Record<string, string>;
  addPackages: string[];
  removePackages: string[];
}

/** Top-level `capabilities:` for the steps' process, as written (e.g. `CAP_NET_ADMIN`). */
export interface StepCapabilities {
  add: string[];
  drop: string[];
}

/** A whole melange.yaml. */
export interface MelangeConfig {
  package: PackageSpec;
  environment: BuildEnvironment;
  pipeline: PipelineStep[];
  subpackages: SubpackageSpec[];
  vars: Record<string, string>;
  /** `options:` by name (applied by `--build-option`, build-option.ts). */
  buildOptions: Record<string, BuildOption>;
  /** The names `--build-option` enabled, in the order given. */
  enabledOptions: string[];
  capabilities: StepCapabilities;
  varTransforms: { from: string; match: string; replace: string; to: string }[];
  data: { name: string; items: Record<string, string> }[];
}

function dependencies(d: RawDependencies | undefined): Dependencies {
  return {
    runtime: d?.runtime ?? [],
    provides: d?.provides ?? [],
    replaces: d?.replaces ?? [],
    ...(d?.['provider-priority'] ? { providerPriority: d['provider-priority'] } : {}),
    ...(d?.['replaces-priority'] ? { replacesPriority: d['replaces-priority'] } : {}),
  };
}

function setcap(list: RawSetcap[] | undefined): FileCapability[] {
  return (list ?? []).map((c) => ({ path: c.path, add: c.add ?? {}, reason: c.reason ?? '' }));
}

function buildOption(o: RawBuildOption): BuildOption {
  const p = o.environment?.contents?.packages;
  return { vars: o.vars ?? {}, addPackages: p?.add ?? [], removePackages: p?.remove ?? [] };
}

function options(o: RawOptions | undefined): PackageOptions {
  return { noProvides: o?.['no-provides'] ?? false, noDepends: o?.['no-depends'] ?? false, noCommands: o?.['no-commands'] ?? false };
}

const SCRIPT_KEYS = ['pre-install', 'post-install', 'pre-deinstall', 'post-deinstall', 'pre-upgrade', 'post-upgrade'] as const;

function scriptlets(s: RawScriptlets | undefined): Scriptlets {
  const scripts: Record<string, string> = {};
  for (const k of SCRIPT_KEYS) {
    const v = s?.[k];
    if (v) scripts[`.${k}`] = v;
  }
  if (s?.trigger?.script) scripts['.trigger'] = s.trigger.script;
  return { scripts, triggerPaths: s?.trigger?.paths ?? [] };
}

/** Converts a step and its nested steps. */
export function toStep(s: RawStep): PipelineStep {
  return {
    ...(s.name ? { name: s.name } : {}),
    ...(s.uses ? { uses: s.uses } : {}),
    with: s.with ?? {},
    ...(s.runs !== undefined ? { runs: s.runs } : {}),
    ...(s.if ? { if: s.if } : {}),
    ...(s['working-directory'] ? { workingDirectory: s['working-directory'] } : {}),
    environment: s.environment ?? {},
    pipeline: (s.pipeline ?? []).map(toStep),
    needs: s.needs?.packages ?? [],
    ...(s.assertions?.['required-steps'] !== undefined ? { requiredSteps: s.assertions['required-steps'] } : {}),
  };
}

function subpackage(s: RawSubpackage): SubpackageSpec {
  return {
    name: s.name,
    description: s.description ?? '',
    url: s.url ?? '',
    commit: s.commit ?? '',
    ...(s.if ? { if: s.if } : {}),
    ...(s.range ? { range: s.range } : {}),
    pipeline: (s.pipeline ?? []).map(toStep),
    dependencies: dependencies(s.dependencies),
    options: options(s.options),
    setcap: setcap(s.setcap),
    scriptlets: scriptlets(s.scriptlets),
    checksDisabled: s.checks?.disabled ?? [],
    ...(s.test ? { test: testSpec(s.test) } : {}),
  };
}

function testSpec(t: RawTest): TestSpec {
  return { environment: environment(t.environment), pipeline: (t.pipeline ?? []).map(toStep) };
}

function environment(e: RawEnvironment | undefined): BuildEnvironment {
  const c = e?.contents;
  return {
    contents: {
      // Build-only repositories are simply more repositories while building.
      repositories: [...(c?.repositories ?? []), ...(c?.build_repositories ?? [])],
      keyring: c?.keyring ?? [],
      packages: c?.packages ?? [],
    },
    environment: e?.environment ?? {},
    accounts: {
      users: (e?.accounts?.users ?? []).map((u) => ({ username: u.username, uid: u.uid, ...(u.gid !== undefined ? { gid: u.gid } : {}) })),
      groups: (e?.accounts?.groups ?? []).map((g) => ({ groupname: g.groupname, gid: g.gid, members: g.members ?? [] })),
      ...(e?.accounts?.['run-as'] ? { runAs: e.accounts['run-as'] } : {}),
    },
    archs: e?.archs ?? [],
  };
}

/** Renames a validated file into the model and fills every default. */
export function toModel(f: MelangeFile): MelangeConfig {
  const p = f.package;
  return {
    package: {
      name: p.name,
      version: p.version,
      epoch: p.epoch ?? 0,
      description: p.description ?? '',
      url: p.url ?? '',
      commit: p.commit ?? '',
      targetArchitecture: p['target-architecture'] ?? [],
      ...(p.timeout !== undefined && packageTimeoutMs(p.timeout)! > 0 ? { timeout: { ms: packageTimeoutMs(p.timeout)!, text: p.timeout } } : {}),
      copyright: (p.copyright ?? []).map((c) => ({
        license: c.license,
        attestation: c.attestation ?? '',
        ...(c['license-path'] ? { licensePath: c['license-path'] } : {}),
      })),
      dependencies: dependencies(p.dependencies),
      options: options(p.options),
      setcap: setcap(p.setcap),
      scriptlets: scriptlets(p.scriptlets),
      checksDisabled: p.checks?.disabled ?? [],
      ...(f.test ? { test: testSpec(f.test) } : {}),
    },
    environment: environment(f.environment),
    pipeline: (f.pipeline ?? []).map(toStep),
    subpackages: (f.subpackages ?? []).map(subpackage),
    vars: f.vars ?? {},
    buildOptions: Object.fromEntries(Object.entries(f.options ?? {}).map(([k, o]) => [k, buildOption(o)])),
    enabledOptions: [],
    capabilities: { add: f.capabilities?.add ?? [], drop: f.capabilities?.drop ?? [] },
    varTransforms: f['var-transforms'] ?? [],
    data: (f.data ?? []).map((d) => ({ name: d.name, items: d.items ?? {} })),
  };
}
