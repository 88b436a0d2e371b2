/**
 * The melange.yaml file format as a strict zod schema (an unknown key is an
 * error, as melange decodes with KnownFields). Input is the tree from
 * config/yaml-tree.ts, whose plain scalars are PlainScalars, so `version: 1.10`
 * stays the text "1.10" as go-yaml gives it to melange. Keys keep their YAML
 * spelling; model.ts turns the result into the camelCase MelangeConfig.
 * Keys melange knows but apko-nx does not act on (`update`, `cpe`, …) are
 * accepted and ignored, so real melange files load.
 */
import { z } from 'zod';
import { parseDuration } from '../net/duration';
import { PlainScalar } from '../yaml/scalar';

const isNull = (v: unknown): boolean => v === null || v === undefined || (v instanceof PlainScalar && v.value === null);

/** A Go `string` field: any scalar as written; null is "". */
const str = z.preprocess((v) => (v instanceof PlainScalar ? (v.value === null ? '' : v.source) : v), z.string());
/** A Go `bool` field. */
const bool = z.preprocess((v) => (v instanceof PlainScalar ? v.value : v), z.boolean());
/** A Go unsigned integer field. */
const uint = z.preprocess((v) => (v instanceof PlainScalar ? v.value : v), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER));

/** A key that may be absent or null (Go's zero value). */
function opt<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (isNull(v) ? undefined : v), schema.optional());
}
const strs = opt(z.array(str));
/** A value of a vars: map or a --vars-file: any scalar, as its text. */
export const melangeVarValue = str;
const strMap = opt(z.record(z.string(), str));
const ignored = z.unknown().optional();

/** `package.timeout` in milliseconds: digits are nanoseconds (yaml.v3's integer time.Duration), else a Go duration; undefined when neither. */
export function packageTimeoutMs(t: string): number | undefined {
  if (/^\d+$/.test(t.trim())) return Number(t.trim()) / 1e6;
  return parseDuration(t);
}

const dependencies = z.strictObject({
  runtime: strs,
  provides: strs,
  replaces: strs,
  'provider-priority': opt(str),
  'replaces-priority': opt(str),
});

const options = z.strictObject({
  'no-provides': opt(bool),
  'no-depends': opt(bool),
  'no-commands': opt(bool),
  // Accepted for compatibility; apko-nx generates no so-ver: entries for it to switch off.
  'no-versioned-shlib-deps': opt(bool),
});

const scriptlets = z.strictObject({
  trigger: opt(z.strictObject({ script: opt(str), paths: strs })),
  'pre-install': opt(str),
  'post-install': opt(str),
  'pre-deinstall': opt(str),
  'post-deinstall': opt(str),
  'pre-upgrade': opt(str),
  'post-upgrade': opt(str),
});

const copyright = z.strictObject({
  license: str,
  paths: strs,
  attestation: opt(str),
  'license-path': opt(str),
  'detection-override': ignored,
});

/** A pipeline step as written. */
export interface RawStep {
  name?: string;
  uses?: string;
  with?: Record<string, string>;
  runs?: string;
  if?: string;
  'working-directory'?: string;
  environment?: Record<string, string>;
  pipeline?: RawStep[];
  needs?: { packages?: string[] };
  assertions?: { 'required-steps'?: number };
  label?: unknown;
  inputs?: unknown;
}

const stepObject = z
  .strictObject({
    name: opt(str),
    uses: opt(str),
    with: strMap,
    runs: opt(str),
    if: opt(str),
    'working-directory': opt(str),
    environment: strMap,
    get pipeline() {
      return opt(z.array(step));
    },
    needs: opt(z.strictObject({ packages: strs })),
    assertions: opt(z.strictObject({ 'required-steps': opt(uint) })),
    label: ignored,
    inputs: ignored,
  })
  .superRefine((s, ctx) => {
    if (s.uses !== undefined && s.runs !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['runs'], message: `a step cannot have both uses (${s.uses}) and runs`, params: { hint: 'split it into two steps' } });
    }
    if (s.with !== undefined && s.uses === undefined) {
      ctx.addIssue({ code: 'custom', path: ['with'], message: 'with: is only meaningful together with uses:', params: { hint: 'add uses: or remove with:' } });
    }
  });

/** One pipeline step (nested `pipeline:` steps use the same schema). */
export const step: z.ZodType<RawStep> = stepObject as unknown as z.ZodType<RawStep>;

const account = {
  users: opt(
    z.array(
      z.strictObject({ username: str, uid: uint, gid: opt(uint), shell: opt(str), homedir: opt(str) }),
    ),
  ),
  groups: opt(z.array(z.strictObject({ groupname: str, gid: uint, members: strs }))),
  'run-as': opt(str),
};

