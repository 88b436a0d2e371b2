import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { writeServiceBundle } from './services';
import { Tree } from './tree';

describe('writeServiceBundle', () => {
  it('writes /sv/<name>/run as an execline script for each service', () => {
    const tree = new Tree();
    writeServiceBundle(tree, { type: 'service-bundle', services: { nginx: '/usr/sbin/nginx -c /nginx.conf', php: 'php-fpm' } });
    expect(tree.get('sv')).toMatchObject({ type: 'dir', mode: 0o777 });
    expect(tree.get('sv/nginx')).toMatchObject({ type: 'dir', mode: 0o777 });
    expect(tree.get('sv/nginx/run')).toMatchObject({ type: 'file', mode: 0o755, data: Buffer.from('#!/bin/execlineb\n/usr/sbin/nginx -c /nginx.conf\n') });
    expect(tree.readFile('sv/php/run')?.toString()).toBe('#!/bin/execlineb\nphp-fpm\n');
  });

  it('does nothing for other entrypoint types', () => {
    const tree = new Tree();
    writeServiceBundle(tree, { services: { a: 'b' } });
    expect(tree.entries()).toEqual([]);
  });

  it('rejects a service name that is not a plain name', () => {
    expect(() => writeServiceBundle(new Tree(), { type: 'service-bundle', services: { '../x': 'y' } })).toThrow(ConfigError);
  });
});
