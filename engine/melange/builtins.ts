/**
 * The `uses:` pipelines apko-nx has built in. Each becomes one shell script
 * run like any `runs:` step, so it runs inside the build environment and
 * fails the same way. Inputs (`with:`) keep melange's names:
 *
 * - `uses: strip` (`with: {opts}`): runs `strip [opts]` on every ELF
 *   executable and shared object under `${{targets.contextdir}}` (the package
 *   being built: the destdir, or the subpackage's dir). When the environment
 *   has no `strip` (binutils), the step logs that it skips and succeeds.
 * - `uses: fetch`: builtin-fetch.ts.
 * - `uses: copy` (`with: {src, dest, opts, modroot}`): `cd modroot` (default
 *   the workspace), then `cp opts src… dest` (opts default `-r`), creating
 *   dest's parent (or dest itself when it ends in `/`). `src` is a
 *   space-separated list of paths; dest defaults to `${{targets.contextdir}}/<src>`.
 */
import { posix } from 'node:path';
import { ET_DYN, ET_EXEC, readElfFile } from './elf';
import type { DestEntry } from './destdir';
import { fetchScript } from './builtin-fetch';

/** Quotes a word for /bin/sh. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Their definitions (inputs as melange declares them), read like every other (pipelines/). */
export const CODE_PIPELINES: Readonly<Record<string, string>> = {
  strip: 'code: strip\ninputs:\n  opts:\n    default: -g\n',
  copy: 'code: copy\ninputs:\n  src:\n    required: true\n  dest: {}\n  opts: {}\n  modroot: {}\n',
  fetch: [
    'code: fetch',
    'inputs:',
    '  uri: {required: true}',
    ...['expected-sha256', 'expected-sha512', 'expected-none', 'reason'].map((k) => `  ${k}: {}`),
    '  purl-name: {default: "${{package.name}}"}',
    '  purl-version: {default: "${{package.version}}"}',
    '  strip-components: {default: 1}',
    '  directory: {default: .}',
    '  extract: {default: true}',
    '  delete: {default: false}',
    '  timeout: {default: 5}',
    '  dns-timeout: {default: 20}',
    '  retry-limit: {default: 5}',
    '',
  ].join('\n'),
};

/** What a built-in needs to know about the package being built. */
export interface BuiltinTarget {
  /** `${{targets.contextdir}}` as scripts see it. */
  readonly contextDir: string;
  /** The same directory's entries on this machine (for finding ELF files). */
  readonly entries: () => Promise<readonly DestEntry[]>;
  /** The step's working directory on this machine, when it is inside the workspace (where fetch writes). */
  readonly hostWorkdir?: string;
  /** The melange.yaml and the step's YAML path, for messages. */
  readonly where: string;
}

/** The script for a built-in step, or undefined when there is nothing to do (a message says why). */
export async function builtinScript(
  step: { readonly uses: string; readonly with: Readonly<Record<string, string>> },
  target: BuiltinTarget,
  log: (line: string) => void,
): Promise<string | undefined> {
  const { uses, with: args } = step;
  if (uses === 'strip') {
    const files = (await target.entries()).filter((e) => {
      if (e.type !== 'file') return false;
      const t = readElfFile(e.hostPath)?.type;
      return t === ET_EXEC || t === ET_DYN;
    });
    if (files.length === 0) {
      log('strip: no ELF files to strip');
      return undefined;
    }
    const opts = args.opts ? `${args.opts} ` : '';
    return [
      'if ! command -v strip >/dev/null 2>&1; then',
      '  echo "strip: binutils is not installed in the build environment; skipping"',
      '  exit 0',
      'fi',
      ...files.map((f) => `strip ${opts}${shQuote(posix.join(target.contextDir, f.path))}`),
    ].join('\n');
  }
  if (uses === 'copy') {
    const srcs = args.src!.split(/\s+/).filter((s) => s !== '');
    const dest = args.dest || posix.join(target.contextDir, srcs.length === 1 ? srcs[0]!.replace(/^\.\//, '') : '');
    const parent = dest.endsWith('/') || srcs.length > 1 ? dest : posix.dirname(dest);
    return [
      `cd ${shQuote(args.modroot || '.')}`,
      `mkdir -p ${shQuote(parent)}`,
      `cp ${args.opts || '-r'} ${srcs.map(shQuote).join(' ')} ${shQuote(dest)}`,
    ].join('\n');
  }
  if (uses === 'fetch') return fetchScript(args, target, log);
  throw new Error(`no built-in pipeline "${uses}"`);
}
