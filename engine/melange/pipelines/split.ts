/**
 * `split/*`: move one kind of file from a package's directory (the main
 * package's, or `with: package`) into the subpackage being built
 * (`${{targets.contextdir}}`), as melange's split pipelines do: docs, info,
 * man pages, locales, binaries, shared libraries, static archives,
 * development files, debug symbols. Every one refuses to split a package
 * from itself.
 */

/** Shell that sets $src (the package split from) and $ctx, and defines `move PATH…` (relative paths, parents created; `prune` removes the parents it emptied, never the package directory). */
const PRELUDE = `      src="\${{targets.destdir}}"
      [ -z "\${{inputs.package}}" ] || src="\${{targets.outdir}}/\${{inputs.package}}"
      ctx="\${{targets.contextdir}}"
      [ "$src" != "$ctx" ] || { echo "split: a package cannot split files from itself" >&2; exit 1; }
      prune() { d=$1; while [ "$d" != . ] && [ "$d" != / ]; do rmdir "$src/$d" 2>/dev/null || break; d=$(dirname "$d"); done; }
      move() {
        for p in "$@"; do
          if [ -e "$src/$p" ] || [ -L "$src/$p" ]; then
            d=$(dirname "$p")
            mkdir -p "$ctx/$d"
            mv "$src/$p" "$ctx/$d/"
            prune "$d"
          fi
        done
      }`;

function split(name: string, body: string, extraInputs = ''): string {
  return `name: ${name}
inputs:
  package: {}
${extraInputs}pipeline:
  - runs: |
${PRELUDE}
${body.replace(/^/gm, '      ')}
`;
}

const infodir = `if [ -d "$src/usr/share/info" ]; then rm -f "$src/usr/share/info/dir"; move usr/share/info; fi`;
const manpages = `for m in usr/share/man usr/local/share/man usr/man; do
  [ -d "$src/$m" ] || continue
  mkdir -p "$ctx/usr/share/man"
  mv "$src/$m"/* "$ctx/usr/share/man/"
  prune "$m"
done`;

/** The split pipelines by name. */
export const SPLIT_PIPELINES: Readonly<Record<string, string>> = {
  'split/alldocs': split('Split all documentation', `${infodir}
${manpages}
for d in usr/share/doc usr/local/share/doc; do
  [ -d "$src/$d" ] || continue
  mkdir -p "$ctx/usr/share/doc"
  mv "$src/$d"/* "$ctx/usr/share/doc/"
  prune "$d"
done`),
  'split/bin': split('Split binaries', `name="\${{context.name}}"
if [ -z "\${{inputs.package}}" ] && [ "\${name%-bin}" != "$name" ] && [ -d "\${{targets.outdir}}/\${name%-bin}" ]; then src="\${{targets.outdir}}/\${name%-bin}"; fi
[ -d "$src/usr/bin" ] || { echo "split/bin: $src/usr/bin is not a directory" >&2; exit 1; }
mkdir -p "$ctx/usr/bin"
mv "$src/usr/bin"/* "$ctx/usr/bin/"
prune "usr/bin"`),
  'split/debug': split('Split debug symbols', `command -v readelf >/dev/null && command -v objcopy >/dev/null || { echo "split/debug: needs binutils (readelf, objcopy)" >&2; exit 1; }
find "$src" -type f | sort | while IFS= read -r f; do
  readelf -h "$f" 2>/dev/null | grep -q 'Type:.*DYN' || continue
  rel=\${f#"$src"/}
  dbg="$ctx/usr/lib/debug/$rel.debug"
  mkdir -p "$(dirname "$dbg")"
  objcopy --only-keep-debug "$f" "$dbg"
  objcopy --add-gnu-debuglink="$dbg" --strip-unneeded -R .comment "$f" "$f.stripped"
  cat "$f.stripped" > "$f"
  rm "$f.stripped"
done`),
  'split/dev': split('Split development files', `prefix="\${{inputs.prefix}}"
prefix=\${prefix#/}
cd "$src" || exit 0
move "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/share/pkgconfig" "$prefix/share/aclocal" "$prefix/share/gettext" \\
  "$prefix/share/vala/vapi" "$prefix/lib/cmake" "$prefix/share/cmake"
for f in "$prefix"/bin/*-config "$prefix"/bin/*_config; do [ -e "$f" ] && move "$f"; done
for dir in lib "$prefix/lib"; do
  [ -d "$dir" ] || continue
  find "$dir" -maxdepth 1 \\( -name '*.a' -o -name '*.la' -o \\( -name '*.so' -type l \\) \\) | sort | while IFS= read -r f; do move "$f"; done
done`, '  prefix: {default: /usr}\n'),
  'split/infodir': split('Split info pages', infodir),
  'split/lib': split('Split shared libraries', `cd "$src" || exit 0
patterns="\${{inputs.patterns}}"
[ -n "$patterns" ] || patterns='*'
dirs=""
for d in lib usr/lib \${{inputs.paths}}; do [ -d "$d" ] && dirs="$dirs $d"; done
for d in $dirs; do
  for pattern in $patterns; do
    find "$d" -maxdepth 1 \\( -type f -o -type l \\) -name "lib$pattern.so.*" | sort | while IFS= read -r f; do move "$f"; done
  done
done`, '  patterns: {}\n  paths: {}\n'),
  'split/locales': split('Split locales', 'move usr/share/locale'),
  'split/manpages': split('Split man pages', manpages),
  'split/static': split('Split static libraries', `cd "$src" || exit 0
for d in lib usr/lib; do
  [ -d "$d" ] || continue
  find "$d" -name '*.a' | sort | while IFS= read -r f; do move "$f"; done
done`),
};
