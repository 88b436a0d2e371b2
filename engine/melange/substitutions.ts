/**
 * melange's `${{name}}` substitutions. A map holds names without the braces
 * (`package.version`, `targets.destdir`, `vars.x`); a reference to a name the
 * map lacks is a ConfigError, as in melange, so a typo never reaches a shell
 * script as literal text.
 */
import type { Arch } from '../arch';
import { ConfigError } from '../errors';
import { compareBytes } from '../order';
import { resolveVarValues } from './vars';

/** Substitution values by name, e.g. `package.name` → `hello`. */
export type Substitutions = ReadonlyMap<string, string>;

/** Where a substituted string came from, for error messages. */
export interface SubstitutionSite {
  readonly file: string;
  /** YAML path, e.g. `pipeline[1].runs`. */
  readonly path: string;
}

const REF = /\$\{\{\s*([A-Za-z0-9._-]+)\s*\}\}/g;

function lookup(name: string, map: Substitutions, site: SubstitutionSite): string {
  const v = map.get(name);
  if (v !== undefined) return v;
  const known = [...new Set([...map.keys()].map((k) => k.split('.')[0]!))].sort(compareBytes).join(', ');
  throw new ConfigError(`${site.file}: ${site.path}: \${{${name}}} is not defined`, {
    file: site.file,
    path: site.path,
    hint: `define it under vars: (then write \${{vars.${name.replace(/^vars\./, '')}}}) or use a known substitution (${known})`,
  });
}

/** Replaces every `${{name}}` in `input`. */
export function substitute(input: string, map: Substitutions, site: SubstitutionSite): string {
  return input.replace(REF, (_, name: string) => lookup(name, map, site));
}

/** Replaces only the names `map` has, leaving other references for a later pass (range expansion). */
export function substituteKnown(input: string, map: Substitutions): string {
  return input.replace(REF, (whole, name: string) => map.get(name) ?? whole);
}

/** Like `substitute`, but each value is quoted as a string literal (for `if:` conditions). */
export function substituteQuoted(input: string, map: Substitutions, site: SubstitutionSite): string {
  return input.replace(REF, (_, name: string) => {
    const v = lookup(name, map, site);
    if (!v.includes("'")) return `'${v}'`;
    if (!v.includes('"')) return `"${v}"`;
    throw new ConfigError(`${site.file}: ${site.path}: \${{${name}}} contains both kinds of quote and cannot be compared`, {
      file: site.file,
      path: site.path,
    });
  });
}

/** Like `substitute`, each value quoted as Go's strconv.Quote does (`"v"`): how melange compile writes `if:` conditions. */
export function substituteGoQuoted(input: string, map: Substitutions, site: SubstitutionSite): string {
  return input.replace(REF, (_, name: string) => JSON.stringify(lookup(name, map, site)));
}

/** The substitutions every melange.yaml has, before any build target is known. */
export function configSubstitutions(pkg: {
  name: string;
  version: string;
  epoch: number;
  description: string;
}): Map<string, string> {
  return new Map([
    ['package.name', pkg.name],
    ['package.version', pkg.version],
    ['package.epoch', String(pkg.epoch)],
    ['package.full-version', `${pkg.version}-r${pkg.epoch}`],
    ['package.description', pkg.description],
  ]);
}

/**
 * Resolves `vars:` (values may use other substitutions and other vars, depth
 * first; a cycle is refused: vars.ts) and then `var-transforms:` (a regular
 * expression replacement whose result becomes another var). `literal` names
 * the vars used as given (the command line's). JavaScript regular
 * expressions stand in for Go's RE2; the common subset (`\.`, groups, `$1`)
 * behaves the same.
 */
