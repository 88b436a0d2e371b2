/**
 * Splits a command line into words the way apko's shlex does for
 * `entrypoint.command` and `cmd`: whitespace separates, single quotes keep
 * everything literal, double quotes allow `\"` and `\\`, a backslash outside
 * quotes escapes the next character. No variable expansion.
 */
import { ConfigError } from '../errors';

/** Splits `line` into words; an unclosed quote is a ConfigError naming `field`. */
export function shellWords(line: string, field: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
      else word += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new ConfigError(`${field}: unclosed ${quote} quote in "${line}"`, { path: field });
  if (inWord) words.push(word);
  return words;
}
