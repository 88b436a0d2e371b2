import { describe, expect, it } from 'vitest';
import { Tree } from '../rootfs/tree';
import { encodeHeader } from '../tar/write';
import { headerOf } from './header';
import { tarChunks } from './tar';
import { NO_NAMES } from './types';

/** The raw 100-byte name field of each ustar header block, as a reader that does not normalize sees it. */
function rawNames(tar: Buffer): string[] {
  const out: string[] = [];
  for (let pos = 0; pos + 512 <= tar.length; ) {
    const block = tar.subarray(pos, pos + 512);
    if (block.every((b) => b === 0)) break;
    const name = block.subarray(0, 100);
    out.push(name.subarray(0, name.indexOf(0) < 0 ? 100 : name.indexOf(0)).toString('utf8'));
    const size = parseInt(block.subarray(124, 136).toString('ascii').replace(/\0.*$/, '').trim() || '0', 8);
    pos += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

describe('headerOf', () => {
  it('names a directory without a trailing slash, as apko walkFS does', () => {
    const t = new Tree();
    t.mkdirAll('usr/lib');
    t.writeFile('usr/lib/x', 'x');
    const tar = Buffer.concat([...tarChunks(t.entries(), NO_NAMES)]);
    expect(rawNames(tar)).toEqual(['usr', 'usr/lib', 'usr/lib/x']);
  });

  it('asks the tar writer for no slash, which otherwise keeps it for packages', () => {
    const t = new Tree();
    t.mkdirAll('etc');
    const header = headerOf('etc', t.get('etc')!, NO_NAMES);
    expect(header.dirSlash).toBe(false);
    expect(rawNames(encodeHeader(header))).toEqual(['etc']);
    expect(rawNames(encodeHeader({ ...header, dirSlash: undefined }))).toEqual(['etc/']);
  });
});
