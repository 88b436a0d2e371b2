/**
 * Lints one package as melange does after its pipelines ran: the warning
 * linters first, each finding logged; then the required linters, whose
 * findings are logged too and fail the package with one LintError naming
 * it, each failed linter, the paths it found and how to turn it into a
 * warning. A linter the package's `checks.disabled` names is moved from the
 * required set to the warning set, as melange does.
 */
import { LintError } from '../../errors';
import { LINTERS } from './table';
import type { Finding, LintSubject } from './types';

/** Which linters fail the package and which only warn. */
export interface LintPolicy {
  readonly require: readonly string[];
  readonly warn: readonly string[];
}

/** Where a lint runs and what it tells the user. */
export interface LintRun {
  readonly log: (line: string) => void;
  /** The package's `checks.disabled`. */
  readonly disabled?: readonly string[];
  /** How the package's own checks are spelled in its config (`package.checks.disabled in melange.yaml`), for the hint; absent for a bare .apk. */
  readonly disableAt?: string;
}

function lines(f: Finding, indent: string): string[] {
  return (f.items ?? []).map((i) => `${indent}- ${i}`);
}

/** Runs the policy's linters over the package; throws a LintError when a required one finds something. */
export function lintPackage(subject: LintSubject, policy: LintPolicy, run: LintRun): void {
  const disabled = run.disabled ?? [];
  const required = policy.require.filter((n) => !disabled.includes(n));
  const warn = [...new Set([...policy.warn, ...disabled])];
  const check = (name: string) => LINTERS.get(name)!.check(subject);
  for (const name of warn) {
    const f = check(name);
    if (f === undefined) continue;
    run.log(`warning: ${subject.name}: [${name}] ${f.message}`);
    for (const l of lines(f, '    ')) run.log(`warning: ${l}`);
    run.log(`warning:     → ${LINTERS.get(name)!.explain}`);
  }
  const failed: { name: string; finding: Finding }[] = [];
  for (const name of required) {
    const finding = check(name);
    if (finding === undefined) continue;
    run.log(`error: ${subject.name}: [${name}] ${finding.message}`);
    failed.push({ name, finding });
  }
  if (failed.length === 0) return;
  const names = failed.map((f) => f.name);
  const body = failed.flatMap(({ name, finding }) => [`  linter "${name}": ${finding.message}`, ...lines(finding, '    '), `    → ${LINTERS.get(name)!.explain}`]);
  const quoted = names.map((n) => `"${n}"`).join(', ');
  const where = run.disableAt !== undefined ? `add ${quoted} to ${run.disableAt} (checks: { disabled: [${names.join(', ')}] }), or ` : '';
  throw new LintError(`${subject.name}: required linter${names.length === 1 ? '' : 's'} ${quoted} failed:\n${body.join('\n')}`, {
    pkg: subject.name,
    linters: names,
    hint: `fix the files in the pipeline; if they are meant to be there, ${where}leave the linter out of --lint-require (or pass it to --lint-warn) to make it a warning`,
  });
}
