/**
 * A base image's config and manifest as go-containerregistry reads and
 * writes them (`v1.ConfigFile`, `v1.Manifest`, `v1.Descriptor`): apko decodes
 * the base's JSON into these structs and marshals them again, so fields the
 * structs lack are dropped, keys are matched case-insensitively, field order
 * is the structs', `omitempty` applies, maps are sorted and times are
 * re-formatted as Go's RFC 3339 with nanoseconds.
 */
import { FormatError } from '../errors';
import type { JsonValue } from '../json';
import { GO_ZERO_TIME, goTimeText } from '../time';

type Obj = Readonly<Record<string, unknown>>;
/** A Go struct value ready for the serializer. */
export type GoStruct = { [key: string]: JsonValue | undefined };

/** Where a value came from, for errors. */
interface At {
  readonly file: string;
  readonly path: string;
}

function bad(at: At, what: string): never {
  throw new FormatError(`${at.file}: ${at.path}: ${what}`, { file: at.file, hint: 'the base image is not a valid OCI image; rebuild or re-pull it' });
}

/** encoding/json's field match: the exact key, else the first key equal ignoring case. */
function field(o: Obj, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(o, key)) return o[key];
  const lower = key.toLowerCase();
  const k = Object.keys(o).find((x) => x.toLowerCase() === lower);
  return k === undefined ? undefined : o[k];
}

function obj(v: unknown, at: At): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) bad(at, 'must be an object');
  return v as Obj;
}

function str(v: unknown, at: At): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') bad(at, 'must be a string');
  return v;
}

function strs(v: unknown, at: At): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) bad(at, 'must be a list of strings');
  return v as string[];
}

function bool(v: unknown, at: At): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') bad(at, 'must be true or false');
  return v;
}

function int(v: unknown, at: At): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) bad(at, 'must be an integer');
  return v;
}

const omitStr = (s: string) => (s === '' ? undefined : s);
const omitList = <T>(xs: readonly T[] | undefined) => (xs && xs.length > 0 ? xs : undefined);
const omitBool = (b: boolean) => (b ? true : undefined);
const omitInt = (n: number) => (n === 0 ? undefined : n);

/** A `map[string]string` (nil and empty are left out). */
function stringMap(v: unknown, at: At): Map<string, string> | undefined {
  const o = obj(v, at);
  if (!o) return undefined;
  const m = new Map(Object.entries(o).map(([k, x]) => [k, str(x, { ...at, path: `${at.path}.${k}` })]));
  return m.size > 0 ? m : undefined;
}

/** A `map[string]struct{}`. */
function setMap(v: unknown, at: At): Map<string, GoStruct> | undefined {
  const o = obj(v, at);
  if (!o) return undefined;
  const m = new Map(Object.keys(o).map((k) => [k, {}]));
  return m.size > 0 ? m : undefined;
}

/** A time as Go's time.Time marshals it after parsing (engine/time.ts); absent is Go's zero time. */
export function goTime(v: unknown, at: At): string {
  if (v === undefined || v === null) return GO_ZERO_TIME;
  const text = typeof v === 'string' ? goTimeText(v) : undefined;
  if (text === undefined) bad(at, `${JSON.stringify(v)} is not an RFC 3339 time`);
  return text;
}

/** `v1.History`. */
export function historyStruct(v: unknown, at: At): GoStruct {
  const o = obj(v, at) ?? {};
  const f = (k: string) => ({ ...at, path: `${at.path}.${k}` });
  return {
    author: omitStr(str(field(o, 'author'), f('author'))),
    created: goTime(field(o, 'created'), f('created')),
    created_by: omitStr(str(field(o, 'created_by'), f('created_by'))),
    comment: omitStr(str(field(o, 'comment'), f('comment'))),
    empty_layer: omitBool(bool(field(o, 'empty_layer'), f('empty_layer'))),
  };
}

