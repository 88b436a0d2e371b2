/**
 * The image config blob (go-containerregistry `ConfigFile`), built the way
 * apko's `BuildImageFromLayers` fills it: apko's author strings, one history
 * entry per layer, PATH and SSL_CERT_FILE defaults, env rendered `K=V` and
 * sorted bytewise, and the annotations (plus `created`) as Labels.
 */
import type { Digest } from '../digest';
import type { JsonValue } from '../json';
import { MediaTypes, jsonBlob, type JsonBlob } from './media';
import type { Platform } from '../arch';
import { rfc3339, withCreated } from '../time';
import { compareBytes } from '../order';

/** What the config stage decided about one platform's image. */
export interface ImageConfigInput {
  readonly platform: Platform;
  /** Build date, seconds since the epoch (the resolved SOURCE_DATE_EPOCH). */
  readonly created: number;
  /** Already split into words (the config stage applies shell-style splitting). */
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  /** Variables as configured; PATH and SSL_CERT_FILE are added when absent. */
  readonly env?: Readonly<Record<string, string>>;
  readonly workingDir?: string;
  /** `accounts.run-as`. */
  readonly user?: string;
  readonly stopSignal?: string;
  readonly volumes?: readonly string[];
  /** Config, CLI and VCS annotations, merged; `org.opencontainers.image.created` is added here. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Environment apko sets unless the configuration does. */
export const DEFAULT_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin',
  SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt',
};

// apko's identity strings, kept so configs match apko's bytes.
export const AUTHOR = 'github.com/chainguard-dev/apko';
const HISTORY_BY = 'apko';


/** The `K=V` list apko writes: defaults filled in, sorted by raw bytes. */
export function renderEnv(env: Readonly<Record<string, string>> = {}): string[] {
  const all = { ...DEFAULT_ENV, ...env };
  return Object.entries(all).map(([k, v]) => `${k}=${v}`).sort(compareBytes);
}

/** apko's history comment: "<title> by <vendor>", else one text for a single layer and none for several. */
export function historyComment(annotations: Readonly<Record<string, string>>, layerCount: number): string | undefined {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(annotations, k);
  if (has('org.opencontainers.image.title') && has('org.opencontainers.image.vendor')) {
    return `${annotations['org.opencontainers.image.title']} by ${annotations['org.opencontainers.image.vendor']}`;
  }
  return layerCount === 1 ? 'This is an apko single-layer image' : undefined;
}

/** The history entry apko writes for each layer it adds. */
export function historyEntry(created: string, comment: string | undefined): { [k: string]: JsonValue | undefined } {
  return { author: HISTORY_BY, created, created_by: HISTORY_BY, comment: comment || undefined };
}

const nonEmpty = <T>(xs: readonly T[] | undefined) => (xs && xs.length > 0 ? xs : undefined);

/** The config blob for an image whose layers have these diff_ids, in order. */
export function imageConfig(input: ImageConfigInput, diffIds: readonly Digest[]): JsonBlob {
  const created = rfc3339(input.created);
  const comment = historyComment(input.annotations ?? {}, diffIds.length);
  const history: JsonValue[] = diffIds.map(() => historyEntry(created, comment));
  const volumes = nonEmpty(input.volumes);
  return jsonBlob(MediaTypes.config, {
    architecture: input.platform.architecture,
    author: AUTHOR,
    created,
    history: nonEmpty(history),
    os: input.platform.os,
    rootfs: { type: 'layers', diff_ids: [...diffIds] },
    config: {
      Cmd: nonEmpty(input.cmd),
      Entrypoint: nonEmpty(input.entrypoint),
      Env: renderEnv(input.env),
      Labels: withCreated(input.annotations, input.created),
      User: input.user || undefined,
      Volumes: volumes && new Map(volumes.map((v) => [v, {}])),
      WorkingDir: input.workingDir || undefined,
      StopSignal: input.stopSignal || undefined,
    },
    variant: input.platform.variant || undefined,
  });
}
