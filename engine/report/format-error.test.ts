import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/parse';
import { ConfigError } from '../errors';
import { resolve, resolveMultiArch } from '../resolve';
import { pkg, repo } from '../resolve/testdata/entries';
import { BUG_NOTICE, formatError } from './format-error';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('formatError', () => {
  it('names every unknown key of a config, each with its own hint, and the first key\'s hint last', () => {
    const err = thrown(() => parseConfigText('contents:\n  packags: [a]\n  repositoriez: []\nentrypont: {}\n', 'bad.yaml'));
    expect(formatError(err).split('\n')).toEqual([
      expect.stringMatching(/^bad\.yaml:2:3: contents\.packags: unknown key "packags" \(expected one of: [^)]*\brepositories\b[^)]*\) \(and 2 more problems\)$/),
      '  caused by: 2 more problems in bad.yaml',
      expect.stringMatching(/^ {4}- bad\.yaml:3:3: contents\.repositoriez: unknown key "repositoriez" \(expected one of: .*\)$/),
      '      hint: did you mean "repositories"?',
      expect.stringMatching(/^ {4}- bad\.yaml:4:1: entrypont: unknown key "entrypont" \(expected one of: .*\)$/),
      '      hint: did you mean "entrypoint"?',
      'hint: did you mean "packages"?',
    ]);
  });

  it('prints the resolver\'s reason for every disqualified candidate beneath the unsatisfiable world', () => {
    const main = repo('main', [pkg('foo-1-r0'), pkg('foo-2-r0'), pkg('tool-1-r0', { depends: ['foo>=3'] })]);
    const text = formatError(thrown(() => resolve({ repositories: [main], world: ['tool'], arch: 'x86_64' })));
    expect(text).toContain('unable to select packages:');
    expect(text).toContain('  caused by: 2 candidate packages were disqualified\n    - foo-1-r0 disqualified: breaks: tool-1-r0[foo>=3]\n    - foo-2-r0 disqualified: breaks: tool-1-r0[foo>=3]');
    expect(text).toMatch(/\nhint: [^\n]+$/);
  });

  it('reaches the members of members: each arch\'s reasons under a multi-arch failure, printed once', () => {
    const repos = (arch: string) => [repo('main', [pkg('foo-1-r0', { arch }), pkg('tool-1-r0', { arch, depends: ['foo>=3'] })])];
    const err = thrown(() => resolveMultiArch({ archs: ['x86_64', 'aarch64'], world: ['tool'], repositories: { x86_64: repos('x86_64'), aarch64: repos('aarch64') } }));
    const text = formatError(err);
    // The per-arch errors repeat the combined message, so only what they wrap is printed, in their place.
    expect(text).toContain(
      '\n  caused by: resolution failed on x86_64, aarch64\n    caused by: 1 candidate package was disqualified\n      - foo-1-r0 disqualified: breaks: tool-1-r0[foo>=3]\nhint: ',
    );
    expect(text.match(/disqualified: /g)).toHaveLength(1);
  });

  it('leaves out a cause that only repeats what is printed, and never prints a hint twice', () => {
    const inner = new ConfigError('the same words', { hint: 'do the thing' });
    const err = new ConfigError('the same words', { hint: 'do the thing', cause: new AggregateError([inner, new ConfigError('other', { hint: 'do the thing' })], 'the same words') });
    expect(formatError(err)).toBe('the same words\n  caused by: the same words\n    - other\nhint: do the thing');
  });

  it('prints stacks only with debug, and the bug line only when asked and only for errors the engine did not raise', () => {
    const bug = new TypeError('x is undefined');
    expect(formatError(bug)).toBe('x is undefined');
    expect(formatError(bug, { bugNotice: true })).toBe(`x is undefined\n${BUG_NOTICE}`);
    expect(formatError(new ConfigError('bad'), { bugNotice: true })).toBe('bad');
    const debug = formatError(bug, { debug: true, bugNotice: true });
    expect(debug).toMatch(/^x is undefined\n\s+at /);
    expect(debug).not.toContain(BUG_NOTICE);
  });

  it('stops on a cycle of causes', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(formatError(a)).toBe('a\n  caused by: b');
  });

  it('formats thrown non-errors as text', () => {
    expect(formatError('plain string')).toBe('plain string');
  });
});
