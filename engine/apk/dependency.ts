/**
 * Dependency atoms (`D:`, `i:`, world entries) and provides (`p:`), as
 * apk-tools writes them: `[!]name[op version][@tag]`.
 *
 * Names are anything without whitespace or the operator characters
 * `= < > ~ @ !`, so virtual names such as `so:libc.musl-x86_64.so.1`,
 * `cmd:busybox`, `pc:zlib` and `/bin/sh` are ordinary names.
 *
 * Provides are kept as written. apko rewrites `so:X=V` without `-rN` to
 * `0.V`; apk-tools does not, and the versions of a provided name are only ever
 * compared with each other, so we keep apk-tools' reading.
 */
import { FormatError } from '../errors';
import { isValidVersion, satisfies, type VersionOp } from './version';

/** A parsed dependency atom. */
export interface Dependency {
  readonly name: string;
  /** Normalized operator: `=~` reads as `~`. */
  readonly op?: VersionOp;
  /** The operator as written (`=~` stays `=~`), for round trips. */
  readonly opText?: string;
  readonly version?: string;
  /** `!name`: nothing providing the name (at that version) may be installed. */
  readonly conflict: boolean;
  /** `name@tag`: only from repositories tagged `@tag`. */
  readonly tag?: string;
  /** The atom as given. */
  readonly raw: string;
}

/** A parsed `p:` entry: a versioned provide acts as a real version of `name`; without one it is virtual. */
export interface Provide {
  readonly name: string;
  readonly version?: string;
}

const OPS: Readonly<Record<string, VersionOp>> = {
  '=': '=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '~': '~',
  '=~': '~',
};

const ATOM = /^(!?)([^\s=<>~@!]+)(?:([=<>~]+)([^\s@]*))?(?:@([A-Za-z0-9._-]+))?$/;

function malformed(atom: string, why: string, subject?: string): FormatError {
  const where = subject === undefined ? '' : ` in ${subject}`;
  return new FormatError(`malformed dependency ${JSON.stringify(atom)}${where}: ${why}`, {
    hint: 'write it as [!]name[op version][@tag] with op one of = < <= > >= ~ =~',
  });
}

/** Parses one dependency atom; throws FormatError naming the atom when it is malformed. */
export function parseDependency(atom: string, subject?: string): Dependency {
  const m = ATOM.exec(atom);
  if (m === null) {
    if (atom === '' || atom === '!') throw malformed(atom, 'the name is empty', subject);
    if (/\s/.test(atom)) throw malformed(atom, 'it contains whitespace', subject);
    throw malformed(atom, 'it does not have the form [!]name[op version][@tag]', subject);
  }
  const [, bang, name, opText, version, tag] = m;
  const dep: { -readonly [K in keyof Dependency]: Dependency[K] } = { name, conflict: bang === '!', raw: atom };
  if (opText !== undefined) {
    const op = OPS[opText];
    if (op === undefined) throw malformed(atom, `unknown operator ${JSON.stringify(opText)}`, subject);
    if (!isValidVersion(version)) throw malformed(atom, `${JSON.stringify(version)} is not a valid version`, subject);
    dep.op = op;
    dep.opText = opText;
    dep.version = version;
  }
  if (tag !== undefined) dep.tag = tag;
  return dep;
}

/** Writes an atom back; `formatDependency(parseDependency(a)) === a` for every valid atom. */
export function formatDependency(d: Dependency): string {
  const op = d.op === undefined ? '' : `${d.opText ?? d.op}${d.version ?? ''}`;
  return `${d.conflict ? '!' : ''}${d.name}${op}${d.tag === undefined ? '' : `@${d.tag}`}`;
}

/** Parses one `p:` entry (`name` or `name=version`); throws FormatError when malformed. */
export function parseProvides(p: string, subject?: string): Provide {
  const eq = p.indexOf('=');
  const name = eq < 0 ? p : p.slice(0, eq);
  const where = subject === undefined ? '' : ` in ${subject}`;
  if (name === '' || /[\s<>~@!=]/.test(name)) {
    throw new FormatError(`malformed provides ${JSON.stringify(p)}${where}: bad name`, {
      hint: 'a provides entry is name or name=version',
    });
  }
  if (eq < 0) return { name };
  const version = p.slice(eq + 1);
  if (!isValidVersion(version)) {
    throw new FormatError(`malformed provides ${JSON.stringify(p)}${where}: ${JSON.stringify(version)} is not a valid version`, {
      hint: 'a provides entry is name or name=version',
    });
  }
  return { name, version };
}

/**
 * True when a package or provide called `name` at `version` (undefined for a
 * virtual provide) is what the atom names. The conflict flag is ignored: for
 * `!foo<2` it tells whether the provider is the one the atom forbids. A
 * virtual provide never satisfies a versioned atom.
 */
export function dependencyMatches(dep: Dependency, name: string, version?: string): boolean {
  if (dep.name !== name) return false;
  if (dep.op === undefined) return true;
  if (version === undefined || dep.version === undefined) return false;
  return satisfies(version, dep.op, dep.version);
}
