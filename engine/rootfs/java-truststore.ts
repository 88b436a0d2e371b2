/**
 * Java truststores in the JKS format, read and written as apko does it
 * (through keystore-go with ordered aliases, password `changeit`): big-endian
 * `0xFEEDFEED`, version 2, the entry count, each entry (tag, alias, creation
 * time in milliseconds, then the private key and its chain, or one trusted
 * certificate), and a SHA-1 over the UTF-16 password, "Mighty Aphrodite"
 * and everything before it. Aliases are lower-cased and written in byte
 * order, so the same entries always give the same bytes. Private key entries
 * are carried through unchanged.
 */
import { createHash } from 'node:crypto';
import { compareBytes } from '../order';
import { FormatError } from '../errors';

const MAGIC = 0xfeedfeed;
const PRIVATE_KEY = 1;
const TRUSTED_CERT = 2;
const WHITENER = Buffer.from('Mighty Aphrodite', 'latin1');
/** The password apko (and every JDK) uses for cacerts. */
export const TRUSTSTORE_PASSWORD = 'changeit';

interface JksCertificate {
  readonly type: string;
  readonly content: Buffer;
}

/** One entry of a store. */
export type JksEntry =
  | { readonly kind: 'trusted'; readonly created: bigint; readonly certificate: JksCertificate }
  | { readonly kind: 'private'; readonly created: bigint; readonly key: Buffer; readonly chain: readonly JksCertificate[] };

/** A store: its entries by (lower-case) alias. */
export type JksStore = Map<string, JksEntry>;

function digest(password: string, body: Buffer): Buffer {
  const pw = Buffer.alloc(password.length * 2);
  for (let i = 0; i < password.length; i++) pw.writeUInt16BE(password.charCodeAt(i) & 0xff, i * 2);
  return createHash('sha1').update(pw).update(WHITENER).update(body).digest();
}

/** Reads a JKS store; a FormatError names `subject` when the bytes are not one or the password does not open it. */
export function readJks(bytes: Buffer, subject: string, password = TRUSTSTORE_PASSWORD): JksStore {
  const fail = (what: string) =>
    new FormatError(`${subject}: ${what}`, {
      file: subject,
      hint: 'certificates are added to a Java truststore in the JKS format with the password "changeit" (as apko does); ship cacerts as JKS, or leave it out of the image',
    });
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > bytes.length - 20) throw fail('is truncated');
  };
  const u16 = () => (need(2), (pos += 2), bytes.readUInt16BE(pos - 2));
  const u32 = () => (need(4), (pos += 4), bytes.readUInt32BE(pos - 4));
  const u64 = () => (need(8), (pos += 8), bytes.readBigUInt64BE(pos - 8));
  const raw = (n: number) => (need(n), (pos += n), Buffer.from(bytes.subarray(pos - n, pos)));
  const str = () => raw(u16()).toString('utf8');
  if (bytes.length < 32 || bytes.readUInt32BE(0) !== MAGIC) throw fail('is not a JKS keystore (no 0xFEEDFEED magic)');
  pos = 4;
  const version = u32();
  if (version !== 1 && version !== 2) throw fail(`has JKS version ${version}; versions 1 and 2 are read`);
  const cert = (): JksCertificate => ({ type: version === 1 ? 'X.509' : str(), content: raw(u32()) });
  const store: JksStore = new Map();
  for (let n = u32(), i = 0; i < n; i++) {
    const tag = u32();
    const alias = str().toLowerCase();
    const created = u64();
    if (tag === TRUSTED_CERT) store.set(alias, { kind: 'trusted', created, certificate: cert() });
    else if (tag === PRIVATE_KEY) {
      const key = raw(u32());
      const chain = Array.from({ length: u32() }, cert);
      store.set(alias, { kind: 'private', created, key, chain });
    } else throw fail(`holds an entry of unknown kind ${tag}`);
  }
  if (!digest(password, bytes.subarray(0, pos)).equals(bytes.subarray(pos, pos + 20)) || pos + 20 !== bytes.length) {
    throw fail('fails its integrity check (a damaged file, or another password than "changeit")');
  }
  return store;
}

/** Writes a store as JKS version 2, aliases in byte order. */
export function writeJks(store: JksStore, password = TRUSTSTORE_PASSWORD): Buffer {
  const parts: Buffer[] = [];
  const u16 = (v: number) => parts.push(Buffer.from([v >> 8, v & 0xff]));
  const u32 = (v: number) => parts.push(Buffer.from([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]));
  const u64 = (v: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(v);
    parts.push(b);
  };
  const str = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    u16(b.length);
    parts.push(b);
  };
  const cert = (c: JksCertificate) => {
    str(c.type);
    u32(c.content.length);
    parts.push(c.content);
  };
  u32(MAGIC);
  u32(2);
  u32(store.size);
  for (const alias of [...store.keys()].sort(compareBytes)) {
    const e = store.get(alias)!;
    u32(e.kind === 'trusted' ? TRUSTED_CERT : PRIVATE_KEY);
    str(alias);
    u64(e.created);
    if (e.kind === 'trusted') cert(e.certificate);
    else {
      u32(e.key.length);
      parts.push(e.key);
      u32(e.chain.length);
      e.chain.forEach(cert);
    }
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, digest(password, body)]);
}
