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
});
