/**
 * melange's package linters. Input: one package's files (a build's output
 * directory, or a .apk's data section) and the required and warning sets.
 * Output: warnings through the log, and a LintError when a required linter
 * finds something. Invariants: the same names, checks, messages and default
 * sets as melange (pkg/linter), and a package's `checks.disabled` only ever
 * turns a failure into a warning.
 */
export { LINTERS, DEFAULT_LINT_REQUIRE, DEFAULT_LINT_WARN, checkLinterNames } from './table';
export { lintPackage, type LintPolicy, type LintRun } from './run';
export { entriesFromApk, entriesFromDestdir } from './entries';
export type { Finding, LintEntry, LintSubject, Linter } from './types';
