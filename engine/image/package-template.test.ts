import { describe, expect, it } from 'vitest';
import { FormatError } from '../errors';
import { compilePackageTemplate } from './package-template';
import { formatPackageLine } from './show-packages';

const pkg = { name: 'busybox', version: '1.36.1-r2', source: '/repo/x86_64/busybox-1.36.1-r2.apk', arch: 'x86_64', repository: '/repo', requiredBy: [] };

describe('show-packages templates', () => {
  it('fills .Name, .Version and .Source, with or without spaces, keeping the text around them', () => {
    expect(compilePackageTemplate('{{.Name}}:{{ .Version }} <{{.Source}}>')(pkg)).toBe('busybox:1.36.1-r2 </repo/x86_64/busybox-1.36.1-r2.apk>');
    expect(compilePackageTemplate('{{- .Name -}}')(pkg)).toBe('busybox');
    expect(compilePackageTemplate('plain')(pkg)).toBe('plain');
  });

  it('refuses a field a package does not have, and actions it cannot run, naming them', () => {
    expect(() => compilePackageTemplate('{{.Foo}}')).toThrow(/cannot run the field \.Foo \(a package has \.Name, \.Version and \.Source\)/);
    expect(() => compilePackageTemplate('{{.Name | printf "%q"}}')).toThrow(FormatError);
    expect(() => compilePackageTemplate('{{.Name')).toThrow(/is never closed/);
  });

  it('takes a template where a named format is expected, and leaves other unknown names undefined', () => {
    expect(formatPackageLine('{{.Name}}={{.Version}}')?.(pkg)).toBe('busybox=1.36.1-r2');
    expect(formatPackageLine('name-version')?.(pkg)).toBe('busybox 1.36.1-r2');
    expect(formatPackageLine('no-such-format')).toBeUndefined();
  });
});
