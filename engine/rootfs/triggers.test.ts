import { describe, expect, it } from 'vitest';
import { makePackage } from './testdata/make-package';
import { triggerLine } from './triggers';

describe('triggerLine', () => {
  it('writes the control checksum and the trigger paths on one line', () => {
    const withTriggers = makePackage({ name: 'man-db', checksum: 'Q1trigtrigtrigtrigtrigtrigtrig=', triggers: ['/usr/share/man', '/usr/local/share/man'] });
    expect(triggerLine(withTriggers)).toBe('Q1trigtrigtrigtrigtrigtrigtrig= /usr/share/man /usr/local/share/man\n');
  });

  it('writes nothing for a package without triggers', () => {
    expect(triggerLine(makePackage({ name: 'plain' }))).toBe('');
  });

  it('refuses a trigger path with a control character', () => {
    expect(() => triggerLine(makePackage({ name: 'evil', triggers: ['/usr/share\u001cQ1x'] }))).toThrow('evil-1.0.0-r0: trigger "/usr/share\\x1cQ1x" has a control or line-breaking character (\\x1c)');
  });
});
