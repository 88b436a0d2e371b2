/**
 * apko's build flags that change the configuration, normalized once and
 * applied by one function: `-r -k -b -p` append, `--annotations` win key by
 * key, `--format` replaces. Flags that do not change the config (`--arch`,
 * `--build-date`, `--ignore-signatures`, `--include-paths`) are parsed here
 * too so every error surfaces before any file is read.
 */
import { ConfigError } from '../errors';
import { checkArchWords } from '../arch';
import { parseBuildDate } from './build-date';
import { compareBytes } from '../order';
import { sortedRecord } from './normalize';
import type { ImageConfig, LayerFormat } from './types';

/** Loose flag values, as a CLI or an executor collects them. Lists may repeat or hold comma-separated values. */
export interface ConfigOverrides {
  readonly arch?: string | readonly string[];
  readonly ignoreSignatures?: boolean;
  /** Refuse a virtual name no rule decides, as apk-tools does, instead of choosing its provider as apko does. */
  readonly strictProviders?: boolean;
  readonly repositoryAppend?: string | readonly string[];
  readonly keyringAppend?: string | readonly string[];
  readonly buildRepositoryAppend?: string | readonly string[];
  readonly packageAppend?: string | readonly string[];
  /** `key:value` entries. */
  readonly annotations?: string | readonly string[];
  /** RFC 3339. */
  readonly buildDate?: string;
  readonly format?: string;
  readonly includePaths?: string | readonly string[];
}

/** The same flags, parsed and complete. */
export interface NormalizedOverrides {
  readonly archs: readonly string[];
  readonly ignoreSignatures: boolean;
  readonly strictProviders: boolean;
  readonly repositoryAppend: readonly string[];
  readonly keyringAppend: readonly string[];
  readonly buildRepositoryAppend: readonly string[];
  readonly packageAppend: readonly string[];
  readonly annotations: Readonly<Record<string, string>>;
  /** Unix seconds. */
  readonly buildDate?: number;
  readonly format?: LayerFormat;
  readonly includePaths: readonly string[];
}

/**
 * Splits flag values as pflag's StringSlice does (apko's list flags): each
 * value is one CSV record, so `a,b` is two entries and `"a,b"` one.
 */
export function splitFlagList(values: string | readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const v of typeof values === 'string' ? [values] : values ?? []) {
    if (v === '') continue;
    let field = '';
    let quoted = false;
    for (let i = 0; i < v.length; i++) {
      const ch = v[i]!;
      if (quoted) {
        if (ch === '"' && v[i + 1] === '"') (field += '"'), i++;
        else if (ch === '"') quoted = false;
        else field += ch;
      } else if (ch === '"' && field === '') quoted = true;
      else if (ch === ',') out.push(field), (field = '');
      else field += ch;
    }
    out.push(field);
  }
  return out;
}

const ANNOTATION_KEY = /^[a-z0-9-.]+$/;

/** Parses `--annotations key:value` entries (split on the first colon); bad keys, empty values and repeats are errors. */
export function parseAnnotationFlags(entries: readonly string[]): Record<string, string> {
  const out = new Map<string, string>();
  for (const e of entries) {
    const colon = e.indexOf(':');
    const [key, value] = colon < 0 ? [e, ''] : [e.slice(0, colon), e.slice(colon + 1)];
    const fail = (why: string): never => {
      throw new ConfigError(`--annotations "${e}": ${why}`, { hint: 'write --annotations key:value, e.g. org.opencontainers.image.vendor:Acme' });
    };
    if (!ANNOTATION_KEY.test(key)) fail(`the key "${key}" must match ${ANNOTATION_KEY.source}`);
    if (value === '') fail('the value is empty');
    if (out.has(key)) fail(`the key "${key}" is given twice`);
    out.set(key, value);
  }
  return sortedRecord(Object.fromEntries(out));
}

/** Checks and completes the loose flag values. */
export function normalizeOverrides(o: ConfigOverrides = {}): NormalizedOverrides {
  let format: LayerFormat | undefined;
  if (o.format !== undefined && o.format !== '') {
    if (o.format !== 'tar' && o.format !== 'erofs') {
      throw new ConfigError(`--format: unknown layer format "${o.format}" (expected one of: tar, erofs)`, { hint: 'omit --format for tar' });
    }
    format = o.format;
  }
  const archs = splitFlagList(o.arch).map((a) => a.trim());
  checkArchWords(archs, '--arch');
  return {
    archs,
    ignoreSignatures: o.ignoreSignatures ?? false,
    strictProviders: o.strictProviders ?? false,
    repositoryAppend: splitFlagList(o.repositoryAppend),
    keyringAppend: splitFlagList(o.keyringAppend),
    buildRepositoryAppend: splitFlagList(o.buildRepositoryAppend),
    packageAppend: splitFlagList(o.packageAppend),
    annotations: parseAnnotationFlags(splitFlagList(o.annotations)),
    buildDate: o.buildDate === undefined || o.buildDate === '' ? undefined : parseBuildDate(o.buildDate),
    format,
    includePaths: splitFlagList(o.includePaths),
  };
}

/** Applies the config-changing flags: appended lists after the config's own entries, CLI annotations winning. */
export function applyOverrides(config: ImageConfig, o: NormalizedOverrides): ImageConfig {
  const c = config.contents;
  const annotations = { ...config.annotations, ...o.annotations };
  return {
    ...config,
    contents: {
      ...c,
      repositories: [...c.repositories, ...o.repositoryAppend],
      keyring: [...c.keyring, ...o.keyringAppend],
      buildRepositories: [...c.buildRepositories, ...o.buildRepositoryAppend],
      packages: [...c.packages, ...o.packageAppend],
    },
    annotations: Object.fromEntries(Object.entries(annotations).sort(([a], [b]) => compareBytes(a, b))),
    format: o.format ?? config.format,
  };
}
