/**
 * `melange compile`: the melange.yaml as melange's build sees it, written as
 * melange writes it (the JSON of its config.Configuration, one line, Go key
 * order, `omitempty` as its tags say). As melange's compile
 * (pkg/build/compile.go) does:
 * - every `${{…}}` is substituted for the target architecture; in a
 *   step's `if:` the values are Go-quoted (`"x86_64" == 'x86_64'`), a
 *   subpackage's `if:` is written as the file has it;
 * - `uses:` steps keep their name, the inputs whose value differs from the
 *   definition's default (`with:`), and the definition's steps (`pipeline:`);
 * - nested steps inherit the working directory; the steps written in the
 *   file inherit their parent's environment;
 * - `needs.packages` of every step whose condition holds is moved onto
 *   environment.contents.packages (main pipeline, then subpackages, in order,
 *   repeats kept) and dropped from the step;
 * - `range:` subpackages are expanded and `data:` dropped; the build user
 *   and group (1000) and melange's environment defaults are added; the
 *   package and subpackages carry the config's commit (HEAD of its
 *   repository, else "unknown").
 * What differs, by design: `runs:` is not re-printed through a shell
 * formatter (melange's mvdan.cc/sh strips comments, re-indents and re-spaces;
 * we only end each script with a newline, as that printer does); the
 * built-in pipelines are our own definitions, so their steps' text differs,
 * and the ones run by code (fetch, strip, …) have no `pipeline:`; fields we
 * do not model (annotations, checks, cpe, update, test, …) are written
 * empty, as melange writes them for a file without them.
 */
import { parseArch } from '../arch';
import { readGitFacts } from '../git';
import { encodeJson, type JsonValue } from '../json';
import { ConfigError } from '../errors';
import { evaluateCondition } from './condition';
import { loadMelangeConfig, type LoadMelangeOptions } from './load';
import type { BuildEnvironment, Dependencies, PackageCommon, PipelineStep, Scriptlets } from './model';
import { withParseDefaults } from './parse-defaults';
import { targetsArch } from './target-architecture';
import { pipelineSubstitutions, substitute, substituteGoQuoted, type Substitutions } from './substitutions';

/** Options of `melangeCompile`. */
export interface MelangeCompileOptions extends LoadMelangeOptions {
  readonly configPath: string;
  /** The architecture to substitute for (`--arch`), apk or OCI name. */
  readonly arch: string;
}

type Json = { [k: string]: JsonValue | undefined };

const nonEmpty = <T>(list: readonly T[]): T[] | undefined => (list.length > 0 ? [...list] : undefined);
const str = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);
const goMap = (r: Readonly<Record<string, string>>): Map<string, JsonValue> | undefined => (Object.keys(r).length > 0 ? new Map(Object.entries(r)) : undefined);

function dependencies(d: Dependencies): Json {
  return { runtime: nonEmpty(d.runtime), provides: nonEmpty(d.provides), replaces: nonEmpty(d.replaces), 'provider-priority': str(d.providerPriority), 'replaces-priority': str(d.replacesPriority) };
}

function options(o: PackageCommon['options']): Json | undefined {
  if (!o.noProvides && !o.noDepends && !o.noCommands) return undefined;
  return { 'no-provides': o.noProvides || undefined, 'no-depends': o.noDepends || undefined, 'no-commands': o.noCommands || undefined };
}

function scriptlets(s: Scriptlets): Json | undefined {
  if (Object.keys(s.scripts).length === 0 && s.triggerPaths.length === 0) return undefined;
  const out: Json = { trigger: { script: str(s.scripts['.trigger']), paths: nonEmpty(s.triggerPaths) } };
  for (const k of ['pre-install', 'post-install', 'pre-deinstall', 'post-deinstall', 'pre-upgrade', 'post-upgrade']) out[k] = str(s.scripts[`.${k}`]);
  return out;
}

/** What compiling one package's steps shares. */
interface StepContext {
  readonly subs: Substitutions;
  readonly file: string;
  /** `needs.packages` gathered so far, in melange's order. */
  readonly needs: string[];
}

interface Inherited {
  readonly workdir?: string;
  readonly environment: Readonly<Record<string, string>>;
  /** Whether the conditions above this step held (needs are gathered only then). */
  readonly active: boolean;
}

/** melange re-prints every script with each statement on a line of its own, so a script always ends in a newline. */
const terminated = (script: string): string => (script === '' || script.endsWith('\n') ? script : `${script}\n`);

function compileStep(ctx: StepContext, st: PipelineStep, path: string, up: Inherited): Json {
  const site = (key: string) => ({ file: ctx.file, path: `${path}.${key}` });
  const s = (v: string, key: string) => substitute(v, ctx.subs, site(key));
  const cond = st.if === undefined ? undefined : substituteGoQuoted(st.if, ctx.subs, site('if'));
  const holds = up.active && (cond === undefined || evaluateCondition(cond, site('if')));
  if (holds) ctx.needs.push(...st.needs.map((n) => s(n, 'needs')));
  const workdir = st.workingDirectory !== undefined ? s(st.workingDirectory, 'working-directory') : up.workdir;
  const environment = { ...up.environment, ...Object.fromEntries(Object.entries(st.environment).map(([k, v]) => [k, s(v, `environment.${k}`)])) };
  const withValues: Record<string, string> = {};
  for (const [k, i] of Object.entries(st.inputs ?? {})) {
    const value = s(i.value, `with.${k}`);
    if (value !== i.default) withValues[k] = value;
  }
  // The definition's steps are not the file's: environment passes only down the steps written in the file (melange propagates it at parse time).
  const down: Inherited = { ...(workdir !== undefined ? { workdir } : {}), environment: st.uses === undefined ? environment : {}, active: holds };
  return {
    if: cond,
    name: str(st.name),
    uses: str(st.uses),
    with: goMap(withValues),
    runs: st.runs === undefined ? undefined : str(terminated(s(st.runs, 'runs'))),
    pipeline: nonEmpty(st.pipeline.map((c, i) => compileStep(ctx, c, `${path}.pipeline[${i}]`, down))),
    // Go's config.Needs has no JSON tag on Packages, so melange writes the field name.
    needs: !holds && st.needs.length > 0 ? { Packages: st.needs.map((n) => s(n, 'needs')) } : undefined,
    assertions: st.requiredSteps !== undefined ? { 'required-steps': st.requiredSteps } : undefined,
    'working-directory': str(workdir),
    environment: goMap(environment),
  };
}