/** `v1.Config` (the runtime part of an image config), field order as the struct's. */
function runtimeStruct(v: unknown, at: At): GoStruct {
  const o = obj(v, at) ?? {};
  const f = (k: string) => ({ ...at, path: `${at.path}.${k}` });
  const g = (k: string) => field(o, k);
  const hc = obj(g('Healthcheck'), f('Healthcheck'));
  const h = (k: string) => ({ ...at, path: `${at.path}.Healthcheck.${k}` });
  return {
    AttachStderr: omitBool(bool(g('AttachStderr'), f('AttachStderr'))),
    AttachStdin: omitBool(bool(g('AttachStdin'), f('AttachStdin'))),
    AttachStdout: omitBool(bool(g('AttachStdout'), f('AttachStdout'))),
    Cmd: omitList(strs(g('Cmd'), f('Cmd'))),
    Healthcheck: hc && {
      Test: omitList(strs(field(hc, 'Test'), h('Test'))),
      Interval: omitInt(int(field(hc, 'Interval'), h('Interval'))),
      Timeout: omitInt(int(field(hc, 'Timeout'), h('Timeout'))),
      StartPeriod: omitInt(int(field(hc, 'StartPeriod'), h('StartPeriod'))),
      Retries: omitInt(int(field(hc, 'Retries'), h('Retries'))),
    },
    Domainname: omitStr(str(g('Domainname'), f('Domainname'))),
    Entrypoint: omitList(strs(g('Entrypoint'), f('Entrypoint'))),
    Env: omitList(strs(g('Env'), f('Env'))),
    Hostname: omitStr(str(g('Hostname'), f('Hostname'))),
    Image: omitStr(str(g('Image'), f('Image'))),
    Labels: stringMap(g('Labels'), f('Labels')),
    OnBuild: omitList(strs(g('OnBuild'), f('OnBuild'))),
    OpenStdin: omitBool(bool(g('OpenStdin'), f('OpenStdin'))),
    StdinOnce: omitBool(bool(g('StdinOnce'), f('StdinOnce'))),
    Tty: omitBool(bool(g('Tty'), f('Tty'))),
    User: omitStr(str(g('User'), f('User'))),
    Volumes: setMap(g('Volumes'), f('Volumes')),
    WorkingDir: omitStr(str(g('WorkingDir'), f('WorkingDir'))),
    ExposedPorts: setMap(g('ExposedPorts'), f('ExposedPorts')),
    ArgsEscaped: omitBool(bool(g('ArgsEscaped'), f('ArgsEscaped'))),
    NetworkDisabled: omitBool(bool(g('NetworkDisabled'), f('NetworkDisabled'))),
    MacAddress: omitStr(str(g('MacAddress'), f('MacAddress'))),
    StopSignal: omitStr(str(g('StopSignal'), f('StopSignal'))),
    Shell: omitList(strs(g('Shell'), f('Shell'))),
  };
}

/** A decoded `v1.ConfigFile`: the top-level fields and the runtime config, each already in marshal form. */
export interface GoConfigFile {
  architecture: string;
  author?: string;
  container?: string;
  created: string;
  docker_version?: string;
  history: GoStruct[];
  os: string;
  diffIds: string[];
  config: GoStruct;
  'os.version'?: string;
  variant?: string;
  'os.features'?: string[];
}

/** Decodes an image config as `v1.ParseConfigFile` does. */
export function decodeConfigFile(v: unknown, file: string): GoConfigFile {
  const at = (path: string): At => ({ file, path });
  const o = obj(v, at('config')) ?? {};
  const g = (k: string) => field(o, k);
  const rootfs = obj(g('rootfs'), at('rootfs')) ?? {};
  const history = g('history');
  if (history !== undefined && history !== null && !Array.isArray(history)) bad(at('history'), 'must be a list');
  return {
    architecture: str(g('architecture'), at('architecture')),
    ...(str(g('author'), at('author')) ? { author: str(g('author'), at('author')) } : {}),
    ...(str(g('container'), at('container')) ? { container: str(g('container'), at('container')) } : {}),
    created: goTime(g('created'), at('created')),
    ...(str(g('docker_version'), at('docker_version')) ? { docker_version: str(g('docker_version'), at('docker_version')) } : {}),
    history: ((history as unknown[] | undefined) ?? []).map((h, i) => historyStruct(h, at(`history[${i}]`))),
    os: str(g('os'), at('os')),
    diffIds: strs(field(rootfs, 'diff_ids'), at('rootfs.diff_ids')) ?? [],
    config: runtimeStruct(g('config'), at('config')),
    ...(str(g('os.version'), at('os.version')) ? { 'os.version': str(g('os.version'), at('os.version')) } : {}),
    ...(str(g('variant'), at('variant')) ? { variant: str(g('variant'), at('variant')) } : {}),
    ...(omitList(strs(g('os.features'), at('os.features'))) ? { 'os.features': strs(g('os.features'), at('os.features'))! } : {}),
  };
}

