import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { parseRunnerName, RUNNERS, runnerFacts } from './runners';

describe('the runner table', () => {
  it('knows each runner by name, with its facts', () => {
    expect(Object.keys(RUNNERS)).toEqual(['bubblewrap', 'host', 'chroot']);
    expect(runnerFacts('bubblewrap')).toEqual({ isolation: 'namespaces', preparesRoot: 'with-packages' });
    expect(runnerFacts('host')).toEqual({ isolation: 'none', preparesRoot: 'never' });
    expect(runnerFacts('chroot')).toEqual({ isolation: 'chroot', needsRoot: 'chroot(2) is a privileged call', preparesRoot: 'always' });
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
    expect(err.message).toBe('unknown runner "toString" (the runners are bubblewrap, host, chroot)');
    expect(err.hint).toBe('choose one of those (--runner in the CLI, the runner option of the package executor)');
    expect(() => runnerFacts('docker')).toThrow('unknown runner "docker" (the runners are bubblewrap, host, chroot)');
  });
});
