import { beforeAll, describe } from 'vitest';
import { contentCase, pkgId, type ContentPackage } from './support/content-image';
import type { RawEntry } from './support/forge';
import { hostile, Sandbox } from './support/sandbox';

/**
 * Malicious package content refused: tar entries inside a package's data
 * stream whose names, numbers, types or links would forge the installed
 * database, collapse two files into one, reach outside the image, or delete
 * other packages' files once the image is layered. Each refusal names the
 * package and the entry (escaped) and leaves the previous output and the
 * cache as they were. The cases whose content is kept are in
 * package-content-kept.test.ts.
 */
describe('hostile: package content refused', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await Sandbox.create();
  }, 120_000);

  const evil = (entries: RawEntry[], more: Partial<ContentPackage> = {}): ContentPackage => ({ name: 'evil', entries, ...more });
  // The repository and config are written first: the refusal's verdict covers the build alone.
  const refuse = (name: string, packages: ContentPackage[], names: (string | RegExp)[]) => {
    const config = contentCase(sb, name, packages);
    // Asynchronously, so a long build does not block the test worker.
    return sb.refuses(() => sb.runAsync(['build', config, 'hostile:1', sb.out]), { names });
  };
  const id = pkgId({ name: 'evil' });

  // Names that would forge the installed database or a terminal line.
  hostile('content/name-newline-forges-db-stanza', 'a file name with a newline (forging "P:injected-pkg" in the installed database) is refused, naming the package and the escaped name', async () => {
    await refuse('newline', [evil([{ name: 'usr/share/doc/x\n\nP:injected-pkg\nV:1.0', data: 'x' }])], [id, 'x\\n\\nP:injected-pkg\\nV:1.0', 'control or line-breaking character (\\n)']);
  });

  hostile('content/name-carriage-return', 'a file name with a carriage return is refused', async () => {
    await refuse('cr', [evil([{ name: 'etc/motd\rP:injected', data: 'x' }])], [id, 'etc/motd\\rP:injected']);
  });

  hostile('content/name-escape-sequence', 'a file name with a terminal escape sequence is refused and shown escaped, never raw', async () => {
    const r = await refuse('esc', [evil([{ name: 'etc/\u001b[2Jcleared', data: 'x' }])], [id, 'etc/\\x1b[2Jcleared']);
    if (r.stderr.includes('\u001b')) throw new Error('the raw escape character reached the message');
  });

  hostile('content/name-unicode-line-separator', 'a file name with U+2028 (a line break for many readers) is refused', async () => {
    await refuse('u2028', [evil([{ name: 'etc/a\u2028P:injected', data: 'x' }])], [id, 'etc/a\\u2028P:injected']);
  });

  hostile('content/name-nul-in-pax-path', 'a PAX path holding a NUL byte is refused', async () => {
    await refuse('nul', [evil([{ name: 'etc/placeholder', pax: { path: 'etc/a\u0000b' }, data: 'x' }])], [id, 'etc/a\\0b']);
  });

  hostile('content/symlink-target-newline', 'a symlink whose target holds a newline is refused', async () => {
    await refuse('link-newline', [evil([{ name: 'etc/link', type: 'symlink', linkname: 'x\nP:injected' }])], [id, 'etc/link', 'x\\nP:injected']);
  });

  // Names that are not UTF-8 would collapse into one another.
  hostile('content/name-not-utf8', 'a file name that is not valid UTF-8 is refused, naming the package and the name byte by byte', async () => {
    await refuse('not-utf8', [evil([{ name: Buffer.from('usr/bin/caf\xe9', 'latin1'), data: 'x' }])], [id, 'usr/bin/caf\\xe9', 'not valid UTF-8']);
  });

  hostile('content/names-not-utf8-collide', 'two names differing only in invalid bytes are refused, so neither file silently replaces the other', async () => {
    await refuse('collide', [evil([{ name: Buffer.from('etc/\xff', 'latin1'), data: 'one' }, { name: Buffer.from('etc/\xfe', 'latin1'), data: 'two' }])], [id, 'etc/\\xff']);
  });

  hostile('content/pax-path-not-utf8', 'a PAX path record that is not UTF-8 is refused', async () => {
    await refuse('pax-not-utf8', [evil([{ name: 'etc/placeholder', pax: { path: 'etc/\xc3\x28' }, data: 'x' }])], [id, 'etc/\\xc3(']);
  });

  hostile('content/symlink-target-not-utf8', 'a symlink target that is not UTF-8 is refused', async () => {
    await refuse('link-not-utf8', [evil([{ name: 'etc/link', type: 'symlink', linkname: Buffer.from('\xff\xfe', 'latin1') }])], [id, '\\xff\\xfe']);
  });

  // Numbers that are not numbers.
  hostile('content/pax-uid-not-a-number', 'a PAX uid of "abc" is a typed error naming the package and the entry, never NaN', async () => {
    await refuse('pax-uid', [evil([{ name: 'usr/bin/tool', data: 'x', pax: { uid: 'abc' } }])], [id, 'usr/bin/tool', 'PAX uid of "abc"']);
  });

  hostile('content/pax-gid-not-a-number', 'a PAX gid of "abc" is a typed error naming the package and the entry, never NaN', async () => {
    await refuse('pax-gid', [evil([{ name: 'usr/bin/tool', data: 'x', pax: { gid: 'abc' } }])], [id, 'usr/bin/tool', 'PAX gid of "abc"']);
  });

  hostile('content/pax-size-not-a-number', 'a PAX size of "abc" is a typed error naming the package and the entry, never NaN', async () => {
    await refuse('pax-size', [evil([{ name: 'usr/bin/tool', data: 'x', pax: { size: 'abc' } }])], [id, 'usr/bin/tool', 'PAX size of "abc"']);
  });

  hostile('content/pax-mtime-not-a-number', 'a PAX mtime of "abc" is a typed error naming the package and the entry, never NaN', async () => {
    await refuse('pax-mtime', [evil([{ name: 'usr/bin/tool', data: 'x', pax: { mtime: 'abc' } }])], [id, 'usr/bin/tool', 'PAX mtime of "abc"']);
  });

  hostile('content/uid-beyond-uid-t', 'a PAX uid larger than any Linux uid is refused', async () => {
    await refuse('huge-uid', [evil([{ name: 'usr/bin/tool', data: 'x', pax: { uid: String(2 ** 40) } }])], [id, 'usr/bin/tool', String(2 ** 40)]);
  });

  hostile('content/gid-no-id-value', 'a gid of 4294967295 (the "no id" value) is refused', async () => {
    await refuse('nogid', [evil([{ name: 'usr/bin/tool', data: 'x', pax: { gid: '4294967295' } }])], [id, 'gid 4294967295']);
  });

  hostile('content/unknown-entry-type', 'an entry type the engine does not know (GNU sparse "S") is refused, naming the package and the entry', async () => {
    await refuse('sparse', [evil([{ name: 'usr/lib/sparse.img', type: 'S' }])], [id, 'usr/lib/sparse.img', 'type "S"']);
  });

  // Links that loop or lead out.
  hostile('content/symlink-loop', 'a file written through a symlink loop is refused with an error naming the package', async () => {
    await refuse('loop', [evil([{ name: 'etc/a', type: 'symlink', linkname: 'b' }, { name: 'etc/b', type: 'symlink', linkname: 'a' }, { name: 'etc/a/x', data: 'x' }])], [id, 'too many levels of symbolic links']);
  });

  hostile('content/path-dotdot', 'a name with a ".." component is refused', async () => {
    await refuse('dotdot', [evil([{ name: '../../../../../../../../tmp/escaped', data: 'x' }])], [id, 'has a ".." component']);
  });

  hostile('content/path-absolute', 'an absolute name is refused', async () => {
    await refuse('absolute', [evil([{ name: `${sb.canary}/x`, data: 'x' }])], [id, 'is an absolute path']);
  });

  hostile('content/path-normalises-outside', 'a name that normalises outside the root ("a/../../x") is refused', async () => {
    await refuse('normalise', [evil([{ name: 'a/../../x', data: 'x' }])], [id, 'a/../../x']);
  });

  hostile('content/hardlink-dotdot', 'a hardlink to "../../etc/shadow" is refused', async () => {
    await refuse('hl-dotdot', [evil([{ name: 'etc/shadow-copy', type: 'hardlink', linkname: '../../../../etc/shadow' }])], [id, 'etc/shadow-copy', '../../../../etc/shadow']);
  });

  hostile('content/hardlink-absolute', 'a hardlink to an absolute host path is refused', async () => {
    await refuse('hl-abs', [evil([{ name: 'etc/host-passwd', type: 'hardlink', linkname: '/etc/passwd' }])], [id, 'etc/host-passwd', 'is an absolute path']);
  });

  hostile('content/hardlink-to-other-package', "a hardlink to another package's file (not in the package) is refused", async () => {
    await refuse('hl-other', [evil([{ name: 'etc/passwd-link', type: 'hardlink', linkname: 'etc/passwd' }], { depends: ['test-baselayout'] })], [id, 'etc/passwd-link', 'a file of package test-baselayout']);
  });

  hostile('content/hardlink-to-missing', 'a hardlink to a path nothing installed is refused', async () => {
    await refuse('hl-missing', [evil([{ name: 'etc/ghost', type: 'hardlink', linkname: 'etc/nowhere' }])], [id, 'etc/ghost', 'etc/nowhere']);
  });

  hostile('content/hardlink-to-directory', 'a hardlink to a directory is refused', async () => {
    await refuse('hl-dir', [evil([{ name: 'srv', type: 'dir' }, { name: 'srv-link', type: 'hardlink', linkname: 'srv' }])], [id, 'srv-link', 'a directory']);
  });

  // Layering tricks and special files.
  hostile('content/whiteout-file', "a whiteout entry (.wh.passwd) that would delete another package's file once layered is refused", async () => {
    await refuse('whiteout', [evil([{ name: 'etc', type: 'dir' }, { name: 'etc/.wh.passwd', data: '' }])], [id, 'etc/.wh.passwd', 'whiteout']);
  });

  hostile('content/whiteout-opaque', 'an opaque whiteout (.wh..wh..opq) that would hide a directory is refused', async () => {
    await refuse('opaque', [evil([{ name: 'usr/.wh..wh..opq', data: '' }])], [id, 'usr/.wh..wh..opq', 'whiteout']);
  });

  hostile('content/whiteout-top-level', 'a top-level whiteout after the data has started is refused too', async () => {
    await refuse('whiteout-top', [evil([{ name: 'srv', type: 'dir' }, { name: '.wh.etc', data: '' }])], [id, '.wh.etc']);
  });

  hostile('content/char-node', 'a character device in a package is refused (an image gets its devices from the runtime)', async () => {
    await refuse('dev-char', [evil([{ name: 'dev/evil', type: 'char', devmajor: 8, devminor: 0 }])], [id, '/dev/evil is a character device']);
  });

  hostile('content/block-node', 'a block device in a package is refused (an image gets its devices from the runtime)', async () => {
    await refuse('dev-block', [evil([{ name: 'dev/evil', type: 'block', devmajor: 8, devminor: 0 }])], [id, '/dev/evil is a block device']);
  });

  hostile('content/fifo-node', 'a fifo in a package is refused (an image gets its devices from the runtime)', async () => {
    await refuse('dev-fifo', [evil([{ name: 'dev/evil', type: 'fifo', devmajor: 8, devminor: 0 }])], [id, '/dev/evil is a fifo']);
  });

  // Conflicts between and within packages.
  hostile('content/file-then-directory', 'a path that is a file in one package and a directory in another is refused, naming both packages', async () => {
    await refuse('file-dir', [{ name: 'first', entries: [{ name: 'opt/thing', data: 'f' }] }, { name: 'second', depends: ['first'], entries: [{ name: 'opt/thing', type: 'dir' }] }], ['first', 'second', '/opt/thing']);
  });

  hostile('content/directory-then-file', 'a path that is a directory in one package and a file in another is refused, naming both packages', async () => {
    await refuse('dir-file', [{ name: 'first', entries: [{ name: 'opt/place', type: 'dir' }] }, { name: 'second', depends: ['first'], entries: [{ name: 'opt/place', data: 'f' }] }], ['first', 'second', '/opt/place']);
  });

  hostile('content/file-as-parent', "a package installing below another package's file is refused, naming both packages", async () => {
    await refuse('file-parent', [{ name: 'first', entries: [{ name: 'opt/blocker', data: 'f' }] }, { name: 'second', depends: ['first'], entries: [{ name: 'opt/blocker/inside', data: 'g' }] }], ['/opt/blocker is a file made by package first', 'second-1.0.0-r0']);
  });

  hostile('content/duplicate-entry', 'a name listed twice in one package is refused (one would silently win)', async () => {
    await refuse('duplicate', [evil([{ name: 'etc/conf', data: 'one' }, { name: 'etc/conf', data: 'two' }])], [id, '/etc/conf appears twice']);
  });

  // Names Linux cannot create.
  hostile('content/name-longer-than-path-max', 'a name longer than PATH_MAX is refused', async () => {
    const name = `${Array.from({ length: 20 }, () => 'd'.repeat(250)).join('/')}/f`;
    await refuse('path-max', [evil([{ name, data: 'x' }])], [id, "more than Linux's PATH_MAX"]);
  });

  hostile('content/component-longer-than-name-max', 'a name component longer than NAME_MAX is refused', async () => {
    await refuse('name-max', [evil([{ name: `usr/${'n'.repeat(300)}`, data: 'x' }])], [id, "more than Linux's NAME_MAX"]);
  });

  // Control fields that reach the installed database, scripts.tar and triggers.
  hostile('content/pkginfo-value-carriage-return', 'a .PKGINFO value holding a carriage return is refused before it reaches the installed database', async () => {
    await refuse('pkginfo-cr', [evil([{ name: 'srv/f', data: 'x' }], { pkginfoLines: ['url = https://example.com/\rP:injected-pkg'] })], [id, 'url', '\\rP:injected-pkg']);
  });

  hostile('content/pkginfo-value-vertical-tab', 'a .PKGINFO value with a form feed (a line break for some readers) is refused', async () => {
    await refuse('pkginfo-ff', [evil([{ name: 'srv/f', data: 'x' }], { pkginfoLines: ['maintainer = me \fP:injected-pkg'] })], [id, 'maintainer', '\\x0cP:injected-pkg']);
  });

  hostile('content/trigger-control-character', 'a trigger path with a control character is refused before it reaches the triggers file', async () => {
    await refuse('trigger', [evil([{ name: 'srv/f', data: 'x' }], { pkginfoLines: ['triggers = /usr/share/\u001cQ1x'] })], [id, 'trigger', '\\x1cQ1x']);
  });

  hostile('content/script-name-newline', 'a control entry whose name has a newline is refused before it reaches scripts.tar', async () => {
    await refuse('script-name', [evil([{ name: 'srv/f', data: 'x' }], { controlEntries: [{ name: '.post-install\nP:injected', mode: 0o755, data: '#!/bin/sh\n', noSha1: true }] })], [id, '.post-install\\nP:injected']);
  });

  // Files the build itself owns.
  hostile('content/forged-installed-database', 'a package shipping its own usr/lib/apk/db/installed (a forged database) is refused', async () => {
    await refuse('own-db', [evil([{ name: 'usr/lib/apk/db/installed', data: 'P:injected-pkg\nV:1.0\n\n' }])], ['evil', '/usr/lib/apk/db/installed', 'the build writes /usr/lib/apk/db/installed itself']);
  });

  hostile('content/forged-database-through-lib-apk', 'a package shipping lib/apk/db/installed (before /lib/apk becomes a link) is refused', async () => {
    await refuse('lib-apk-db', [evil([{ name: 'lib/apk/db/installed', data: 'P:injected-pkg\nV:1.0\n\n' }])], ['/lib/apk', 'files from evil']);
  });

  hostile('content/version-with-slash', 'a package whose version holds a slash (it would become a path in scripts.tar) is refused', async () => {
    await refuse('slash-name', [evil([{ name: 'srv/f', data: 'x' }], { version: '1.0/../../x' })], ['1.0/../../x']);
  });
});
