/**
 * The apko file format as a strict zod schema: one file's keys, types and the
 * per-entry rules of apko's `Validate()`. Unknown keys are errors (apko
 * decodes with `KnownFields(true)`); key order is apko's Go struct order.
 * Input is the tree from yaml-tree.ts, whose plain scalars are PlainScalars.
 */
import { z } from 'zod';
import { ARCH_SPELLINGS, normalizeArchName } from '../arch';
import { PlainScalar } from '../yaml/scalar';

const isNull = (v: unknown): boolean => v === null || v === undefined || (v instanceof PlainScalar && v.value === null);

/** A Go `string` field: any scalar, as written (`cmd: 123` is "123"); null is "". */
const str = z.preprocess((v) => (v instanceof PlainScalar ? (v.value === null ? '' : v.source) : v), z.string());

/** A Go unsigned integer field of `bits` bits. */
const uint = (max: number) => z.preprocess((v) => (v instanceof PlainScalar ? v.value : v), z.number().int().min(0).max(max));
const UINT32 = 0xffff_ffff;

/** A Go `bool` field: only true/false spellings (go-yaml v3 reads `yes` as a string). */
const bool = z.preprocess((v) => (v instanceof PlainScalar ? v.value : v), z.boolean());

/** A key that may be absent or null (Go's zero value). */
function opt<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (isNull(v) ? undefined : v), schema.optional());
}

const list = <T extends z.ZodType>(item: T) => opt(z.array(item));
const stringMap = opt(z.record(z.string(), str));

/** apko's name rule for certificate and runtime key entries. */
export const ENTRY_NAME = /^[a-zA-Z0-9_-]+[a-zA-Z0-9_.-]*$/;
/** apko's package constraint syntax (apk/version.go), with whitespace refused. */
const PACKAGE = /^[^@=><~\s]+([=><~]+[^@\s]+)?(@[a-zA-Z0-9]+)?$/;
/** `@tag <url-or-path>` for a tagged repository. */
const TAGGED_REPO = /^@[a-zA-Z0-9]+\s+\S+$/;

const repository = str.check((ctx) => {
  const s = ctx.value;
  if (s.trim() === '') ctx.issues.push({ code: 'custom', input: s, message: 'a repository entry is empty' });
  else if (s.startsWith('@') ? !TAGGED_REPO.test(s.trim()) : /\s/.test(s.trim())) {
    ctx.issues.push({ code: 'custom', input: s, message: `"${s}" is not a repository: write a URL or path, or "@tag <url-or-path>"` });
  }
});

const packageSpec = str.check((ctx) => {
  if (!PACKAGE.test(ctx.value)) {
    ctx.issues.push({ code: 'custom', input: ctx.value, message: `"${ctx.value}" is not a package constraint (expected name, name=version, name>=version, name~version, !name or name@tag)` });
  }
});

const archWord = str.check((ctx) => {
  if (normalizeArchName(ctx.value) === undefined) {
    ctx.issues.push({ code: 'custom', input: ctx.value, message: `unknown architecture "${ctx.value}" (expected one of: ${ARCH_SPELLINGS.join(', ')}, all, host)` });
  }
});

/** A `{name, content}` entry whose name apko checks with ENTRY_NAME. */
const namedContent = (what: string) =>
  z.strictObject({ name: opt(str), content: opt(str) }).superRefine((e, ctx) => {
    if (!e.name) ctx.addIssue({ code: 'custom', path: ['name'], message: `${what} entry has no name` });
    else if (!ENTRY_NAME.test(e.name)) ctx.addIssue({ code: 'custom', path: ['name'], message: `${what} name "${e.name}" must match ${ENTRY_NAME.source}` });
    if (!e.content) ctx.addIssue({ code: 'custom', path: ['content'], message: `${what} entry "${e.name ?? ''}" has no content` });
  });

const contents = z.strictObject({
  build_repositories: list(repository),
  runtime_repositories: list(repository),
  repositories: list(repository),
  keyring: list(str),
  runtime_keyring: list(namedContent('runtime_keyring')),
  packages: list(packageSpec),
  baseimage: opt(
    z.strictObject({ image: opt(str), apkindex: opt(str) }).superRefine((b, ctx) => {
      if (!b.image) ctx.addIssue({ code: 'custom', path: ['image'], message: 'baseimage needs image (an OCI layout directory)' });
      if (!b.apkindex) ctx.addIssue({ code: 'custom', path: ['apkindex'], message: 'baseimage needs apkindex (a directory of <arch>/APKINDEX)' });
    }),
  ),
});

