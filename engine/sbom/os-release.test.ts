import { describe, expect, it } from 'vitest';
import { parseOsRelease } from './os-release';

describe('parseOsRelease', () => {
  it('reads the fields of an Alpine os-release', () => {
    const text = [
      'NAME="Alpine Linux"',
      'ID=alpine',
      'VERSION_ID=3.18.4',
      'PRETTY_NAME="Alpine Linux v3.18"',
      'HOME_URL="https://alpinelinux.org/"',
      'BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"',
      '',
    ].join('\n');
    expect(parseOsRelease(text)).toEqual({
      id: 'alpine',
      name: 'Alpine Linux',
      versionId: '3.18.4',
      prettyName: 'Alpine Linux v3.18',
      homeUrl: 'https://alpinelinux.org/',
    });
  });

  it('reads a Wolfi os-release with CRLF line ends and comments', () => {
    const text = '# generated\r\nID=wolfi\r\nNAME="Wolfi"\r\nPRETTY_NAME="Wolfi"\r\nVERSION_ID="20230201"\r\n';
    expect(parseOsRelease(text)).toEqual({ id: 'wolfi', name: 'Wolfi', prettyName: 'Wolfi', versionId: '20230201' });
  });

  it.each([
    ['NAME="a \\"quoted\\" \\$name"', 'a "quoted" $name'],
    ["NAME='single $quoted \\n'", 'single $quoted \\n'],
    ['NAME=bare\\ word', 'bare word'],
    ['NAME="joined"\' parts\'', 'joined parts'],
    ['NAME=first second', 'first'],
  ])('unquotes %s as shell would', (line, name) => {
    expect(parseOsRelease(line).name).toBe(name);
  });

  it('uses the os-release(5) defaults when ID, NAME and PRETTY_NAME are missing or empty', () => {
    expect(parseOsRelease('ID=""\nVERSION_ID=1\nnot a line\n')).toEqual({
      id: 'linux',
      name: 'Linux',
      prettyName: 'Linux',
      versionId: '1',
    });
  });
});
