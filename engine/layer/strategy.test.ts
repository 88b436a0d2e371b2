import { describe, expect, it } from 'vitest';
import { ApkoError } from '../errors';
import { NO_FACTS } from '../rootfs/layer-facts';
import { Tree } from '../rootfs/tree';
import { OriginLayering } from './origin';
import { checkedPlan, layeringFor, SingleLayer, type LayeringStrategy, type LayerPlan } from './strategy';

function tree(): Tree {
  const t = new Tree();
  t.mkdirAll('usr/bin');
  t.writeFile('usr/bin/a', 'a', { owner: 'a' });
  t.writeFile('usr/bin/b', 'b', { owner: 'b' });
  return t;
}

const planned = (name: string, plan: (t: Tree) => LayerPlan['layers']): LayeringStrategy => ({ name, plan: (t) => ({ groups: [], layers: plan(t) }) });

describe('layeringFor', () => {
  it('picks one layer without a layering block, or for an empty one', () => {
    expect(layeringFor(undefined)).toBeInstanceOf(SingleLayer);
    expect(layeringFor({})).toBeInstanceOf(SingleLayer);
  });

  it('picks origin with the configured budget, or 10 when none is set', () => {
    expect(layeringFor({ strategy: 'origin', budget: 3 })).toMatchObject({ name: 'origin', budget: 3 });
    expect(layeringFor({ strategy: 'origin' })).toEqual(new OriginLayering(10));
  });
});

describe('SingleLayer', () => {
  it('puts every entry of the tree, in tree order, in one layer', () => {
    const t = tree();
    expect(new SingleLayer().plan(t)).toEqual({ groups: [], layers: [t.entries()] });
  });
});

describe('checkedPlan', () => {
  const fails = (strategy: LayeringStrategy, why: string) => {
    let err: unknown;
    try {
      checkedPlan(strategy, tree(), NO_FACTS);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApkoError);
    expect(err).toMatchObject({ code: 'ELAYERPLAN', message: `layering strategy "${strategy.name}" made an unusable plan: ${why}` });
  };

  it('passes a plan that places every entry once or more, each layer in tree order', () => {
    const s = planned('twice', (t) => [t.entries(), t.entries()]);
    expect(checkedPlan(s, tree(), NO_FACTS).layers).toHaveLength(2);
  });

  it('refuses a plan that leaves an entry out, naming it', () => {
    fails(planned('lossy', (t) => [t.entries().filter(([p]) => p !== 'usr/bin/b')]), '/usr/bin/b is in no layer');
  });

  it('refuses a layer out of tree order or with a repeat', () => {
    fails(planned('reversed', (t) => [t.entries().reverse()]), 'layer 0 lists /usr/bin/a out of order or twice');
    fails(planned('repeat', (t) => [[...t.entries(), t.entries().at(-1)!]]), 'layer 0 lists /usr/bin/b out of order or twice');
  });

  it('refuses an entry the tree does not have, and a plan with no layers', () => {
    fails(planned('inventive', (t) => [[...t.entries(), ['zzz', t.get('usr/bin/a')!]]]), 'layer 0 holds /zzz, which is not in the tree');
    fails(planned('empty', () => []), 'it has no layers');
  });
});
