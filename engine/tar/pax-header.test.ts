import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeHeader, paxHeaderName } from './write';

/**
 * The PAX header block before an entry, against blocks written by Go's
 * archive/tar (the writer apko and melange use) for the same entry: the
 * name, mode 0 (regular file), mtime 1700000000, and one PAX record
 * `APK-TOOLS.checksum.SHA1=abc`. Each row: entry name, the header block's
 * name field as Go wrote it, sha256 of Go's 512-byte block.
 */
const GO_BLOCKS: ReadonlyArray<readonly [string, string, string]> = [
  [`${'a'.repeat(60)}/${'b'.repeat(120)}`, `${'a'.repeat(60)}/PaxHeaders.0/${'b'.repeat(26)}`, 'ee811062ee0b1b85bd4c293183f9c07de66e7cffdf469283d5df0414d4d61e52'],
  ['usr/lib/x', 'usr/lib/PaxHeaders.0/x', '61977c05eba679a6ec7a273ee9f1c4ae95442c2704d01ef7eeed7dfb5826a5e8'],
  ['usr/lib/dir/', 'usr/lib/dir/PaxHeaders.0', 'cc4a4b38fea47a64fa461c80299dd2c900332b582dd0a38ba5c1d69a7b4d6ee4'],
  ['./usr/bin/tool', 'usr/bin/PaxHeaders.0/tool', 'e3b46a1dd7970387e06ba148c342ee1334077bf0375a3faa9e53248fc8c5fb59'],
  ['/abs/olute/name', '/abs/olute/PaxHeaders.0/name', '82c8842c44bbe28d73d4f76c429cd5cf9198161a94443921a6e201d66a0d1d7c'],
  ['caf\u00e9/na\u00efve-\u00fcber', 'caf/PaxHeaders.0/nave-ber', '3a275b93e89cd2f7d38d950cb3a965f2733070e9ed89a6a346716e351340c678'],
  [`${'d/'.repeat(70)}leaf`, 'd/'.repeat(49) + 'd', 'e8188c2c508ad4e11b71caf66b378cedc85ee355a2b64b8aa76cf72d28d98e25'],
  ['top', 'PaxHeaders.0/top', 'c195ba018de44ffe671ceab166a61e263f02a8274aa1f5d12eb5396e32817d20'],
];

/**
 * Whole headers (every block before the data) against Go's for entries that
 * exercise each choice: USTAR prefix splits, PAX when any field needs it (a
 * long or non-ASCII name, link or owner name, a large id, extra records), and
 * what the main header keeps then. Rows: the entry as given to Go's
 * tar.Header (mode 0644 files, 0755 dirs, 0777 symlinks, mtime 1700000000),
 * sha256 of Go's header bytes.
 */
interface GoEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink';
  linkname?: string;
  uid?: number;
  uname?: string;
  gname?: string;
  pax?: Record<string, string>;
  size?: number;
}
const GO_HEADERS: ReadonlyArray<readonly [GoEntry, string]> = [
[{"name":"d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/leaf","type":"file","pax":{"APK-TOOLS.checksum.SHA1":"abc"}}, "85bcfc889871a170d06c97f59fc8eaedda1cde5669a95469531dafd0973d970c"],
[{"name":"d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/leaf","type":"file"}, "aacbb68c37b23da3ff900d2094018c5f0b3f1552c43eca0804bb4c2dd1304109"],
[{"name":"e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/e/dir/","type":"dir"}, "350cdd8d7a7260f5ded94480c2ec3b2f5e427f0a6580fc82bb8df006cfbaa888"],
[{"name":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","type":"file"}, "df1d3ec8f50b61a85a292f801e801a06e1714b2875dd6c3c7240829f8e28a033"],
[{"name":"usr/bin/l","type":"symlink","linkname":"t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/t/"}, "df44f8d7c4f14e3af3ea1a98b2ffa2b61fc61772c214672e7a646ef9d8d11fb7"],
[{"name":"usr/bin/m","type":"symlink","linkname":"café"}, "539adadfcf50dad378aa5c76cac834958856284dbecef9a72dec6273df33c30b"],
[{"name":"home/u","type":"dir","uid":3000000,"uname":"uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu","gname":"grün"}, "f45f0d056f9fa7bd864b3123dc8b9c4c4e9720f1d62b82232e31d4a79963f1b5"],
[{"name":"café","type":"file","size":3}, "b84b2c9f646b4a125e6490d4220101e317774cd4eb4feb099a859ae8473c695d"],
[{"name":"etc/x","type":"file","pax":{"APK-TOOLS.checksum.SHA1":"q","SCHILY.xattr.user.a":"b"}}, "c968a60bd6f8988a45c42ff297ae9eb84997126f8089ff535b7c1de054ab5083"],
];

describe('PAX header blocks', () => {
  it.each(GO_BLOCKS)('for %j are byte-identical to Go archive/tar\'s', (name, goName, goSha) => {
    expect(paxHeaderName(name)).toBe(goName);
    const isDir = name.endsWith('/');
    const bytes = encodeHeader({ name, type: isDir ? 'dir' : 'file', mode: isDir ? 0o755 : 0o644, size: 0, mtime: 1700000000, pax: { 'APK-TOOLS.checksum.SHA1': 'abc' } });
    const block = bytes.subarray(0, 512);
    expect(block.subarray(156, 157).toString()).toBe('x');
    expect(createHash('sha256').update(block).digest('hex')).toBe(goSha);
  });

  it.each(GO_HEADERS)('and whole headers for %j are byte-identical to Go archive/tar\'s', (e, goSha) => {
    const mode = e.type === 'dir' ? 0o755 : e.type === 'symlink' ? 0o777 : 0o644;
    const bytes = encodeHeader({ ...e, mode, mtime: 1700000000, size: e.size ?? 0, dirSlash: false });
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(goSha);
  });
});
