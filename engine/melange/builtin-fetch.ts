/**
 * `uses: fetch`, with melange's inputs (uri, expected-sha256 /
 * expected-sha512 / expected-none, one of them required; extract, default
 * true; strip-components, default 1; directory, default `.`; delete,
 * default false; purl-name, purl-version, reason, timeout, dns-timeout and
 * retry-limit accepted).
 *
 * The download happens here, before the step, through the engine's one HTTP
 * loop (engine/net/http.ts: redirects, retries, deadlines, credentials kept
 * to their origin), and the checksum is checked here, on the bytes, before
 * anything reaches the workspace: a build root needs no wget, a mismatch is
 * a ChecksumError naming the URL, and a step cannot be fooled by a file it
 * made itself. The file is then written, atomically, where melange's wget
 * would leave it (the step's working directory, under the URL's last path
 * segment), and the step extracts it with the build root's own `tar`
 * (`--no-same-owner`, as melange), so what the step sees is what it sees
 * under melange.
 */
import { createHash } from 'node:crypto';
import { posix, join } from 'node:path';
import { ChecksumError, ConfigError, FetchError } from '../errors';
import { writeFileAtomic } from '../fs/atomic';
import { createTransport } from '../net/http';
import { redactRequestUrl } from '../redact';
import { shQuote, type BuiltinTarget } from './builtins';

/** Largest source archive accepted (it is held in memory while its checksum is checked). */
const MAX_SOURCE_BYTES = 1024 * 1024 * 1024;

/** The checksum a fetch promises, or undefined for expected-none. */
function expectedDigest(args: Readonly<Record<string, string>>, where: string): { algorithm: 'sha256' | 'sha512'; hex: string } | undefined {
  if (args['expected-sha256']) return { algorithm: 'sha256', hex: args['expected-sha256'].toLowerCase() };
  if (args['expected-sha512']) return { algorithm: 'sha512', hex: args['expected-sha512'].toLowerCase() };
  if (args['expected-none']) return undefined;
  throw new ConfigError(`${where}: uses: fetch of ${redactRequestUrl(args.uri!)} needs expected-sha256 or expected-sha512`, {
    file: where.split(':')[0]!,
    hint: 'add with: expected-sha256: <the sha256sum of the file> (or expected-none: true to skip the check knowingly)',
  });
}

/** Downloads and verifies the file, writes it into the step's directory and returns the extraction script. */
export async function fetchScript(args: Readonly<Record<string, string>>, target: BuiltinTarget, log: (line: string) => void): Promise<string> {
  const uri = args.uri!;
  const expected = expectedDigest(args, target.where);
  const shown = redactRequestUrl(uri);
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new ConfigError(`${target.where}: uses: fetch: "${shown}" is not a URL`, { file: target.where.split(':')[0]!, hint: 'give an http:// or https:// URL' });
  }
  const name = posix.basename(decodeURIComponent(url.pathname));
  if (!/^https?:$/.test(url.protocol) || name === '' || name === '.' || name === '..') {
    throw new ConfigError(`${target.where}: uses: fetch: ${shown} does not name a file over http(s)`, { file: target.where.split(':')[0]!, hint: 'give an http:// or https:// URL ending in the file name' });
  }
  if (target.hostWorkdir === undefined) {
    throw new ConfigError(`${target.where}: uses: fetch runs in a working directory outside the workspace`, { file: target.where.split(':')[0]!, hint: 'set working-directory: to a directory under the workspace' });
  }
  const transport = createTransport({ error: FetchError, exhaustedHint: `the server of ${shown} keeps failing; try again later`, retry: { attempts: Math.max(1, Number(args['retry-limit']) || 5) } });
  log(`fetch: downloading ${shown}`);
  const res = await transport.send({ method: 'GET', url: uri, maxBytes: MAX_SOURCE_BYTES });
  if (res.status !== 200) {
    throw new FetchError(`fetch: ${res.shown} answered HTTP ${res.status}`, { url: res.shown, status: res.status, hint: 'check the uri: of the fetch step; the server did not serve the file' });
  }
  if (expected === undefined) {
    log('fetch: checksum validation skipped (expected-none)');
  } else {
    const actual = createHash(expected.algorithm).update(res.body).digest('hex');
    if (actual !== expected.hex) {
      throw new ChecksumError(`fetch: ${shown} has ${expected.algorithm} ${actual}, but the step expects ${expected.hex} (${target.where})`, {
        subject: shown,
        algorithm: expected.algorithm,
        expected: expected.hex,
        actual,
        hint: `the server sent a different file; check uri: and expected-${expected.algorithm}: (update the checksum only if the new file is the one you want)`,
      });
    }
    log(`fetch: ${expected.algorithm} ${actual} verified`);
  }
  await writeFileAtomic(join(target.hostWorkdir, name), res.body);
  const lines: string[] = [];
  if (args.extract === 'true') {
    lines.push(`tar -x --strip-components=${shQuote(args['strip-components'] || '1')} --no-same-owner -C ${shQuote(args.directory || '.')} -f ${shQuote(name)}`);
  }
  if (args.delete === 'true') lines.push(`rm -f ${shQuote(name)}`);
  return lines.length > 0 ? lines.join('\n') : 'true';
}
