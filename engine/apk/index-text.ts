/**
 * The APKINDEX text: one record per package, `X:value` lines, a blank line
 * after each record. Parsing reads every field apk-tools writes (`C P V A S I
 * T U L o m t c D p i k r q`) and ignores unknown letters, as apk-tools does.
 * Formatting writes melange's field order so our indexes diff cleanly
 * against melange's.
 */
import { FormatError } from '../errors';
import type { IndexEntry } from './types';

/** An empty record with every list present, the defaults for absent fields. */
function emptyEntry(): IndexEntry {
  return {
    name: '',
    version: '',
    arch: '',
    size: 0,
    installedSize: 0,
    description: '',
    url: '',
    license: '',
    depends: [],
    provides: [],
    installIf: [],
    replaces: [],
    checksum: '',
  };
}

/** Space-separated list fields (D, p, i, r); repeated lines append, as apk-tools does. */
function words(value: string): string[] {
  return value.split(' ').filter((w) => w !== '');
}

function integer(value: string, field: string, subject: string, line: number): number {
  if (value === '') return 0;
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new FormatError(`${subject}: line ${line}: field ${field}: "${value}" is not a whole number`, {
      file: subject,
      hint: 'the index is damaged or was not written by an APK tool; regenerate it',
    });
  }
  return Number(value);
}

/** An empty optional field is an absent one, as the writer leaves it out: a record reads the same after a rewrite. */
function setOptional(e: IndexEntry, key: 'origin' | 'maintainer' | 'commit', value: string): void {
  if (value === '') delete e[key];
  else e[key] = value;
}

/** Applies one `X:value` line to the record being built. */
function applyField(e: IndexEntry, field: string, value: string, subject: string, line: number): void {
  switch (field) {
    case 'C': e.checksum = value; break;
    case 'P': e.name = value; break;
    case 'V': e.version = value; break;
    case 'A': e.arch = value; break;
    case 'S': e.size = integer(value, field, subject, line); break;
    case 'I': e.installedSize = integer(value, field, subject, line); break;
    case 'T': e.description = value; break;
    case 'U': e.url = value; break;
    case 'L': e.license = value; break;
    case 'o': setOptional(e, 'origin', value); break;
    case 'm': setOptional(e, 'maintainer', value); break;
    case 't': e.buildTime = integer(value, field, subject, line); break;
    case 'c': setOptional(e, 'commit', value); break;
    case 'D': e.depends.push(...words(value)); break;
    case 'p': e.provides.push(...words(value)); break;
    case 'i': e.installIf.push(...words(value)); break;
    case 'k': e.providerPriority = integer(value, field, subject, line); break;
    case 'r': e.replaces.push(...words(value)); break;
    case 'q': e.replacesPriority = integer(value, field, subject, line); break;
    default: break; // unknown fields (F, M, R, Z of the installed db, future letters) are not ours
  }
}

/** Parses APKINDEX text into records, in file order. `subject` names the index in errors. */
export function parseIndexText(text: string, subject = 'APKINDEX'): IndexEntry[] {
  const entries: IndexEntry[] = [];
  let current: IndexEntry | undefined;
  let startLine = 0;
  const finish = (): void => {
    if (current === undefined) return;
    if (current.name === '' || current.version === '') {
      throw new FormatError(`${subject}: the record starting at line ${startLine} has no ${current.name === '' ? 'P: (name)' : 'V: (version)'} field`, {
        file: subject,
        hint: 'the index is damaged or was not written by an APK tool; regenerate it',
      });
    }
    entries.push(current);
    current = undefined;
  };
  // Lines are read by index into the text, not split, so a 25 MiB index does
  // not become a million temporary strings.
  let pos = 0;
  let lineNo = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const end = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    const start = pos;
    pos = nl + 1;
    lineNo++;
    if (end === start) {
      finish();
      continue;
    }
    if (end - start < 2 || text.charCodeAt(start + 1) !== 58 /* ':' */) {
      throw new FormatError(`${subject}: line ${lineNo} is not a "X:value" field: ${JSON.stringify(text.slice(start, Math.min(end, start + 80)))}`, {
        file: subject,
        hint: 'the index is damaged or was not written by an APK tool; regenerate it',
      });
    }
    if (current === undefined) {
      current = emptyEntry();
      startLine = lineNo;
    }
    applyField(current, text[start]!, text.slice(start + 2, end), subject, lineNo);
  }
  finish();
  return entries;
}

/** A value with a line break would start a new field or record, so it cannot be written. */
function checked(letter: string, value: string | number, e: IndexEntry): string {
  const s = String(value);
  if (/[\r\n]/.test(s)) {
    throw new FormatError(`${e.name || 'an index entry'}: field ${letter} contains a line break, which the APKINDEX format cannot hold`, {
      hint: 'remove the line break from the package metadata',
    });
  }
  return s;
}

function optional(letter: string, value: string | number | undefined, e: IndexEntry): string {
  return value === undefined || value === '' ? '' : `${letter}:${checked(letter, value, e)}\n`;
}

function list(letter: string, values: readonly string[], e: IndexEntry): string {
  for (const v of values) {
    if (v === '' || /\s/.test(v)) {
      throw new FormatError(`${e.name || 'an index entry'}: field ${letter} item ${JSON.stringify(v)} is empty or contains whitespace`, {
        hint: 'each dependency, provide or replace must be one word',
      });
    }
  }
  return values.length === 0 ? '' : `${letter}:${values.join(' ')}\n`;
}

function required(letter: string, value: string | number, e: IndexEntry): string {
  return `${letter}:${checked(letter, value, e)}\n`;
}

/** A field apko's index template writes only when it is set: `{{if .X}}` skips "" and 0. */
function whenSet(letter: string, value: string | number, e: IndexEntry): string {
  return value === '' || value === 0 ? '' : required(letter, value, e);
}

/**
 * One record in melange's order (apko's index template, `pkg/apk/apk/apkindex.go`,
 * which melange uses): C P V T always, A S I U L when set, then o m t c D i p k
 * when set; then r and q (which melange never writes) when set, so nothing we
 * read is lost on a rewrite. A blank line ends the record.
 */
export function formatIndexEntry(e: IndexEntry): string {
  return (
    required('C', e.checksum, e) +
    required('P', e.name, e) +
    required('V', e.version, e) +
    whenSet('A', e.arch, e) +
    whenSet('S', e.size, e) +
    whenSet('I', e.installedSize, e) +
    required('T', e.description, e) +
    whenSet('U', e.url, e) +
    whenSet('L', e.license, e) +
    optional('o', e.origin, e) +
    optional('m', e.maintainer, e) +
    optional('t', e.buildTime, e) +
    optional('c', e.commit, e) +
    list('D', e.depends, e) +
    list('i', e.installIf, e) +
    list('p', e.provides, e) +
    optional('k', e.providerPriority, e) +
    list('r', e.replaces, e) +
    optional('q', e.replacesPriority, e) +
    '\n'
  );
}

/** The whole APKINDEX text for records already in the order wanted. */
export function formatIndexText(entries: readonly IndexEntry[]): string {
  return entries.map(formatIndexEntry).join('');
}
