import { describe, expect, it } from 'vitest';
import { Tree } from '../rootfs';
import { cpioRecordsOf } from './build-cpio';

describe('cpioRecordsOf', () => {
  it('stores a hardlink as a file holding its target\'s mode and bytes, and leaves out FIFOs and block devices', () => {
    const tree = new Tree();
    tree.mkdirAll('usr/bin', { mode: 0o755 });
    tree.writeFile('usr/bin/tool', Buffer.from('#!/bin/sh\n'), { mode: 0o750 });
    tree.set('usr/bin/alias', { type: 'hardlink', mode: 0o755, uid: 0, gid: 0, mtime: 0, linkTarget: '/usr/bin/tool' });
    tree.set('usr/bin/pipe', { type: 'fifo', mode: 0o644, uid: 0, gid: 0, mtime: 0 });
    const { records, skipped } = cpioRecordsOf(tree);
    const alias = records.find((r) => r.name === 'usr/bin/alias')!;
    expect([alias.mode.toString(8), Buffer.from(alias.data!).toString()]).toEqual(['100750', '#!/bin/sh\n']);
    expect(skipped).toEqual(['usr/bin/pipe']);
  });
});
