import { describe, expect, it } from 'vitest';
import { mergeDependencies, pkgConfigVersion, shbangCommand, sonameVersion } from './sca';

describe('sonameVersion', () => {
  it.each([
    ['libz.so.1', '1'],
    ['libfoo.so.1.2', '1.2'],
    ['libc.musl-x86_64.so.1', '1'],
    ['libfoo.so', '0'],
    ['libfoo.so.1a', '0'],
  ])('gives %s the version %s', (soname, want) => {
    expect(sonameVersion(soname)).toBe(want);
  });
});

describe('pkgConfigVersion', () => {
  it('reads Version:, expanding variables defined earlier in the file', () => {
    const pc = 'prefix=/usr\nmajor=3\nminor=${major}.1\n\nName: foo\nDescription: x\nVersion: ${minor}.4\nLibs: -L${prefix}/lib\n';
    expect(pkgConfigVersion(pc)).toBe('3.1.4');
  });

  it('is undefined without a Version: field', () => {
    expect(pkgConfigVersion('Name: foo\n')).toBeUndefined();
  });
});

describe('shbangCommand', () => {
  it.each([
    ['#!/bin/bash\necho hi\n', 'bash'],
    ['#!/usr/bin/env python3.12\nprint(1)\n', 'python3.12'],
    ['#!/usr/bin/env -S perl -w\n', 'perl'],
    ['#! /usr/bin/ruby -w\n', 'ruby'],
    ['#!/bin/sh\n', undefined],
    ['#!/usr/bin/env python3\n', undefined],
    ['#!/usr/bin/env\n', undefined],
    ['\x7fELF', undefined],
    ['echo no shbang', undefined],
  ])('finds the interpreter of %j: %s', (head, want) => {
    expect(shbangCommand(Buffer.from(head))).toBe(want);
  });
});

describe('mergeDependencies', () => {
  it('sorts and de-duplicates declared and generated entries', () => {
    const out = mergeDependencies(
      { runtime: ['zlib', 'busybox'], provides: ['x=1'], replaces: [] },
      { runtime: ['so:libc.so.6', 'busybox', 'so:libc.so.6'], provides: ['cmd:a=1-r0'], vendored: [] },
    );
    expect(out).toEqual({ depend: ['busybox', 'so:libc.so.6', 'zlib'], provides: ['cmd:a=1-r0', 'x=1'], vendored: [] });
  });

  it('drops dependencies on what the package provides itself', () => {
    const out = mergeDependencies(
      { runtime: [], provides: [], replaces: [] },
      { runtime: ['so:libfoo.so.1', 'so:libc.so.6'], provides: ['so:libfoo.so.1=1'], vendored: [] },
    );
    expect(out.depend).toEqual(['so:libc.so.6']);
  });

  it('drops generated dependencies on vendored libraries but keeps declared ones', () => {
    const out = mergeDependencies(
      { runtime: ['so:libbundled.so.2'], provides: [], replaces: [] },
      { runtime: ['so:libbundled.so.2', 'so:libvendored.so.1'], provides: [], vendored: ['so:libvendored.so.1=1'] },
    );
    expect(out).toEqual({ depend: ['so:libbundled.so.2'], provides: [], vendored: ['so:libvendored.so.1=1'] });
  });
});