function compileSteps(ctx: StepContext, steps: readonly PipelineStep[], base: string): Json[] | undefined {
  return nonEmpty(steps.map((st, i) => compileStep(ctx, st, `${base}[${i}]`, { environment: {}, active: true })));
}

function environment(given: BuildEnvironment, packages: readonly string[]): Json {
  const e = withParseDefaults(given);
  return {
    contents: { repositories: nonEmpty(e.contents.repositories), keyring: nonEmpty(e.contents.keyring), packages: nonEmpty(packages) },
    entrypoint: {},
    accounts: {
      'run-as': str(e.accounts.runAs),
      users: nonEmpty(e.accounts.users.map((u) => ({ username: u.username, uid: u.uid, gid: u.gid }))),
      groups: nonEmpty(e.accounts.groups.map((g) => ({ groupname: g.groupname, gid: g.gid, members: nonEmpty(g.members) }))),
    },
    archs: nonEmpty(e.archs),
    environment: new Map(Object.entries(e.environment)),
  };
}

/** The compiled configuration as melange's JSON value (Go struct order; Maps are Go maps). */
export async function melangeCompile(o: MelangeCompileOptions): Promise<Json> {
  const arch = parseArch(o.arch, '--arch');
  const loaded = await loadMelangeConfig(o.configPath, o);
  const cfg = loaded.config;
  const p = cfg.package;
  if (!targetsArch(p.targetArchitecture, arch)) {
    throw new ConfigError(`${loaded.file}: package.target-architecture (${p.targetArchitecture.join(', ')}) does not include ${arch.apk}, so nothing is built for it`, {
      file: loaded.file,
      path: 'package.target-architecture',
      hint: `compile for one of ${p.targetArchitecture.join(', ')}`,
    });
  }
  const commit = p.commit || (await readGitFacts(loaded.dir)).commit || 'unknown';
  const names = [p.name, ...cfg.subpackages.map((sp) => sp.name)];
  const target = { arch, workspace: '/home/build', packageNames: names };
  const needs: string[] = [];
  const main: StepContext = { subs: pipelineSubstitutions(loaded.substitutions, target), file: loaded.file, needs };
  const pipeline = compileSteps(main, cfg.pipeline, 'pipeline');
  const subpackages = cfg.subpackages.map((sp, i) => {
    const ctx: StepContext = { subs: pipelineSubstitutions(loaded.substitutions, { ...target, subpackage: sp.name }), file: loaded.file, needs };
    return {
      // melange substitutes a copy of the subpackage, so its if: is written as the file has it.
      if: str(sp.if),
      name: sp.name,
      pipeline: compileSteps(ctx, sp.pipeline, `subpackages[${i}].pipeline`),
      dependencies: dependencies(sp.dependencies),
      options: options(sp.options),
      scriptlets: scriptlets(sp.scriptlets),
      description: str(sp.description),
      url: str(substitute(sp.url, ctx.subs, { file: loaded.file, path: `subpackages[${i}].url` })),
      commit: sp.commit || commit,
      checks: {},
    };
  });
  const site = (path: string) => ({ file: loaded.file, path });
  return {
    package: {
      name: p.name,
      version: p.version,
      epoch: p.epoch,
      description: str(p.description),
      url: str(substitute(p.url, loaded.substitutions, site('package.url'))),
      commit,
      'target-architecture': nonEmpty(p.targetArchitecture),
      copyright: nonEmpty(p.copyright.map((c) => ({ attestation: str(c.attestation), license: c.license, 'license-path': str(c.licensePath) }))),
      dependencies: dependencies(p.dependencies),
      options: options(p.options),
      scriptlets: scriptlets(p.scriptlets),
      checks: {},
      cpe: {},
      resources: {},
    },
    environment: environment(cfg.environment, [...cfg.environment.contents.packages, ...needs]),
    capabilities: {},
    pipeline,
    subpackages: nonEmpty(subpackages),
    update: { enabled: false },
    vars: goMap(Object.fromEntries(Object.keys(cfg.vars).map((k) => [k, loaded.substitutions.get(`vars.${k}`) ?? cfg.vars[k]!]))),
    'var-transforms': nonEmpty(cfg.varTransforms.map((t) => ({ from: t.from, match: t.match, replace: t.replace, to: t.to }))),
  };
}

/** melange's output: the JSON on one line and a newline (Go's json.Encoder). */
export function encodeCompiled(value: Json): string {
  return `${encodeJson(value as JsonValue)}\n`;
}
