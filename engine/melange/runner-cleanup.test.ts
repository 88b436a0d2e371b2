import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRoot } from '../../e2e/support/env';
import { mountsUnder, removeRunnerDir } from './runner-cleanup';

describe.skipIf(!isRoot())('removing a runner directory a step left mounts in', () => {
  it('detaches every mount under it, deepest first, and removes it, without a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-cleanup-'));
    mkdirSync(join(dir, 'build', 'm'), { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', 'none', join(dir, 'build', 'm')]);
    mkdirSync(join(dir, 'build', 'm', 'inner dir'));
    execFileSync('mount', ['-t', 'tmpfs', 'none', join(dir, 'build', 'm', 'inner dir')]);
    writeFileSync(join(dir, 'build', 'm', 'inner dir', 'f'), 'x');
    expect(await mountsUnder(dir)).toEqual([join(dir, 'build', 'm', 'inner dir'), join(dir, 'build', 'm')]);
    const logs: string[] = [];
    await removeRunnerDir(dir, (l) => logs.push(l));
    expect(logs).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    expect(await mountsUnder(dir)).toEqual([]);
  });

  it('never removes through a bind mount: what it shows stays on the machine', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'runner-cleanup-outside-'));
    writeFileSync(join(outside, 'precious'), 'keep me');
    const dir = mkdtempSync(join(tmpdir(), 'runner-cleanup-'));
    mkdirSync(join(dir, 'bind'));
    execFileSync('mount', ['--bind', outside, join(dir, 'bind')]);
    await removeRunnerDir(dir, () => undefined);
    expect(existsSync(dir)).toBe(false);
    expect(readFileSync(join(outside, 'precious'), 'utf8')).toBe('keep me');
    rmSync(outside, { recursive: true });
  });
});
