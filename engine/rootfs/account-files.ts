/**
 * The line formats of /etc/passwd, /etc/group and /etc/shadow. Parsing keeps
 * every field as text so entries from packages are written back unchanged;
 * blank lines are skipped, and any other line with the wrong number of
 * fields is an error naming the file and line, as apko's parser rejects it.
 */
import { FormatError } from '../errors';

/** One /etc/passwd entry. */
export interface PasswdEntry {
  name: string;
  password: string;
  uid: number;
  gid: number;
  info: string;
  home: string;
  shell: string;
}

/** One /etc/group entry. */
export interface GroupEntry {
  name: string;
  password: string;
  gid: number;
  members: string[];
}

/** One /etc/shadow entry: the name and the eight fields after it, verbatim. */
export interface ShadowEntry {
  name: string;
  fields: string[];
}

function splitLines(text: string, file: string, fields: number): Array<{ parts: string[]; line: number }> {
  const out: Array<{ parts: string[]; line: number }> = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const parts = line.split(':');
    if (parts.length !== fields) {
      throw new FormatError(`${file} line ${i + 1} has ${parts.length} fields, expected ${fields}: "${line}"`, {
        file,
        hint: `fix ${file} in the package that ships it`,
      });
    }
    out.push({ parts, line: i + 1 });
  });
  return out;
}

function id(value: string, file: string, line: number): number {
  if (!/^\d+$/.test(value)) throw new FormatError(`${file} line ${line}: "${value}" is not a numeric id`, { file });
  return Number(value);
}

/** Parses /etc/passwd text. */
export function parsePasswd(text: string, file = '/etc/passwd'): PasswdEntry[] {
  return splitLines(text, file, 7).map(({ parts: p, line }) => ({
    name: p[0]!, password: p[1]!, uid: id(p[2]!, file, line), gid: id(p[3]!, file, line), info: p[4]!, home: p[5]!, shell: p[6]!,
  }));
}

/** Formats /etc/passwd text. */
export function formatPasswd(entries: readonly PasswdEntry[]): string {
  return entries.map((e) => `${e.name}:${e.password}:${e.uid}:${e.gid}:${e.info}:${e.home}:${e.shell}\n`).join('');
}

/** Parses /etc/group text. */
export function parseGroup(text: string, file = '/etc/group'): GroupEntry[] {
  return splitLines(text, file, 4).map(({ parts: p, line }) => ({
    name: p[0]!, password: p[1]!, gid: id(p[2]!, file, line), members: p[3] === '' ? [] : p[3]!.split(','),
  }));
}

/** Formats /etc/group text. */
export function formatGroup(entries: readonly GroupEntry[]): string {
  return entries.map((e) => `${e.name}:${e.password}:${e.gid}:${e.members.join(',')}\n`).join('');
}

/** Parses /etc/shadow text. */
export function parseShadow(text: string, file = '/etc/shadow'): ShadowEntry[] {
  return splitLines(text, file, 9).map(({ parts }) => ({ name: parts[0]!, fields: parts.slice(1) }));
}

/** Formats /etc/shadow text. */
export function formatShadow(entries: readonly ShadowEntry[]): string {
  return entries.map((e) => `${[e.name, ...e.fields].join(':')}\n`).join('');
}
