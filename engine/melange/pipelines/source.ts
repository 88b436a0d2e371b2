/**
 * Getting and changing sources: `git-checkout` (clone a repository at a tag,
 * a branch or its HEAD, check `expected-commit`, apply `cherry-picks`),
 * `git-am` and `patch`. (`fetch` is code: builtin-fetch.ts.) Values reach
 * the scripts through quoted here-documents, so a `with:` value is data to
 * the shell, never syntax.
 */

/** A here-document that sets shell variable `v` to input `input` (trailing newline removed). */
function input(v: string, input: string): string {
  return `      ${v}=$(cat <<'APKO_NX_INPUT'\n      \${{inputs.${input}}}\n      APKO_NX_INPUT\n      )`;
}

const gitCheckout = `name: Check out sources from git
needs:
  packages: [git]
inputs:
  repository: {required: true}
  destination: {default: .}
  depth: {default: unset}
  branch: {}
  tag: {}
  expected-commit: {}
  expected-commit-is-branch-tip: {default: "false"}
  recurse-submodules: {default: false}
  shallow-submodules: {default: false}
  submodule-jobs: {default: 1}
  cherry-picks: {}
  type-hint: {}
  sparse-paths: {}
  max-retries: {default: "3"}
  initial-backoff: {default: "2"}
  max-backoff: {default: "60"}
  reason: {}
pipeline:
  - runs: |
${input('repo', 'repository')}
${input('dest', 'destination')}
${input('depth', 'depth')}
${input('branch', 'branch')}
${input('tag', 'tag')}
${input('want', 'expected-commit')}
${input('tip', 'expected-commit-is-branch-tip')}
${input('recurse', 'recurse-submodules')}
${input('shallowsub', 'shallow-submodules')}
${input('jobs', 'submodule-jobs')}
${input('picks', 'cherry-picks')}
${input('sparse', 'sparse-paths')}
      msg() { echo "[git-checkout] $*"; }
      die() { echo "[git-checkout] FAIL: $*" >&2; exit 1; }
      g() { git -c safe.directory='*' -c advice.detachedHead=false "$@"; }
      [ -n "$repo" ] || die "repository is empty"
      [ -z "$branch" ] || [ -z "$tag" ] || die "both branch ($branch) and tag ($tag) are given; give one"
      [ "$tip" != true ] || [ -n "$branch" ] || die "expected-commit-is-branch-tip needs branch"
      if [ "$depth" = unset ]; then
        if [ -n "$branch" ] && [ -n "$want" ]; then depth=-1; else depth=1; fi
      fi
      set --
      [ "$depth" = -1 ] || set -- "$@" --depth "$depth"
      [ -z "$tag$branch" ] || set -- "$@" --branch "$tag$branch"
      if [ "$recurse" = true ]; then
        set -- "$@" --recurse-submodules --jobs "$jobs"
        [ "$shallowsub" != true ] || set -- "$@" --shallow-submodules
      fi
      [ -z "$sparse" ] || set -- "$@" --sparse
      case "$dest" in /*) destabs=$dest;; *) destabs=$PWD/$dest;; esac
      tmp=$(mktemp -d /tmp/git-checkout.XXXXXX)
      msg "cloning $repo \${tag:+tag $tag}\${branch:+branch $branch} into $dest"
      g clone --quiet "$@" -- "$repo" "$tmp/src"
      cd "$tmp/src"
      if [ -n "$sparse" ]; then g sparse-checkout set --cone $sparse; fi
      got=$(g rev-parse HEAD)
      if [ -n "$want" ] && [ "$got" != "$want" ]; then
        if [ -n "$branch" ] && [ "$tip" != true ] && g merge-base --is-ancestor "$want" HEAD 2>/dev/null; then
          g checkout --quiet "$want"
          got=$want
        else
          die "expected-commit is $want, but $repo \${tag:+tag $tag}\${branch:+branch $branch} is commit $got"
        fi
      fi
      sde=\${SOURCE_DATE_EPOCH:-0}
      [ "$sde" -ge 315532800 ] || sde=315532800
      printf '%s\\n' "$picks" | while IFS= read -r line; do
        line=\${line%%#*}
        [ -n "$(echo $line)" ] || continue
        case "$line" in *:*) ;; *) die "cherry-picks line '$line' is not [branch/]commit: comment";; esac
        ref=\${line%%:*}
        comment=$(echo \${line#*:})
        [ -n "$comment" ] || die "cherry-pick $ref has no comment"
        hash=\${ref##*/}
        if [ "$ref" != "$hash" ]; then
          pickbranch=\${ref%/*}
          g fetch --quiet $( [ "$(g rev-parse --is-shallow-repository)" = true ] && echo --unshallow ) origin "$pickbranch:$pickbranch"
        fi
        GIT_COMMITTER_DATE="@$sde" GIT_COMMITTER_NAME=melange GIT_COMMITTER_EMAIL=melange@localhost g cherry-pick -x "$hash"
        msg "cherry-picked $hash: $comment"
      done
      cd /
      mkdir -p "$destabs"
      cp -a "$tmp/src/." "$destabs/"
      rm -rf "$tmp"
      msg "checked out $got"
`;

const gitAm = `name: Apply patches with git am
needs:
  packages: [git]
inputs:
  patches: {required: true}
pipeline:
  - runs: |
${input('patches', 'patches')}
      for p in $patches; do
        echo "git-am: applying $p"
        GIT_COMMITTER_NAME=melange GIT_COMMITTER_EMAIL=melange@localhost GIT_COMMITTER_DATE="@\${SOURCE_DATE_EPOCH:-0}" git -c safe.directory='*' am "$p"
      done
`;

const patch = `name: Apply patches
needs:
  packages: [patch]
inputs:
  strip-components: {default: 1}
  fuzz: {default: 2}
  patches: {}
  series: {}
pipeline:
  - runs: |
${input('strip', 'strip-components')}
${input('fuzz', 'fuzz')}
${input('patches', 'patches')}
${input('series', 'series')}
      case "$strip$fuzz" in ''|*[!0-9]*) echo "patch: strip-components ($strip) and fuzz ($fuzz) must be whole numbers" >&2; exit 1;; esac
      if [ -n "$series" ]; then
        [ -f "$series" ] || { echo "patch: series file $series does not exist" >&2; exit 1; }
        list=$(grep -v -E '^[[:space:]]*(#|$)' "$series")
      elif [ -n "$patches" ]; then
        list=$patches
      else
        echo "patch: give patches or series" >&2; exit 1
      fi
      for p in $list; do
        echo "patch: applying $p"
        patch "-p$strip" "--fuzz=$fuzz" --forward --batch < "$p"
      done
`;

/** The source pipelines by name. */
export const SOURCE_PIPELINES: Readonly<Record<string, string>> = {
  'git-checkout': gitCheckout,
  'git-am': gitAm,
  patch,
};
