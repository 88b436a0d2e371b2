import { describe, expect, it } from 'vitest';
import { accountNameProblem, annotationKeyProblem, envNameProblem, imagePathProblem, passwdFieldProblem } from './values';

describe('config values written into separator formats', () => {
  it.each(['root', 'nonroot', 'www-data', 'svc.app', '_apt', 'machine$', 'a1'])('accepts the account name %s', (name) => {
    expect(accountNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['a:b', /":"/],
    ['a,b', /","/],
    ['a\nb', /control character "\\n"/],
    ['a\0', /control character "\\u0000"/],
    ['1000', /all digits/],
    ['-rf', /must match/],
    ['a b', /must match/],
    ['x'.repeat(257), /longer than 256/],
  ])('refuses the account name %j', (name, why) => {
    expect(accountNameProblem(name)).toMatch(why);
  });

  it('reads paths inside the image: absolute, no "..", relative only where allowed', () => {
    expect(imagePathProblem('/app/data', 'work-dir')).toBeUndefined();
    expect(imagePathProblem('app', 'work-dir')).toMatch(/not an absolute path/);
    expect(imagePathProblem('app', 'path', { relative: true })).toBeUndefined();
    expect(imagePathProblem('/a/../../b', 'path')).toMatch(/"\.\." component/);
    expect(imagePathProblem('a/..', 'path', { relative: true })).toMatch(/"\.\." component/);
    expect(imagePathProblem('/a..b/c', 'path')).toBeUndefined();
  });

  it('keeps passwd fields to one field of one line', () => {
    expect(passwdFieldProblem('/bin/sh', 'shell')).toBeUndefined();
    expect(passwdFieldProblem('/bin/sh:x', 'shell')).toMatch(/":"/);
    expect(passwdFieldProblem('/bin/sh\r', 'shell')).toMatch(/control character "\\r"/);
  });

  it('refuses environment names an Env entry cannot hold, and accepts the rest', () => {
    for (const ok of ['PATH', 'a.b', 'with-dash', 'ÜNICODE']) expect(envNameProblem(ok)).toBeUndefined();
    expect(envNameProblem('')).toMatch(/empty/);
    expect(envNameProblem('A=B')).toMatch(/"="/);
    expect(envNameProblem('A\nB')).toMatch(/control character/);
  });

  it('refuses empty annotation keys and keys with control characters', () => {
    expect(annotationKeyProblem('org.opencontainers.image.title')).toBeUndefined();
    expect(annotationKeyProblem(' ')).toMatch(/empty/);
    expect(annotationKeyProblem('a\tb')).toMatch(/control character "\\t"/);
  });
});
