/**
 * The engine's error classes. Every error a user can cause is an `ApkoError`
 * with a stable `code` (what callers and tests branch on), a message that is a
 * full sentence naming the file, package, key or URL involved, and an optional
 * `hint` saying what to do. The CLI prints message, causes and hint; a stack
 * only with --debug.
 */

/** Options every engine error accepts. */
export interface ApkoErrorOptions {
  /** What the user can do about it, printed after the message. */
  hint?: string;
  /** The lower-level failure this one wraps. */
  cause?: unknown;
}

/** Base class of every error the engine raises on purpose. */
export class ApkoError extends Error {
  readonly code: string;
  readonly hint?: string;

  constructor(code: string, message: string, opts: ApkoErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    if (opts.hint !== undefined) this.hint = opts.hint;
  }
}

/** A configuration file (apko.yaml, melange.yaml, lock file) is malformed or invalid. */
export class ConfigError extends ApkoError {
  readonly file?: string;
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
  constructor(
    message: string,
    opts: ApkoErrorOptions & { file?: string; path?: string; line?: number; column?: number } = {},
  ) {
    super('ECONFIG', message, opts);
    this.file = opts.file;
    this.path = opts.path;
    this.line = opts.line;
    this.column = opts.column;
  }
}

/** Bytes that do not follow the APK, tar or gzip format. */
export class FormatError extends ApkoError {
  readonly file?: string;
  constructor(message: string, opts: ApkoErrorOptions & { file?: string } = {}) {
    super('EFORMAT', message, opts);
    this.file = opts.file;
  }
}

/** No trusted key verifies a signed index or package. */
export class SignatureError extends ApkoError {
  /** The index or package that failed verification. */
  readonly subject: string;
  /** Key names found in the signature stream. */
  readonly signedWith: readonly string[];
  /** Key names that were tried. */
  readonly tried: readonly string[];
  constructor(
    message: string,
    opts: ApkoErrorOptions & { subject: string; signedWith?: readonly string[]; tried?: readonly string[] },
  ) {
    super('ESIGNATURE', message, opts);
    this.subject = opts.subject;
    this.signedWith = opts.signedWith ?? [];
    this.tried = opts.tried ?? [];
  }
}

/** Bytes whose digest is not the one their reference promised. */
export class ChecksumError extends ApkoError {
  readonly subject: string;
  readonly algorithm: string;
  readonly expected: string;
  readonly actual: string;
  constructor(
    message: string,
    opts: ApkoErrorOptions & { subject: string; algorithm: string; expected: string; actual: string },
  ) {
    super('EINTEGRITY', message, opts);
    this.subject = opts.subject;
    this.algorithm = opts.algorithm;
    this.expected = opts.expected;
    this.actual = opts.actual;
  }
}

/** Input larger than a configured safety limit (gzip bombs, oversized control sections). */
export class LimitError extends ApkoError {
  readonly subject: string;
  readonly limit: number;
  constructor(message: string, opts: ApkoErrorOptions & { subject: string; limit: number }) {
    super('ELIMIT', message, opts);
    this.subject = opts.subject;
    this.limit = opts.limit;
  }
}

/** A tar entry that would land outside the tree it is extracted into. */
export class UnsafePathError extends ApkoError {
  readonly subject: string;
  readonly entry: string;
  constructor(message: string, opts: ApkoErrorOptions & { subject: string; entry: string }) {
    super('EUNSAFEPATH', message, opts);
    this.subject = opts.subject;
    this.entry = opts.entry;
  }
}

/** A server refused or failed a request (engine/net/http.ts); each client raises its own subclass. */
export class HttpError extends ApkoError {
  /** The URL with any credentials redacted. */
  readonly url: string;
  readonly status?: number;
  constructor(code: string, message: string, opts: ApkoErrorOptions & { url: string; status?: number }) {
    super(code, message, opts);
    this.url = opts.url;
    this.status = opts.status;
  }
}

/** A repository, key or package could not be fetched. */
export class FetchError extends HttpError {
  constructor(message: string, opts: ApkoErrorOptions & { url: string; status?: number }) {
    super('EFETCH', message, opts);
  }
}

/** Something is needed that is not in the cache while running --offline. */
export class OfflineError extends ApkoError {
  readonly url: string;
  constructor(message: string, opts: ApkoErrorOptions & { url: string }) {
    super('EOFFLINE', message, opts);
    this.url = opts.url;
  }
}

/** The resolver found no package set that satisfies the world. */
export class UnsatisfiableError extends ApkoError {
  /** One line per problem, in apk-tools' wording. */
  readonly problems: readonly string[];
  readonly arch?: string;
  constructor(message: string, opts: ApkoErrorOptions & { problems: readonly string[]; arch?: string }) {
    super('EUNSATISFIABLE', message, opts);
    this.problems = opts.problems;
    this.arch = opts.arch;
  }
}

/** Two packages install the same path and neither replaces the other. */
export class FileConflictError extends ApkoError {
  readonly path: string;
  readonly packages: readonly string[];
  constructor(message: string, opts: ApkoErrorOptions & { path: string; packages: readonly string[] }) {
    super('ECONFLICT', message, opts);
    this.path = opts.path;
    this.packages = opts.packages;
  }
}

/** An output could not be written. */
export class OutputError extends ApkoError {
  readonly file: string;
  constructor(message: string, opts: ApkoErrorOptions & { file: string }) {
    super('EOUTPUT', message, opts);
    this.file = opts.file;
  }
}

/** A registry refused or failed a request. */
export class RegistryError extends HttpError {
  constructor(message: string, opts: ApkoErrorOptions & { url: string; status?: number }) {
    super('EREGISTRY', message, opts);
  }
}

/** A melange pipeline step failed. */
export class PipelineError extends ApkoError {
  readonly step: string;
  readonly exitCode: number | null;
  constructor(message: string, opts: ApkoErrorOptions & { step: string; exitCode: number | null }) {
    super('EPIPELINE', message, opts);
    this.step = opts.step;
    this.exitCode = opts.exitCode;
  }
}

/** Package content that no signed or indexed digest covers (a data section without a datahash); refused unless the user opts out. */
export class UnverifiedDataError extends ApkoError {
  readonly subject: string;
  constructor(message: string, opts: ApkoErrorOptions & { subject: string }) {
    super('EUNVERIFIED', message, opts);
    this.subject = opts.subject;
  }
}

/** A required melange linter found a problem in a package's files. */
export class LintError extends ApkoError {
  /** The package linted. */
  readonly pkg: string;
  /** The required linters that failed, in the order they ran. */
  readonly linters: readonly string[];
  constructor(message: string, opts: ApkoErrorOptions & { pkg: string; linters: readonly string[] }) {
    super('ELINT', message, opts);
    this.pkg = opts.pkg;
    this.linters = opts.linters;
  }
}
