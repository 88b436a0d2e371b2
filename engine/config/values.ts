/**
 * The rules for config text that lands in a file format with separators of
 * its own: account names (the `:` and `,` of /etc/passwd and /etc/group),
 * environment names (the `=` of an OCI `Env` entry), annotation keys, and
 * absolute image paths (homes, the working directory). apko copies these
 * into the image as written, so a `:` or a newline in a user name would add
 * a line of its own to /etc/passwd; we refuse them where they are written.
 * Each rule returns what is wrong, or undefined; the schema and the flag
 * parsers turn that into a located error.
 */

/** Any C0 control character or DEL: a line break, a NUL, an escape sequence. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The first control character of `s`, spelled so a message can show it. */
export function controlCharacter(s: string): string | undefined {
  const m = CONTROL.exec(s);
  return m === null ? undefined : JSON.stringify(m[0]).slice(1, -1);
}

/**
 * A user or group name: letters, digits, `_`, `.` and `-`, not starting with
 * `-` or `.`, an optional trailing `$` (machine accounts), not all digits (a
 * number is read as an id by run-as, chown and the kernel's tools), at most
 * 256 bytes. shadow-utils' own default is stricter (`[a-z_][a-z0-9_-]*$?`).
 */
const ACCOUNT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/;

/** Why `name` cannot be an account name in /etc/passwd or /etc/group, or undefined. */
export function accountNameProblem(name: string): string | undefined {
  const ctl = controlCharacter(name);
  if (ctl !== undefined) return `the name contains the control character "${ctl}"`;
  if (name.includes(':')) return 'the name contains ":", the field separator of /etc/passwd and /etc/group';
  if (name.includes(',')) return 'the name contains ",", the member separator of /etc/group';
  if (Buffer.byteLength(name) > 256) return 'the name is longer than 256 bytes';
  if (/^[0-9]+$/.test(name)) return 'the name is all digits, which reads as a numeric id';
  if (!ACCOUNT_NAME.test(name)) return `the name must match ${ACCOUNT_NAME.source}`;
  return undefined;
}

/**
 * Why `path` cannot be a path inside the image, or undefined (`..` could name
 * a place above `/`). `relative: true` takes a relative path as starting at
 * `/`, as apko's `paths` entries do.
 */
export function imagePathProblem(path: string, what: string, opts: { relative?: boolean } = {}): string | undefined {
  const ctl = controlCharacter(path);
  if (ctl !== undefined) return `${what} contains the control character "${ctl}"`;
  if (!opts.relative && !path.startsWith('/')) return `${what} "${path}" is not an absolute path`;
  if (path.split('/').includes('..')) return `${what} "${path}" has a ".." component`;
  return undefined;
}

/** Why `value` cannot be a field of an /etc/passwd line (shell, home), or undefined. */
export function passwdFieldProblem(value: string, what: string): string | undefined {
  const ctl = controlCharacter(value);
  if (ctl !== undefined) return `${what} contains the control character "${ctl}"`;
  if (value.includes(':')) return `${what} "${value}" contains ":", the field separator of /etc/passwd`;
  return undefined;
}

/** Why `name` cannot be an environment variable name, or undefined (an `Env` entry is `NAME=value`, read up to the first `=`). */
export function envNameProblem(name: string): string | undefined {
  if (name === '') return 'the variable name is empty';
  const ctl = controlCharacter(name);
  if (ctl !== undefined) return `the variable name contains the control character "${ctl}"`;
  if (name.includes('=')) return 'the variable name contains "=", which ends the name in an environment entry';
  return undefined;
}

/** Why `key` cannot be an annotation or label key, or undefined. */
export function annotationKeyProblem(key: string): string | undefined {
  if (key.trim() === '') return 'the key is empty';
  const ctl = controlCharacter(key);
  if (ctl !== undefined) return `the key contains the control character "${ctl}"`;
  return undefined;
}
