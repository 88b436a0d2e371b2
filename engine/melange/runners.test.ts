import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { parseRunnerName, RUNNERS, runnerFacts } from './runners';

describe('the runner table', () => {
  it('knows each runner by name, with its facts', () => {
    expect(Object.keys(RUNNERS)).toEqual(['host', 'chroot']);
    expect(runnerFacts('host')).toEqual({ isolation: 'none', needsPreparedRoot: false });
    expect(runnerFacts('chroot')).toEqual({ isolation: 'chroot', needsRoot: 'chroot(2) is a privileged call', needsPreparedRoot: true });
  });

  it('refuses an unknown runner, listing the runners there are', () => {
    const err = (() => {
      try {
        parseRunnerName('toString');
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('accepted');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe('ECONFIG');
    expect(err.message).toBe('unknown runner "toString" (the runners are host, chroot)');
    expect(err.hint).toBe('choose one of those (--runner in the CLI, the runner option of the package executor)');
    expect(() => runnerFacts('docker')).toThrow('unknown runner "docker" (the runners are host, chroot)');
  });
});
