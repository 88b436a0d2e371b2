/**
 * `show-config`: the merged, normalized configuration as YAML, keys in apko's
 * Go struct order, map keys in byte order, empty values left out, every
 * string passed through redactText (engine/redact.ts). `include` is not printed: the output
 * already holds what was included, and loading it again must not merge twice.
 */
import { Document, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { compareBytes } from '../order';
import { redactText } from '../redact';
import type { ImageConfig, NamedContent } from './types';

type Node = Scalar | YAMLMap | YAMLSeq;
type Entry = readonly [string, Node | undefined];

const text = (s: string | undefined): Scalar | undefined => (s === undefined ? undefined : new Scalar(redactText(s)));
const num = (n: number | undefined): Scalar | undefined => (n === undefined ? undefined : new Scalar(n));
const octal = (n: number | undefined): Scalar | undefined => {
  if (n === undefined) return undefined;
  const s = new Scalar(n);
  s.format = 'OCT';
  return s;
};

/** A mapping of the entries that are present; `keepEmpty` keeps a block whose presence matters (`layering: {}`). */
function map(entries: readonly Entry[], keepEmpty = false): YAMLMap | undefined {
  const m = new YAMLMap();
  for (const [k, v] of entries) if (v !== undefined) m.items.push(new Pair(new Scalar(k), v));
  return m.items.length > 0 || keepEmpty ? m : undefined;
}

function seq(items: readonly (Node | undefined)[]): YAMLSeq | undefined {
  if (items.length === 0) return undefined;
  const s = new YAMLSeq();
  for (const i of items) if (i !== undefined) s.items.push(i);
  return s;
}

const strings = (l: readonly string[]): YAMLSeq | undefined => seq(l.map(text));
const record = (r: Readonly<Record<string, string>>): YAMLMap | undefined =>
  map(Object.keys(r).sort(compareBytes).map((k) => [redactText(k), text(r[k])] as const));
const named = (l: readonly NamedContent[]): YAMLSeq | undefined =>
  seq(l.map((e) => map([['name', text(e.name)], ['content', text(e.content)]])));

/** Renders a configuration as YAML that loads back to the same configuration (secrets aside). */
export function printConfig(config: ImageConfig): string {
  const c = config.contents;
  const e = config.entrypoint;
  const a = config.accounts;
  const root = map(
    [
      ['contents', map([
        ['build_repositories', strings(c.buildRepositories)],
        ['runtime_repositories', strings(c.runtimeRepositories)],
        ['repositories', strings(c.repositories)],
        ['keyring', strings(c.keyring)],
        ['runtime_keyring', named(c.runtimeKeyring)],
        ['packages', strings(c.packages)],
        ['baseimage', c.baseimage && map([['image', text(c.baseimage.image)], ['apkindex', text(c.baseimage.apkindex)]])],
      ])],
      ['entrypoint', map([
        ['type', text(e.type)],
        ['command', text(e.command)],
        ['shell-fragment', text(e.shellFragment)],
        ['services', record(e.services)],
      ])],
      ['cmd', text(config.cmd)],
      ['stop-signal', text(config.stopSignal)],
      ['work-dir', text(config.workDir)],
      ['accounts', map([
        ['run-as', text(a.runAs)],
        ['users', seq(a.users.map((u) => map([
          ['username', text(u.username)],
          ['uid', num(u.uid)],
          ['gid', num(u.gid)],
          ['shell', text(u.shell)],
          ['homedir', text(u.homedir)],
        ])))],
        ['groups', seq(a.groups.map((g) => map([
          ['groupname', text(g.groupname)],
          ['gid', num(g.gid)],
          ['members', strings(g.members)],
        ])))],
      ])],
      ['archs', strings(config.archs)],
      ['environment', record(config.environment)],
      ['paths', seq(config.paths.map((p) => map([
        ['path', text(p.path)],
        ['type', text(p.type)],
        ['uid', num(p.uid)],
        ['gid', num(p.gid)],
        ['permissions', octal(p.permissions)],
        ['source', text(p.source)],
        ['recursive', p.recursive ? new Scalar(true) : undefined],
      ])))],
      ['vcs-url', text(config.vcsUrl)],
      ['annotations', record(config.annotations)],
      ['volumes', strings(config.volumes)],
      ['layering', config.layering && map([['strategy', text(config.layering.strategy)], ['budget', num(config.layering.budget)]], true)],
      ['format', text(config.format)],
      ['certificates', config.certificates && map([
        ['additional', named(config.certificates.additional)],
        ['providers', strings(config.certificates.providers)],
      ], true)],
    ],
    true,
  )!;
  const doc = new Document();
  doc.contents = root;
  return doc.toString({ lineWidth: 0, minContentWidth: 0, indentSeq: true });
}
