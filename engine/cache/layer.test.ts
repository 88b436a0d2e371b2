import { describe, expect, it } from 'vitest';
import { NO_NAMES, OriginLayering } from '../layer';
import { INSTALLED_DB, Tree, type RootfsFacts } from '../rootfs';
import { layerContentDigest } from './layer';

function tree(): Tree {
  const t = new Tree();
  t.mkdirAll('usr/lib/apk/db');
  t.mkdirAll('usr/bin');
  t.writeFile('usr/bin/a', 'a', { owner: 'a' });
  t.writeFile(INSTALLED_DB, 'P:a\n\n');
  return t;
}

const facts = (stanza: string): RootfsFacts => ({ packages: [{ name: 'a', version: '1-r0', origin: 'a', installedSize: 1, stanza: Buffer.from(stanza) }], replaces: [] });

describe('layerContentDigest', () => {
  it('changes when only the partial installed database of a package layer does', () => {
    const keyOf = (stanza: string) => layerContentDigest(new OriginLayering(1).plan(tree(), facts(stanza)).layers[0]!, NO_NAMES);
    expect(keyOf('P:a\nV:1-r0\n\n')).toBe(keyOf('P:a\nV:1-r0\n\n'));
    expect(keyOf('P:a\nV:1-r0\n\n')).not.toBe(keyOf('P:a\nV:1-r1\n\n'));
  });
});
