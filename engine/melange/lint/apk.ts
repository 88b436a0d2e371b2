/**
 * `melange lint <apk>...`: lints built packages as a build lints its output
 * directories. The package's name and its `.melange.yaml` (the config it
 * was built from, which melange embeds) come from the package itself; the
 * config says which tests the package has (pkgconf and lddcheck accept a
 * test in place of a fix) and which linters its `checks.disabled` turns
 * into warnings. Every package is linted before the first failure is thrown,
 * so one run reports them all.
 */
import { promises as fsp } from 'node:fs';
import { readApkBytes } from '../../apk/package-read';
import { ConfigError, LintError } from '../../errors';
import { PlainScalar } from '../../yaml/scalar';
import { parseYamlTree } from '../../yaml/tree';
import { entriesFromApk } from './entries';
import { lintPackage, type LintPolicy } from './run';
import { DEFAULT_LINT_REQUIRE, DEFAULT_LINT_WARN, checkLinterNames } from './table';

/** What `melange lint` takes. */
export interface MelangeLintOptions {
  /** .apk files. */
  readonly apks: readonly string[];
  /** Default melange's required set. */
  readonly lintRequire?: readonly string[];
  /** Default melange's warning set. */
  readonly lintWarn?: readonly string[];
  readonly log?: (line: string) => void;
}

/** What the package's embedded melange.yaml says about it. */
interface EmbeddedFacts {
  readonly testUses: string[];
  readonly disabled: string[];
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : v instanceof PlainScalar ? v.source : undefined);
const record = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof PlainScalar) ? (v as Record<string, unknown>) : undefined);
const items = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The uses: of a test section's top-level steps. */
function usesOf(test: unknown): string[] {
  return items(record(test)?.pipeline).flatMap((s) => {
    const u = text(record(s)?.uses);
    return u === undefined ? [] : [u];
  });
}

/** Reads `.melange.yaml` for package `name` (the main package or one of its subpackages); undefined when the package has none or it does not parse. */
function embeddedFacts(yaml: string, name: string, subject: string, log: (l: string) => void): EmbeddedFacts | undefined {
  let root: Record<string, unknown> | undefined;
  try {
    root = record(parseYamlTree(yaml, `${subject}: .melange.yaml`).value);
  } catch (err) {
    log(`warning: ${subject}: parsing .melange.yaml: ${(err as Error).message}`);
    return undefined;
  }
  const pkg = record(root?.package);
  const disabledOf = (holder: unknown) => items(record(record(holder)?.checks)?.disabled).flatMap((d) => (text(d) !== undefined ? [text(d)!] : []));
  if (text(pkg?.name) === name) return { testUses: usesOf(root?.test), disabled: disabledOf(pkg) };
  const sub = items(root?.subpackages).map(record).find((s) => text(s?.name) === name);
  return { testUses: usesOf(sub?.test), disabled: disabledOf(sub) };
}

/** Lints every package file; throws the first LintError after all were linted. */
export async function melangeLint(o: MelangeLintOptions): Promise<{ readonly linted: number }> {
  const log = o.log ?? (() => undefined);
  const policy: LintPolicy = {
    require: checkLinterNames(o.lintRequire ?? DEFAULT_LINT_REQUIRE, '--lint-require'),
    warn: checkLinterNames(o.lintWarn ?? DEFAULT_LINT_WARN, '--lint-warn'),
  };
  let first: LintError | undefined;
  for (const file of o.apks) {
    let bytes: Buffer;
    try {
      bytes = await fsp.readFile(file);
    } catch (err) {
      throw new ConfigError(`cannot read the package ${file}: ${(err as Error).message}`, { file, cause: err, hint: 'pass the path of a built .apk' });
    }
    const apk = readApkBytes(bytes, { subject: file });
    const name = apk.pkginfo.pkgname;
    const yaml = apk.controlEntries.find((e) => e.name === '.melange.yaml');
    const facts = yaml === undefined ? undefined : embeddedFacts(yaml.data.toString('utf8'), name, file, log);
    log(`linting apk: ${name} (${file})`);
    try {
      lintPackage({ name, entries: entriesFromApk(apk.dataEntries), ...(facts ? { testUses: facts.testUses } : {}) }, policy, {
        log,
        ...(facts ? { disabled: facts.disabled, disableAt: `the checks.disabled of ${name} in the melange.yaml it is built from` } : {}),
      });
    } catch (err) {
      if (!(err instanceof LintError)) throw err;
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
  return { linted: o.apks.length };
}
