/**
 * What a linter sees and says. A linter reads one package's files (the
 * output directory after the pipelines, or the data section of a built
 * .apk) as a list of entries in byte-wise depth-first order, and returns a
 * finding or nothing. Paths are relative to the package root, with no
 * leading slash, as melange walks them.
 */

/** One file, directory or link of a package. */
export interface LintEntry {
  readonly path: string;
  /** A hard link is a regular file as a linter sees it (melange lints a directory tree); `other`: a device node or FIFO. */
  readonly type: 'file' | 'dir' | 'symlink' | 'other';
  /** Permission bits with setuid (0o4000), setgid (0o2000) and sticky (0o1000). */
  readonly mode: number;
  readonly size: number;
  /** The bytes of a regular file. */
  read(): Buffer;
}

/** The facts about a package besides its files. */
export interface LintSubject {
  readonly name: string;
  readonly entries: readonly LintEntry[];
  /**
   * The `uses:` of the package's own `test:` pipeline, for the linters that
   * accept a test in place of a fix (pkgconf, lddcheck); undefined when the
   * package's melange.yaml is not known (a .apk without `.melange.yaml`).
   */
  readonly testUses?: readonly string[];
}

/** What a linter found: a one-line summary and, when it has them, one line per item. */
export interface Finding {
  readonly message: string;
  readonly items?: readonly string[];
}

/** A linter: its name (as `--lint-require`, `--lint-warn` and `checks.disabled` spell it) and its check. */
export interface Linter {
  readonly name: string;
  /** What to do about a finding, printed after it. */
  readonly explain: string;
  /** What happens when the user names no linters: melange's defaults. */
  readonly byDefault: 'require' | 'warn' | 'ignore';
  check(subject: LintSubject): Finding | undefined;
}