/** The marshal form of a decoded config file (`rootfs.type` as written: apko's bases say `layers`). */
export function configFileJson(c: GoConfigFile, rootfsType: string): GoStruct {
  return {
    architecture: c.architecture,
    author: c.author,
    container: c.container,
    created: c.created,
    docker_version: c.docker_version,
    history: omitList(c.history),
    os: c.os,
    rootfs: { type: rootfsType, diff_ids: c.diffIds },
    config: c.config,
    'os.version': c['os.version'],
    variant: c.variant,
    'os.features': omitList(c['os.features']),
  };
}

/** `v1.Platform`. */
function platformStruct(v: unknown, at: At): GoStruct | undefined {
  const o = obj(v, at);
  if (!o) return undefined;
  const f = (k: string) => ({ ...at, path: `${at.path}.${k}` });
  return {
    architecture: str(field(o, 'architecture'), f('architecture')),
    os: str(field(o, 'os'), f('os')),
    'os.version': omitStr(str(field(o, 'os.version'), f('os.version'))),
    'os.features': omitList(strs(field(o, 'os.features'), f('os.features'))),
    variant: omitStr(str(field(o, 'variant'), f('variant'))),
    features: omitList(strs(field(o, 'features'), f('features'))),
  };
}

/** `v1.Descriptor`, with `size` and `digest` checked. */
export function descriptorStruct(v: unknown, at: At): GoStruct & { mediaType: string; size: number; digest: string } {
  const o = obj(v, at) ?? {};
  const f = (k: string) => ({ ...at, path: `${at.path}.${k}` });
  const digest = str(field(o, 'digest'), f('digest'));
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) bad(f('digest'), `${JSON.stringify(digest)} is not a sha256 digest`);
  const size = int(field(o, 'size'), f('size'));
  if (size < 0) bad(f('size'), 'must not be negative');
  return {
    mediaType: str(field(o, 'mediaType'), f('mediaType')),
    size,
    digest,
    data: omitStr(str(field(o, 'data'), f('data'))),
    urls: omitList(strs(field(o, 'urls'), f('urls'))),
    annotations: stringMap(field(o, 'annotations'), f('annotations')),
    platform: platformStruct(field(o, 'platform'), f('platform')),
    artifactType: omitStr(str(field(o, 'artifactType'), f('artifactType'))),
  };
}

/** A decoded `v1.Manifest` (subject left out: apko's mutations drop it). */
export interface GoManifest {
  readonly schemaVersion: number;
  readonly config: ReturnType<typeof descriptorStruct>;
  readonly layers: ReadonlyArray<ReturnType<typeof descriptorStruct>>;
  readonly annotations: ReadonlyMap<string, string>;
  readonly artifactType?: string;
}

/** Decodes an image manifest as `v1.ParseManifest` does. */
export function decodeManifest(v: unknown, file: string): GoManifest {
  const at = (path: string): At => ({ file, path });
  const o = obj(v, at('manifest')) ?? {};
  const layers = field(o, 'layers');
  if (layers !== undefined && layers !== null && !Array.isArray(layers)) bad(at('layers'), 'must be a list');
  const artifactType = omitStr(str(field(o, 'artifactType'), at('artifactType')));
  return {
    schemaVersion: int(field(o, 'schemaVersion'), at('schemaVersion')),
    config: descriptorStruct(field(o, 'config'), at('config')),
    layers: ((layers as unknown[] | undefined) ?? []).map((l, i) => descriptorStruct(l, at(`layers[${i}]`))),
    annotations: stringMap(field(o, 'annotations'), at('annotations')) ?? new Map(),
    ...(artifactType ? { artifactType } : {}),
  };
}
