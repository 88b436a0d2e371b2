/**
 * e2e/hostile/README.md is made from the cases themselves, so it can never
 * list a case that does not exist or miss one that does: `renderReadme`
 * reads every `hostile('<id>', '<proves>', …)` in the battery's test files.
 * `npx vite-node e2e/hostile/support/write-readme.ts` rewrites the file; the
 * battery's readme test fails when it is out of date.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const HOSTILE_DIR = join(__dirname, '..');

/** A case as its test file declares it. */
export interface DeclaredCase {
  id: string;
  proves: string;
  file: string;
}

const CASE = /hostile\(\s*(['"`])((?:(?!\1).)+)\1\s*,\s*(['"`])((?:\\.|(?!\3).)+)\3/g;

/** Every case declared in the battery's test files, in file then declaration order. */
export function declaredCases(dir = HOSTILE_DIR): DeclaredCase[] {
  const out: DeclaredCase[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(CASE)) out.push({ id: m[2]!, proves: m[4]!.replace(/\\(.)/g, '$1'), file });
  }
  return out;
}

const INTRO = `# The hostile battery

Each case feeds the CLI one hostile input or fault and checks, through
\`support/sandbox.ts\`, all of: the exit status; a message that names the
culprit (file, URL, package, key or path) and says what to do, with no stack
trace, \`undefined\` or \`NaN\`; nothing written outside the output and the
cache; the previous output byte-for-byte unchanged; and the cache still good
for the next correct build (a clean build through it gives the clean digest).
Cases that must succeed (a 100,000-entry index, setuid files that are kept
and reported) say so in their line. Hostile bytes are made field by field by
\`support/forge.ts\`; faults come from \`support/fault-server.ts\` on 127.0.0.1.

This file is generated from the cases: \`npx vite-node e2e/hostile/support/write-readme.ts\`.
`;

/** The README's text for the declared cases. */
export function renderReadme(cases: readonly DeclaredCase[] = declaredCases()): string {
  const lines = [INTRO, `${cases.length} cases.`, ''];
  let file = '';
  for (const c of cases) {
    if (c.file !== file) {
      file = c.file;
      lines.push('', `## ${file}`, '', '| case | proves |', '|---|---|');
    }
    lines.push(`| \`${c.id}\` | ${c.proves.replace(/\|/g, '\\|')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Rewrites e2e/hostile/README.md from the cases. */
export function writeReadme(): void {
  writeFileSync(join(HOSTILE_DIR, 'README.md'), renderReadme());
}
