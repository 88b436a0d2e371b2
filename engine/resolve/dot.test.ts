import { describe, expect, it } from 'vitest';
import { toDot } from './dot';
import { resolve } from './resolve';
import { pkg, repo } from './testdata/entries';

describe('toDot', () => {
  const r = repo('main', [
    pkg('musl-1.2-r0', { provides: ['so:libc.musl-x86_64.so.1=1'] }),
    pkg('app-1-r0', { depends: ['so:libc.musl-x86_64.so.1', 'say"hi'] }),
    pkg('say"hi-1-r0'),
    pkg('app-doc-1-r0', { installIf: ['app'] }),
  ]);

  it('draws packages in install order, requirements as labelled edges and install_if dashed', () => {
    const dot = toDot(resolve({ repositories: [r], world: ['app'], arch: 'x86_64' }));
    expect(dot).toBe(
      [
        'digraph "apko-x86_64" {',
        '  rankdir=LR;',
        '  node [shape=box];',
        '  "world" [shape=ellipse];',
        '  "say\\"hi-1-r0";',
        '  "musl-1.2-r0";',
        '  "app-1-r0";',
        '  "app-doc-1-r0";',
        '  "app-1-r0" -> "app-doc-1-r0" [label="app", style=dashed];',
        '  "app-1-r0" -> "musl-1.2-r0" [label="so:libc.musl-x86_64.so.1"];',
        '  "app-1-r0" -> "say\\"hi-1-r0" [label="say\\"hi"];',
        '  "world" -> "app-1-r0" [label="app"];',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('keeps only the first edge into each package with spanningTree, as apko dot -S', () => {
    const shared = repo('main', [pkg('a-1-r0', { depends: ['c'] }), pkg('b-1-r0', { depends: ['c'] }), pkg('c-1-r0')]);
    const edges = (spanningTree: boolean) => toDot(resolve({ repositories: [shared], world: ['a', 'b'], arch: 'x86_64' }), { spanningTree }).split('\n').filter((l) => l.includes('->'));
    expect(edges(false).filter((l) => l.includes('-> "c-1-r0"'))).toHaveLength(2);
    const tree = edges(true);
    expect(tree.filter((l) => l.includes('-> "c-1-r0"'))).toHaveLength(1);
    expect(tree).toHaveLength(3);
  });

  it('gives the same bytes for the same resolution', () => {
    const a = toDot(resolve({ repositories: [r], world: ['app'], arch: 'x86_64' }));
    const b = toDot(resolve({ repositories: [r], world: ['app'], arch: 'x86_64' }));
    expect(b).toBe(a);
  });
});