/**
 * `environment`: an apko image configuration, as melange reads it. The build
 * root is made from its contents, accounts, environment and archs; the keys
 * that shape only an image (entrypoint, paths, layering …) load and do not
 * change the build.
 */
const environment = z.strictObject({
  contents: opt(
    z.strictObject({
      repositories: strs,
      build_repositories: strs,
      runtime_repositories: strs,
      keyring: strs,
      runtime_keyring: ignored,
      packages: strs,
      baseimage: ignored,
    }),
  ),
  environment: strMap,
  accounts: opt(z.strictObject(account)),
  archs: strs,
  entrypoint: ignored,
  cmd: ignored,
  'stop-signal': ignored,
  'work-dir': ignored,
  paths: ignored,
  'vcs-url': ignored,
  annotations: ignored,
  include: ignored,
  volumes: ignored,
  layering: ignored,
  certificates: ignored,
});

/** One `setcap:` entry: a file, capabilities (comma-separated names) to their flags (`+ep`), and why. */
const setcapEntry = z.strictObject({ path: str, add: strMap, reason: opt(str) });

/** `checks`: melange's linters this package turns from failures into warnings. */
const checks = z.strictObject({ disabled: strs });

/** `test` (top level, for the main package) and `subpackages[].test`: an environment and a pipeline run on the built package. */
const test = z.strictObject({ environment: opt(environment), pipeline: opt(z.array(step)) });

const packageSpec = z.strictObject({
  name: str,
  version: str,
  epoch: opt(uint),
  description: opt(str),
  // Carried by melange and written nowhere in a package.
  annotations: strMap,
  url: opt(str),
  commit: opt(str),
  'target-architecture': strs,
  copyright: opt(z.array(copyright)),
  dependencies: opt(dependencies),
  options: opt(options),
  scriptlets: opt(scriptlets),
  checks: opt(checks),
  setcap: opt(z.array(setcapEntry)),
  cpe: ignored,
  resources: ignored,
  'test-resources': ignored,
  // A Go duration (30m, 1h30m) or, as yaml.v3 reads a time.Duration from an integer, nanoseconds.
  timeout: opt(z.preprocess((v) => (v instanceof PlainScalar ? v.source : typeof v === 'number' ? String(v) : v), z.string().refine((t) => packageTimeoutMs(t) !== undefined, 'expected a duration such as 30m or 1h30m'))),
});

const subpackage = z.strictObject({
  name: str,
  description: opt(str),
  annotations: strMap,
  url: opt(str),
  commit: opt(str),
  if: opt(str),
  range: opt(str),
  pipeline: opt(z.array(step)),
  dependencies: opt(dependencies),
  options: opt(options),
  scriptlets: opt(scriptlets),
  checks: opt(checks),
  setcap: opt(z.array(setcapEntry)),
  test: opt(test),
});

/** One entry of the top-level `options:` map: what `--build-option <name>` changes. */
const buildOption = z.strictObject({
  vars: strMap,
  environment: opt(z.strictObject({ contents: opt(z.strictObject({ packages: opt(z.strictObject({ add: strs, remove: strs })) })) })),
});

/** Top-level `capabilities:`: Linux capabilities added to or dropped from the steps' process. */
const capabilities = z.strictObject({ add: strs, drop: strs });

/** The schema of a whole melange.yaml document. */
export const melangeFileSchema = z.strictObject({
  package: packageSpec,
  environment: opt(environment),
  pipeline: opt(z.array(step)),
  subpackages: opt(z.array(subpackage)),
  vars: strMap,
  'var-transforms': opt(z.array(z.strictObject({ from: str, match: str, replace: str, to: str }))),
  data: opt(z.array(z.strictObject({ name: str, items: strMap }))),
  update: ignored,
  test: opt(test),
  options: opt(z.record(z.string(), buildOption)),
  capabilities: opt(capabilities),
});

/** A validated melange.yaml, keys as written. */
export type MelangeFile = z.infer<typeof melangeFileSchema>;
/** `package.dependencies` as written. */
export type RawDependencies = z.infer<typeof dependencies>;
/** `options` as written. */
export type RawOptions = z.infer<typeof options>;
/** A top-level `options:` entry as written. */
export type RawBuildOption = z.infer<typeof buildOption>;
/** A `setcap:` entry as written. */
export type RawSetcap = z.infer<typeof setcapEntry>;
/** `scriptlets` as written. */
export type RawScriptlets = z.infer<typeof scriptlets>;
/** One `subpackages` entry as written. */
export type RawSubpackage = z.infer<typeof subpackage>;
/** A `test` section as written. */
export type RawTest = z.infer<typeof test>;
/** `environment` as written. */
export type RawEnvironment = z.infer<typeof environment>;
