/**
 * The apko file format as a strict zod schema: one file's keys, types and the
 * per-entry rules of apko's `Validate()`. Unknown keys are errors (apko
 * decodes with `KnownFields(true)`); key order is apko's Go struct order.
 * Input is the tree from yaml-tree.ts, whose plain scalars are PlainScalars.
 */
import { z } from 'zod';
import { ARCH_SPELLINGS, normalizeArchName } from '../arch';
import { PlainScalar } from '../yaml/scalar';
import { accountNameProblem, annotationKeyProblem, controlCharacter, envNameProblem, imagePathProblem, passwdFieldProblem } from './values';

const isNull = (v: unknown): boolean => v === null || v === undefined || (v instanceof PlainScalar && v.value === null);

/** The hint of a custom issue (yaml/issues.ts prints it). */
const hint = (h: string) => ({ hint: h });

/**
 * A Go `string` field: any scalar, as written (`cmd: 123` is "123"); null is "".
 * No field of an image config can carry a NUL: an argument, an environment
 * entry or a line of an account file ends at one.
 */
const str = z.preprocess(
  (v) => (v instanceof PlainScalar ? (v.value === null ? '' : v.source) : v),
  z.string().check((ctx) => {
    if (ctx.value.includes('\0')) ctx.issues.push({ code: 'custom', input: ctx.value, message: 'the value contains a NUL character', params: hint('remove the \\0 escape from the quoted string') });
  }),
);

/** A string field that `problem` judges; a problem is an error at that field. */
const judged = (problem: (s: string) => string | undefined, fix: string) =>
  str.check((ctx) => {
    const why = ctx.value === '' ? undefined : problem(ctx.value);
    if (why !== undefined) ctx.issues.push({ code: 'custom', input: ctx.value, message: why, params: hint(fix) });
  });

/** One line of text (a name, a signal, a link target): no control characters. */
const line = judged((s) => {
  const ctl = controlCharacter(s);
  return ctl === undefined ? undefined : `the value contains the control character "${ctl}"`;
}, 'write it on one line, without control characters');

/** A map whose keys `problem` judges, each bad key an error at that key. */
const judgedMap = (problem: (key: string) => string | undefined, fix: string) =>
  opt(
    z.record(z.string(), str).check((ctx) => {
      for (const key of Object.keys(ctx.value)) {
        const why = problem(key);
        if (why !== undefined) ctx.issues.push({ code: 'custom', input: key, path: [key], message: why, params: hint(fix) });
      }
    }),
  );

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

/** apko's name rule for certificate and runtime key entries. */
export const ENTRY_NAME = /^[a-zA-Z0-9_-]+[a-zA-Z0-9_.-]*$/;
/** apko's package constraint syntax (apk/version.go), with whitespace refused. */
const PACKAGE = /^[^@=><~\s]+([=><~]+[^@\s]+)?(@[a-zA-Z0-9]+)?$/;
/** `@tag <url-or-path>` for a tagged repository. */
const TAGGED_REPO = /^@[a-zA-Z0-9]+\s+\S+$/;

const repository = str.check((ctx) => {
  const s = ctx.value;
  if (s.trim() === '') ctx.issues.push({ code: 'custom', input: s, message: 'a repository entry is empty', params: hint('remove the empty entry, or write a URL or path') });
  else if (s.startsWith('@') ? !TAGGED_REPO.test(s.trim()) : /\s/.test(s.trim())) {
    ctx.issues.push({ code: 'custom', input: s, message: `"${s}" is not a repository: write a URL or path, or "@tag <url-or-path>"`, params: hint('one repository per entry, e.g. https://packages.wolfi.dev/os or @local ./packages') });
  }
});

const packageSpec = str.check((ctx) => {
  if (!PACKAGE.test(ctx.value)) {
    ctx.issues.push({ code: 'custom', input: ctx.value, message: `"${ctx.value}" is not a package constraint (expected name, name=version, name>=version, name~version, !name or name@tag)`, params: hint('one package per entry, e.g. busybox or busybox>=1.36') });
  }
});

