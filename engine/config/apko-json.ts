/**
 * `/etc/apko.json`: the per-arch configuration as apko's Go `json.Encoder`
 * writes it. Keys in Go struct order, `omitempty` honoured where apko's tags
 * have it (structs such as `contents`, `entrypoint` and `accounts` are never
 * omitted), map keys in byte order, `<`, `>`, `&`, U+2028 and U+2029 escaped
 * as Go's HTML-safe encoder does, and a trailing newline. Repository,
 * keyring and base image locations are written without their credentials.
 */
import type { Arch } from '../arch';
import { quote } from '../json';
import { compareBytes } from '../order';
import { withoutCredentials } from '../redact';
import type { ImageConfig, NamedContent } from './types';

/** What differs per architecture: the arch itself and the locked package list. */
export interface ApkoJsonInput {
  /** Written in OCI form, e.g. `["amd64"]`. */
  readonly archs: readonly Arch[];
  /** The world as installed (apko writes the locked `name=version` list). */
  readonly packages: readonly string[];
}

type Field = readonly [string, string | undefined];

/** A JSON object of the fields that are present (each value already encoded). */
const obj = (fields: readonly Field[]): string =>
  `{${fields.filter((f): f is readonly [string, string] => f[1] !== undefined).map(([k, v]) => `${quote(k)}:${v}`).join(',')}}`;

/** `omitempty` for a string: "" is absent. */
const str = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : quote(s));
/** `omitempty` for a number: 0 is absent. */
const num = (n: number | undefined): string | undefined => (n === undefined || n === 0 ? undefined : String(n));
/** A pointer to a number: nil is absent, 0 is written. */
const ptr = (n: number | undefined): string | undefined => (n === undefined ? undefined : String(n));
/** `omitempty` for a slice. */
const arr = (items: readonly string[]): string | undefined => (items.length === 0 ? undefined : `[${items.join(',')}]`);
const strs = (l: readonly string[]): string | undefined => arr(l.map(quote));
/** Repository and key locations without the credentials any of them holds: the image names places, not who fetched. */
const places = (l: readonly string[]): string | undefined => strs(l.map(withoutCredentials));
/** `omitempty` for a map; Go sorts map keys. */
const record = (r: Readonly<Record<string, string>>): string | undefined => {
  const keys = Object.keys(r).sort(compareBytes);
  return keys.length === 0 ? undefined : obj(keys.map((k) => [k, quote(r[k]!)]));
};
const named = (l: readonly NamedContent[]): string | undefined => arr(l.map((e) => obj([['name', str(e.name)], ['content', str(e.content)]])));

/** Serializes the configuration for one architecture's `/etc/apko.json`. */
export function apkoJson(config: ImageConfig, input: ApkoJsonInput): string {
  const c = config.contents;
  const e = config.entrypoint;
  const a = config.accounts;
  const json = obj([
    ['contents', obj([
      ['build_repositories', places(c.buildRepositories)],
      ['runtime_repositories', places(c.runtimeRepositories)],
      ['repositories', places(c.repositories)],
      ['keyring', places(c.keyring)],
      ['runtime_keyring', named(c.runtimeKeyring)],
      ['packages', strs(input.packages)],
      ['baseimage', c.baseimage && obj([['image', str(withoutCredentials(c.baseimage.image))], ['apkindex', str(withoutCredentials(c.baseimage.apkindex))]])],
    ])],
    ['entrypoint', obj([
      ['type', str(e.type)],
      ['command', str(e.command)],
      ['shell-fragment', str(e.shellFragment)],
      ['services', record(e.services)],
    ])],
    ['cmd', str(config.cmd)],
    ['stop-signal', str(config.stopSignal)],
    ['work-dir', str(config.workDir)],
    ['accounts', obj([
      ['run-as', str(a.runAs)],
      ['users', arr(a.users.map((u) => obj([
        ['username', str(u.username)],
        ['uid', num(u.uid)],
        ['gid', ptr(u.gid)],
        ['shell', str(u.shell)],
        ['homedir', str(u.homedir)],
      ])))],
      ['groups', arr(a.groups.map((g) => obj([
        ['groupname', str(g.groupname)],
        ['gid', num(g.gid)],
        ['members', strs(g.members)],
      ])))],
    ])],
    ['archs', strs(input.archs.map((x) => x.oci))],
    ['environment', record(config.environment)],
    ['paths', arr(config.paths.map((p) => obj([
      ['path', str(p.path)],
      ['type', str(p.type)],
      ['uid', ptr(p.uid)],
      ['gid', ptr(p.gid)],
      ['permissions', num(p.permissions)],
      ['source', str(p.source)],
      ['recursive', p.recursive ? 'true' : undefined],
    ])))],
    ['vcs-url', str(config.vcsUrl)],
    ['annotations', record(config.annotations)],
    ['include', str(config.include)],
    ['volumes', strs(config.volumes)],
    ['layering', config.layering && obj([['strategy', str(config.layering.strategy)], ['budget', num(config.layering.budget)]])],
    ['format', str(config.format)],
    ['certificates', config.certificates && obj([
      ['additional', named(config.certificates.additional)],
      ['providers', strs(config.certificates.providers)],
    ])],
  ]);
  return `${json}\n`;
}
