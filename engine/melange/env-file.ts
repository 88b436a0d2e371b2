/**
 * melange's `--env-file`: KEY=VALUE lines (the dotenv format melange reads
 * with godotenv) added to the steps' environment. `#` starts a comment line,
 * or a comment after an unquoted value; `export ` before a key is allowed;
 * `KEY: VALUE` is read as `KEY=VALUE`; single quotes keep a value as written,
 * double quotes read `\n`, `\"` and `\\`. The YAML's `environment.environment`
 * wins over every file, and an earlier file over a later one, as in melange.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors';

const KEY = /^[A-Za-z_][A-Za-z0-9_.]*$/;

function unquote(raw: string, file: string, line: number): string {
  const v = raw.trim();
  if (v.startsWith("'")) {
    const end = v.indexOf("'", 1);
    if (end < 0) throw bad(file, line, 'an unterminated single-quoted value');
    return v.slice(1, end);
  }
  if (v.startsWith('"')) {
    const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t' };
    let out = '';
    for (let i = 1; i < v.length; i++) {
      const c = v[i]!;
      if (c === '"') return out;
      if (c === '\\' && i + 1 < v.length) out += ESCAPES[v[++i]!] ?? v[i];
      else out += c;
    }
    throw bad(file, line, 'an unterminated double-quoted value');
  }
  const hash = v.search(/\s#/);
  return (hash >= 0 ? v.slice(0, hash) : v).trim();
}

function bad(file: string, line: number, what: string): ConfigError {
  return new ConfigError(`${file}:${line}: ${what}`, { file, hint: 'write one KEY=VALUE per line (quote values with spaces or #); lines starting with # are comments' });
}

/** The variables of one env file's text. */
export function parseEnvFile(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const body = line.startsWith('export ') ? line.slice(7).trimStart() : line;
    const sep = body.search(/[=:]/);
    if (sep <= 0) throw bad(file, i + 1, `"${raw}" is not KEY=VALUE`);
    const key = body.slice(0, sep).trim();
    if (!KEY.test(key)) throw bad(file, i + 1, `"${key}" is not a variable name`);
    out[key] = unquote(body.slice(sep + 1), file, i + 1);
  }
  return out;
}

/** The environment of every file in order (an earlier file wins over a later one), read from disk. */
export function readEnvFiles(files: readonly string[]): Record<string, string> {
  let env: Record<string, string> = {};
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (err) {
      throw new ConfigError(`--env-file ${f}: ${(err as Error).message}`, { file: f, cause: err, hint: 'pass an existing file of KEY=VALUE lines' });
    }
    env = { ...parseEnvFile(text, f), ...env };
  }
  return env;
}
