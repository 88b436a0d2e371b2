import { describe, expect, it } from 'vitest';
import { Tree, TreePathError } from './tree';

describe('Tree.resolve', () => {
  it('keeps every resolution inside the tree: absolute targets and .. chains stop at the root', () => {
    const tree = new Tree();
    tree.mkdirAll('etc');
    tree.symlink('/', 'etc/root');
    tree.symlink('../../../../..', 'etc/up');
    expect(tree.resolve('etc/root/tmp/x')).toBe('tmp/x');
    expect(tree.resolve('etc/up/srv/x')).toBe('srv/x');
    expect(tree.resolve('/host/path/../../../x')).toBe('x');
  });

  it('refuses a symlink loop with an error that carries a hint', () => {
    const tree = new Tree();
    tree.symlink('b', 'a');
    tree.symlink('a', 'b');
    let err: unknown;
    try {
      tree.resolve('a/x');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TreePathError);
    expect((err as TreePathError).message).toBe('too many levels of symbolic links resolving /a/x');
    expect((err as TreePathError).hint).toBeDefined();
  });

  it('creates and resolves a path 2000 directories deep quickly', () => {
    const tree = new Tree();
    const deep = Array.from({ length: 2000 }, () => 'a').join('/');
    const started = process.hrtime.bigint();
    tree.mkdirAll(deep);
    tree.writeFile(`${deep}/leaf`, 'x');
    expect(tree.readFile(`${deep}/leaf`)?.toString()).toBe('x');
    // Generous: the quadratic-in-depth resolution this replaced took minutes.
    expect(Number(process.hrtime.bigint() - started) / 1e9).toBeLessThan(5);
  });
});