const archWord = str.check((ctx) => {
  if (normalizeArchName(ctx.value) === undefined) {
    ctx.issues.push({ code: 'custom', input: ctx.value, message: `unknown architecture "${ctx.value}" (expected one of: ${ARCH_SPELLINGS.join(', ')}, all, host)`, params: hint('use an apk or OCI architecture name, e.g. x86_64 or arm64') });
  }
});

/** A `{name, content}` entry whose name apko checks with ENTRY_NAME. */
const namedContent = (what: string) =>
  z.strictObject({ name: opt(str), content: opt(str) }).superRefine((e, ctx) => {
    if (!e.name) ctx.addIssue({ code: 'custom', path: ['name'], message: `${what} entry has no name`, params: hint('give the entry a name') });
    else if (!ENTRY_NAME.test(e.name)) ctx.addIssue({ code: 'custom', path: ['name'], message: `${what} name "${e.name}" must match ${ENTRY_NAME.source}`, params: hint('use a plain file name, e.g. my-ca.crt') });
    if (!e.content) ctx.addIssue({ code: 'custom', path: ['content'], message: `${what} entry "${e.name ?? ''}" has no content`, params: hint('put the PEM text under content') });
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
      if (!b.image) ctx.addIssue({ code: 'custom', path: ['image'], message: 'baseimage needs image (an OCI layout directory)', params: hint('set contents.baseimage.image') });
      if (!b.apkindex) ctx.addIssue({ code: 'custom', path: ['apkindex'], message: 'baseimage needs apkindex (a directory of <arch>/APKINDEX)', params: hint('set contents.baseimage.apkindex') });
    }),
  ),
});

const SERVICE_NAME_FIX = 'a service becomes the directory /sv/<name>; use a plain name such as "nginx"';
const entrypoint = z.strictObject({
  type: opt(z.preprocess((v) => (v instanceof PlainScalar ? v.source : v), z.enum(['service-bundle']))),
  command: opt(str),
  'shell-fragment': opt(str),
  services: judgedMap((k) => (k === '' || k === '.' || k === '..' || k.includes('/') || controlCharacter(k) !== undefined ? `"${k}" is not a usable service name` : undefined), SERVICE_NAME_FIX),
});

const ACCOUNT_FIX = 'use letters, digits, "_", "." and "-" (e.g. nonroot); the name is written into /etc/passwd and /etc/group';
const accountName = judged(accountNameProblem, ACCOUNT_FIX);
const homedir = judged((s) => imagePathProblem(s, 'homedir') ?? passwdFieldProblem(s, 'homedir'), 'give an absolute path inside the image without ".." or ":", e.g. /home/nonroot');
const shell = judged((s) => imagePathProblem(s, 'shell') ?? passwdFieldProblem(s, 'shell'), 'give the absolute path of the shell inside the image, e.g. /bin/sh');

/** `run-as`: a user and an optional group, each a name or a numeric id, as the OCI `User` field reads them. */
const runAs = judged((s) => {
  const parts = s.split(':');
  if (parts.length > 2) return `"${s}" is not user or user:group`;
  for (const part of parts) {
    if (part === '') return `"${s}" has an empty user or group`;
    if (/^[0-9]+$/.test(part)) {
      if (Number(part) > UINT32) return `the id ${part} is larger than ${UINT32}`;
      continue;
    }
    const why = accountNameProblem(part);
    if (why !== undefined) return `"${part}": ${why}`;
  }
  return undefined;
}, 'run-as takes a user name or uid, optionally :group or :gid, e.g. nonroot or 65532:65532');

