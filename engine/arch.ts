/**
 * CPU architectures as parsed value types. apko accepts both spellings (apk's
 * `x86_64`, OCI's `amd64`) and stores the OCI one; every stage after config
 * receives an `Arch` from the table below and never a loose string.
 */
import { ConfigError } from './errors';
import { compareBytes } from './order';

/** An architecture name as apk-tools spells it (`/etc/apk/arch`, repository paths). */
export type ApkArch = 'x86' | 'x86_64' | 'aarch64' | 'armhf' | 'armv7' | 'loongarch64' | 'ppc64le' | 'riscv64' | 's390x';

/** An architecture as apko writes it into config (`archs`) and OCI platforms: architecture[/variant]. */
export type OciArch = '386' | 'amd64' | 'arm64' | 'arm/v6' | 'arm/v7' | 'loong64' | 'ppc64le' | 'riscv64' | 's390x';

/** A word allowed in an `archs` list or `--arch`: an architecture, `all`, or `host`. */
export type ArchName = OciArch | 'all' | 'host';

/** One supported architecture; made only by `parseArch`, so two equal archs are the same object. */
export type Arch = {
  /** apk spelling, e.g. `x86_64`. */
  readonly apk: ApkArch;
  /** OCI spelling, e.g. `amd64` or `arm/v7`. */
  readonly oci: OciArch;
  /** OCI platform architecture, e.g. `arm`. */
  readonly architecture: string;
  /** OCI platform variant, e.g. `v7`; absent for most. */
  readonly variant?: string;
} & { readonly __brand: 'Arch' };

function arch(apk: ApkArch, oci: OciArch): Arch {
  const [architecture, variant] = oci.split('/') as [string, string | undefined];
  return Object.freeze(variant === undefined ? { apk, oci, architecture } : { apk, oci, architecture, variant }) as Arch;
}

/** Every supported architecture (apko's `AllArchs`), ordered by OCI name byte-wise. */
export const ALL_ARCHS: readonly Arch[] = Object.freeze([
  arch('x86', '386'),
  arch('x86_64', 'amd64'),
  arch('armhf', 'arm/v6'),
  arch('armv7', 'arm/v7'),
  arch('aarch64', 'arm64'),
  arch('loongarch64', 'loong64'),
  arch('ppc64le', 'ppc64le'),
  arch('riscv64', 'riscv64'),
  arch('s390x', 's390x'),
]);

const BY_NAME = new Map<string, Arch>();
for (const a of ALL_ARCHS) {
  BY_NAME.set(a.oci, a);
  BY_NAME.set(a.apk, a);
}

/** The accepted spellings, for error messages: OCI names, then the apk names that differ. */
export const ARCH_SPELLINGS: readonly string[] = [
  ...ALL_ARCHS.map((a) => a.oci),
  ...ALL_ARCHS.filter((a) => a.apk !== a.oci).map((a) => a.apk),
];

/** True when `s` names a supported architecture in either spelling. */
export function isArch(s: string): boolean {
  return BY_NAME.has(s);
}

/** Parses one architecture name (apk or OCI spelling); anything else is a ConfigError. */
export function parseArch(s: string, source = 'architecture'): Arch {
  const a = BY_NAME.get(s.trim());
  if (a === undefined) {
    throw new ConfigError(`${source}: unknown architecture "${s}" (expected one of: ${ARCH_SPELLINGS.join(', ')}, all, host)`, {
      hint: 'use an apk name such as x86_64 or an OCI name such as amd64',
    });
  }
  return a;
}

/** The architecture this process runs on, from Node's `process.arch` (or a Go GOARCH). */
export function hostArch(nodeArch: string = process.arch): Arch {
  const alias: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm/v7', ppc64: 'ppc64le' };
  return parseArch(alias[nodeArch] ?? nodeArch, 'host architecture');
}

/** Byte-wise order of OCI names: the order apko's ParseArchitectures sorts into. */
export function compareArchs(a: Arch, b: Arch): number {
  return compareBytes(a.oci, b.oci);
}

/** Checks a list of arch words: known names, with `all` or `host` only on their own. */
export function checkArchWords(words: readonly string[], source = 'archs'): void {
  if (words.length === 1 && (words[0] === 'all' || words[0] === 'host')) return;
  for (const w of words) {
    if (w === 'all' || w === 'host') {
      throw new ConfigError(`${source}: "${w}" must be the only entry, got ${words.join(', ')}`, {
        hint: `write "${w}" on its own, or list the architectures`,
      });
    }
    parseArch(w, source);
  }
}

/** The host architecture, given or computed only when `host` is actually asked for. */
export type HostArch = Arch | (() => Arch);

/**
 * Expands a list of arch words: `all` alone gives every arch, `host` alone
 * the host's, anything else is parsed one by one; the result is
 * de-duplicated and sorted (apko `types.ParseArchitectures`).
 */
export function expandArchs(words: readonly string[], host: HostArch, source = 'archs'): Arch[] {
  checkArchWords(words, source);
  if (words.length === 1 && words[0] === 'all') return [...ALL_ARCHS];
  if (words.length === 1 && words[0] === 'host') return [typeof host === 'function' ? host() : host];
  return [...new Set(words.map((w) => parseArch(w, source)))].sort(compareArchs);
}

/**
 * The architectures to build: `--arch` if given, else the config's `archs`,
 * else all of them (apko's precedence).
 */
export function resolveArchs(flagArchs: readonly string[] | undefined, configArchs: readonly string[], host: HostArch): Arch[] {
  if (flagArchs !== undefined && flagArchs.length > 0) return expandArchs(flagArchs, host, '--arch');
  if (configArchs.length > 0) return expandArchs(configArchs, host, 'archs');
  return [...ALL_ARCHS];
}

/** The OCI spelling of an arch word, keeping `all` and `host`; undefined when unknown. */
export function normalizeArchName(s: string): ArchName | undefined {
  if (s === 'all' || s === 'host') return s;
  return BY_NAME.get(s)?.oci;
}

/** An image's OCI platform. */
export interface Platform {
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
}

/** The linux platform of an architecture, or of an apk or OCI architecture name. */
export function platformForArch(a: Arch | string): Platform {
  const { architecture, variant } = typeof a === 'string' ? parseArch(a) : a;
  return variant === undefined ? { architecture, os: 'linux' } : { architecture, os: 'linux', variant };
}

/** The OCI arch string of a platform (`amd64`, `arm/v7`): the index sort key and docker tag suffix. */
export function archString(p: Platform): string {
  return p.variant ? `${p.architecture}/${p.variant}` : p.architecture;
}
