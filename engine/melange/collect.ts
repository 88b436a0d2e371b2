/**
 * After the pipelines: each built package's output directory read once and
 * linted as melange lints it (all packages before any is written), so a
 * required linter's finding fails the build before a package exists. The
 * entries read are the ones emitted.
 */
import { readDestdir, type DestEntry, type OwnerMap } from './destdir';
import { entriesFromDestdir, lintPackage, type LintPolicy } from './lint';
import type { MelangeConfig, PackageCommon } from './model';

/** What linting a build's packages takes. */
export interface CollectInput {
  readonly config: MelangeConfig;
  /** The melange.yaml, as hints name it. */
  readonly file: string;
  readonly built: readonly PackageCommon[];
  readonly dirs: ReadonlyMap<string, string>;
  readonly owners: OwnerMap;
  readonly policy: LintPolicy;
  readonly log: (line: string) => void;
}

/** Where a package's own `checks.disabled` is written. */
function checksKey(cfg: MelangeConfig, pkg: PackageCommon): string {
  const i = cfg.subpackages.findIndex((s) => s.name === pkg.name);
  return i < 0 ? 'package.checks.disabled' : `subpackages[${i}].checks.disabled`;
}

/** Reads and lints every built package; throws a LintError on the first one a required linter fails. */
export async function collectAndLint(i: CollectInput): Promise<Map<string, DestEntry[]>> {
  const out = new Map<string, DestEntry[]>();
  for (const pkg of i.built) {
    const entries = await readDestdir(i.dirs.get(pkg.name)!, i.owners);
    i.log(`running package linters for ${pkg.name}`);
    const testUses = (pkg.test?.pipeline ?? []).flatMap((s) => (s.uses !== undefined ? [s.uses] : []));
    lintPackage({ name: pkg.name, entries: entriesFromDestdir(entries), testUses }, i.policy, {
      log: i.log,
      disabled: pkg.checksDisabled,
      disableAt: `${checksKey(i.config, pkg)} in ${i.file}`,
    });
    out.set(pkg.name, entries);
  }
  return out;
}