const user = z
  .strictObject({ username: opt(accountName), uid: opt(uint(UINT32)), gid: opt(uint(UINT32)), shell: opt(shell), homedir: opt(homedir) })
  .superRefine((u, ctx) => {
    if (!u.username) ctx.addIssue({ code: 'custom', path: ['username'], message: `configured user with uid ${u.uid ?? 0} has no configured user name`, params: hint('give the user a username') });
    if (!u.uid) {
      ctx.addIssue({ code: 'custom', path: ['uid'], message: `configured user "${u.username ?? ''}" has UID 0 (to run as root, use \`run-as: 0\`)`, params: { hint: 'give the user a non-zero uid, or drop it and set accounts.run-as: 0' } });
    }
  });

const group = z
  .strictObject({ groupname: opt(accountName), gid: opt(uint(UINT32)), members: list(accountName) })
  .superRefine((g, ctx) => {
    if (!g.groupname) ctx.addIssue({ code: 'custom', path: ['groupname'], message: `configured group with gid ${g.gid ?? 0} has no configured group name`, params: hint('give the group a groupname') });
  });

const PATH_TYPES = ['directory', 'empty-file', 'hardlink', 'symlink', 'permissions'] as const;

/** A path inside the image: relative ones start at `/` as in apko, but no `..` may climb past it. */
const imagePath = (what: string) =>
  judged((s) => imagePathProblem(s, what, { relative: true }), `write the path inside the image without ".." components, e.g. /app/data`);

const pathMutation = z
  .strictObject({
    path: opt(imagePath('path')),
    type: opt(z.preprocess((v) => (v instanceof PlainScalar ? v.source : v), z.enum(PATH_TYPES))),
    uid: opt(uint(UINT32)),
    gid: opt(uint(UINT32)),
    permissions: opt(uint(0o7777)),
    source: opt(line),
    recursive: opt(bool),
  })
  .superRefine((p, ctx) => {
    if (!p.path) ctx.addIssue({ code: 'custom', path: ['path'], message: 'a path mutation needs path', params: hint('set path to the path inside the image, e.g. /app') });
    if (p.type === undefined) ctx.addIssue({ code: 'custom', path: ['type'], message: `a path mutation needs type (one of: ${PATH_TYPES.join(', ')})`, params: hint(`set type to one of: ${PATH_TYPES.join(', ')}`) });
    if ((p.type === 'hardlink' || p.type === 'symlink') && !p.source) {
      ctx.addIssue({ code: 'custom', path: ['source'], message: `a ${p.type} needs source (the path it points to)`, params: hint('set source') });
    }
    // A hardlink's source is a file of the image; a symlink's is text the link holds, resolved inside the image.
    const escape = p.type === 'hardlink' && p.source ? imagePathProblem(p.source, 'source', { relative: true }) : undefined;
    if (escape !== undefined) ctx.addIssue({ code: 'custom', path: ['source'], message: escape, params: hint('name the linked file by its path inside the image, e.g. /usr/bin/tool') });
  });

const archs = list(archWord).check((ctx) => {
  const words = ctx.value ?? [];
  words.forEach((w, i) => {
    if ((w === 'all' || w === 'host') && words.length > 1) {
      ctx.issues.push({ code: 'custom', input: w, path: [i], message: `"${w}" must be the only entry of archs`, params: hint(`write archs: [${w}] alone, or list the architectures`) });
    }
  });
});

/** The schema of one apko.yaml file (before includes are merged). */
export const imageConfigSchema = z.strictObject({
  contents: opt(contents),
  entrypoint: opt(entrypoint),
  cmd: opt(str),
  'stop-signal': opt(line),
  'work-dir': opt(judged((s) => imagePathProblem(s, 'work-dir'), 'give the working directory as an absolute path inside the image, e.g. /app')),
  accounts: opt(z.strictObject({ 'run-as': opt(runAs), users: list(user), groups: list(group) })),
  archs,
  environment: judgedMap(envNameProblem, 'environment names are written NAME=value in the image config; use letters, digits and "_", e.g. APP_MODE'),
  paths: list(pathMutation),
  'vcs-url': opt(str),
  annotations: judgedMap(annotationKeyProblem, 'annotation keys are one line of text, e.g. org.opencontainers.image.vendor'),
  include: opt(line),
  volumes: list(imagePath('volume')),
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