const entrypoint = z.strictObject({
  type: opt(z.preprocess((v) => (v instanceof PlainScalar ? v.source : v), z.enum(['service-bundle']))),
  command: opt(str),
  'shell-fragment': opt(str),
  services: stringMap,
});

const user = z
  .strictObject({ username: opt(str), uid: opt(uint(UINT32)), gid: opt(uint(UINT32)), shell: opt(str), homedir: opt(str) })
  .superRefine((u, ctx) => {
    if (!u.username) ctx.addIssue({ code: 'custom', path: ['username'], message: `configured user with uid ${u.uid ?? 0} has no configured user name` });
    if (!u.uid) {
      ctx.addIssue({ code: 'custom', path: ['uid'], message: `configured user "${u.username ?? ''}" has UID 0 (to run as root, use \`run-as: 0\`)`, params: { hint: 'give the user a non-zero uid, or drop it and set accounts.run-as: 0' } });
    }
  });

const group = z
  .strictObject({ groupname: opt(str), gid: opt(uint(UINT32)), members: list(str) })
  .superRefine((g, ctx) => {
    if (!g.groupname) ctx.addIssue({ code: 'custom', path: ['groupname'], message: `configured group with gid ${g.gid ?? 0} has no configured group name` });
  });

const PATH_TYPES = ['directory', 'empty-file', 'hardlink', 'symlink', 'permissions'] as const;

const pathMutation = z
  .strictObject({
    path: opt(str),
    type: opt(z.preprocess((v) => (v instanceof PlainScalar ? v.source : v), z.enum(PATH_TYPES))),
    uid: opt(uint(UINT32)),
    gid: opt(uint(UINT32)),
    permissions: opt(uint(0o7777)),
    source: opt(str),
    recursive: opt(bool),
  })
  .superRefine((p, ctx) => {
    if (!p.path) ctx.addIssue({ code: 'custom', path: ['path'], message: 'a path mutation needs path' });
    if (p.type === undefined) ctx.addIssue({ code: 'custom', path: ['type'], message: `a path mutation needs type (one of: ${PATH_TYPES.join(', ')})` });
    if ((p.type === 'hardlink' || p.type === 'symlink') && !p.source) {
      ctx.addIssue({ code: 'custom', path: ['source'], message: `a ${p.type} needs source (the path it points to)` });
    }
  });

const archs = list(archWord).check((ctx) => {
  const words = ctx.value ?? [];
  words.forEach((w, i) => {
    if ((w === 'all' || w === 'host') && words.length > 1) {
      ctx.issues.push({ code: 'custom', input: w, path: [i], message: `"${w}" must be the only entry of archs` });
    }
  });
});

/** The schema of one apko.yaml file (before includes are merged). */
export const imageConfigSchema = z.strictObject({
  contents: opt(contents),
  entrypoint: opt(entrypoint),
  cmd: opt(str),
  'stop-signal': opt(str),
  'work-dir': opt(str),
  accounts: opt(z.strictObject({ 'run-as': opt(str), users: list(user), groups: list(group) })),
  archs,
  environment: stringMap,
  paths: list(pathMutation),
  'vcs-url': opt(str),
  annotations: stringMap,
  include: opt(str),
  volumes: list(str),
  layering: opt(
    z.strictObject({
      strategy: opt(z.preprocess((v) => (v instanceof PlainScalar ? v.source : v), z.enum(['origin']))),
      budget: opt(uint(Number.MAX_SAFE_INTEGER)),
    }),
  ),
  format: opt(z.preprocess((v) => (v instanceof PlainScalar ? v.source : v), z.enum(['tar', 'erofs']))),
  certificates: opt(z.strictObject({ additional: list(namedContent('certificates.additional')), providers: list(str) })),
});

/** One file's configuration as the schema outputs it (apko's key names). */
export type RawImageConfig = z.output<typeof imageConfigSchema>;