export function resolveVars(
  base: Substitutions,
  vars: Readonly<Record<string, string>>,
  opts: {
    readonly transforms: readonly { from: string; match: string; replace: string; to: string }[];
    readonly file: string;
    readonly literal?: ReadonlySet<string>;
  },
): Map<string, string> {
  const { transforms, file } = opts;
  const out = new Map(base);
  const lookupBase = (name: string, path: string) => lookup(name, base, { file, path });
  for (const [k, v] of resolveVarValues(vars, { file, lookup: lookupBase, literal: opts.literal ?? new Set() })) out.set(k, v);
  transforms.forEach((t, i) => {
    const site = { file, path: `var-transforms[${i}]` };
    let re: RegExp;
    try {
      re = new RegExp(t.match, 'g');
    } catch (err) {
      throw new ConfigError(`${file}: var-transforms[${i}].match: ${(err as Error).message}`, { file, path: `${site.path}.match`, cause: err });
    }
    const from = substitute(t.from, out, site);
    // Go writes group references as ${1} or $1; JavaScript understands $1.
    out.set(`vars.${t.to}`, from.replace(re, t.replace.replace(/\$\{(\d+)\}/g, '$$$1')));
  });
  return out;
}

/** What a pipeline's substitutions depend on besides the config. */
export interface BuildTarget {
  readonly arch: Arch;
  /** The workspace as the pipeline sees it, e.g. `/home/build`. */
  readonly workspace: string;
  /** The origin package and every subpackage, in config order. */
  readonly packageNames: readonly string[];
  /** Set while running a subpackage's pipeline. */
  readonly subpackage?: string;
}

/** GNU and Rust target triplets by OCI name, as melange's `ToTriplet`/`ToRustTriplet` spell them (`gnu` flavor). */
const TRIPLETS: Record<string, [gnu: string, rust: string, abi: string]> = {
  '386': ['i686-pc-linux', 'i686-unknown-linux', ''],
  amd64: ['x86_64-pc-linux', 'x86_64-unknown-linux', ''],
  arm64: ['aarch64-unknown-linux', 'aarch64-unknown-linux', ''],
  'arm/v6': ['arm-unknown-linux', 'arm-unknown-linux', 'eabihf'],
  'arm/v7': ['armv7-unknown-linux', 'armv7-unknown-linux', 'eabihf'],
  loong64: ['loongarch64-unknown-linux', 'loongarch64-unknown-linux', ''],
  ppc64le: ['powerpc64le-unknown-linux', 'powerpc64le-unknown-linux', ''],
  riscv64: ['riscv64-unknown-linux', 'riscv64gc-unknown-linux', ''],
  s390x: ['s390x-ibm-linux', 's390x-unknown-linux', ''],
};

/**
 * The full map a pipeline step sees: the config's (package.*, vars.*) plus
 * targets.*, build.*, host/cross triplets and, in a subpackage,
 * targets.subpkgdir and subpkg.name.
 */
export function pipelineSubstitutions(config: Substitutions, t: BuildTarget): Map<string, string> {
  const out = new Map(config);
  const outdir = `${t.workspace}/melange-out`;
  const origin = t.packageNames[0]!;
  out.set('package.srcdir', t.workspace);
  out.set('targets.outdir', outdir);
  out.set('targets.destdir', `${outdir}/${origin}`);
  out.set('targets.contextdir', `${outdir}/${t.subpackage ?? origin}`);
  for (const n of t.packageNames) out.set(`targets.package.${n}`, `${outdir}/${n}`);
  out.set('context.name', t.subpackage ?? origin);
  if (t.subpackage !== undefined) {
    out.set('targets.subpkgdir', `${outdir}/${t.subpackage}`);
    out.set('subpkg.name', t.subpackage);
  }
  out.set('build.arch', t.arch.apk);
  out.set('build.goarch', t.arch.architecture);
  const [gnu, rust, abi] = TRIPLETS[t.arch.oci] ?? [`${t.arch.apk}-unknown-linux`, `${t.arch.apk}-unknown-linux`, ''];
  out.set('host.triplet.gnu', `${gnu}-gnu${abi}`);
  out.set('host.triplet.rust', `${rust}-gnu${abi}`);
  out.set('cross.triplet.gnu.glibc', `${gnu}-gnu${abi}`);
  out.set('cross.triplet.gnu.musl', `${gnu}-musl${abi}`);
  out.set('cross.triplet.rust.glibc', `${rust}-gnu${abi}`);
  out.set('cross.triplet.rust.musl', `${rust}-musl${abi}`);
  return out;
}
