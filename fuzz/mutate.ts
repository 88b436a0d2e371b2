/**
 * Mutations of seed inputs. Byte mutations find what a parser does with
 * arbitrary damage; text mutations keep line structure (APKINDEX, .PKGINFO,
 * YAML) so the parser's deeper rules are reached; container-aware mutations
 * damage the inside of a gzip member and recompress it, so the tar and text
 * readers behind the decompressor see the damage too.
 */
import { gunzipSync } from 'node:zlib';
import { gzipMember } from '../engine/apk/gzip-members';
import type { Random } from './random';

/** Values that sit at the edges of the formats' fields. */
const INTERESTING = ['0', '-1', '4294967296', '99999999999999999999', 'NaN', '', '\n', '\0', '=', ':', '<', '>=', '~', '/', '..', '../../', 'Q1', '${{', '*', '&a', '!!binary', '\xff', 'é', '\u202e'];

/** One random byte-level change. */
export function mutateBytes(input: Buffer, rng: Random): Buffer {
  const b = Buffer.from(input);
  const at = () => rng.int(Math.max(1, b.length));
  switch (rng.int(8)) {
    case 0: {
      if (b.length > 0) b[at()]! ^= 1 << rng.int(8);
      return b;
    }
    case 1: {
      if (b.length > 0) b[at()] = rng.pick([0, 0x7f, 0x80, 0xff, 0x0a, 0x2f, 0x30, 0x3d]);
      return b;
    }
    case 2: {
      const i = at();
      return Buffer.concat([b.subarray(0, i), rng.bytes(1 + rng.int(16)), b.subarray(i)]);
    }
    case 3: {
      const i = at();
      return Buffer.concat([b.subarray(0, i), b.subarray(i + 1 + rng.int(64))]);
    }
    case 4: {
      const i = at();
      const n = 1 + rng.int(256);
      return Buffer.concat([b.subarray(0, i + n), b.subarray(i, i + n), b.subarray(i + n)]);
    }
    case 5:
      return b.subarray(0, at());
    case 6: {
      const i = at();
      return Buffer.concat([b.subarray(0, i), Buffer.from(rng.pick(INTERESTING), 'latin1'), b.subarray(i)]);
    }
    default: {
      const i = at();
      const digits = Buffer.from(String(rng.int(2 ** 31)).repeat(1 + rng.int(3)));
      digits.copy(b, i, 0, Math.min(digits.length, b.length - i));
      return b;
    }
  }
}

/** One random line-level change, keeping the text's line structure. */
export function mutateText(input: string, rng: Random): string {
  const lines = input.split('\n');
  const i = rng.int(Math.max(1, lines.length));
  switch (rng.int(7)) {
    case 0:
      lines.splice(i, 1);
      break;
    case 1:
      lines.splice(i, 0, lines[rng.int(lines.length)] ?? '');
      break;
    case 2: {
      const j = rng.int(lines.length);
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      break;
    }
    case 3: {
      const line = lines[i] ?? '';
      const at = rng.int(line.length + 1);
      lines[i] = line.slice(0, at) + rng.pick(INTERESTING) + line.slice(at);
      break;
    }
    case 4: {
      const line = lines[i] ?? '';
      const sep = line.search(/[:=]/);
      lines[i] = sep < 0 ? rng.pick(INTERESTING) : line.slice(0, sep + 1) + rng.pick(INTERESTING).repeat(1 + rng.int(4));
      break;
    }
    case 5:
      lines[i] = (lines[i] ?? '').repeat(2 + rng.int(50));
      break;
    default:
      return mutateBytes(Buffer.from(input, 'latin1'), rng).toString('latin1');
  }
  return lines.join('\n');
}

/** Decompresses one gzip member, mutates what it holds, compresses it again; undefined when `member` is not gzip. */
export function mutateInside(member: Buffer, rng: Random, inner: (content: Buffer) => Buffer): Buffer | undefined {
  let content: Buffer;
  try {
    content = gunzipSync(member);
  } catch {
    return undefined;
  }
  return gzipMember(inner(content));
}

/** `rounds` mutations of `seed` by `mutator`, each applied to the previous result. */
export function stack<T>(seed: T, rng: Random, mutator: (v: T, rng: Random) => T, rounds = 1 + rng.int(4)): T {
  let v = seed;
  for (let i = 0; i < rounds; i++) v = mutator(v, rng);
  return v;
}
