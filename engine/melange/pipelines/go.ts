/**
 * `go/*`: build and install Go programs into the package (static by
 * default: netgo,osusergo tags, CGO as the environment sets it, -trimpath,
 * `-w` stripping), bump module dependencies, report coverage data. Inputs
 * as melange's.
 */

const GO_ENV = `export GOAMD64="\${{inputs.amd64}}" GOARM64="\${{inputs.arm64}}" GOFLAGS="\${GOFLAGS:-} -mod=mod"
      [ -z "\${{inputs.experiments}}" ] || export GOEXPERIMENT="\${{inputs.experiments}}"`;

const GO_BUILD_INPUTS = `  tags: {}
  toolchaintags: {default: "netgo,osusergo"}
  prefix: {default: usr}
  ldflags: {}
  strip: {default: "-w"}
  install-dir: {default: bin}
  experiments: {default: ""}
  amd64: {default: v2}
  arm64: {default: v8.0}
`;

/** The Go pipelines by name. */
export const GO_PIPELINES: Readonly<Record<string, string>> = {
  'go/build': `name: Build a Go program
needs:
  packages:
    - \${{inputs.go-package}}
    - busybox
    - ca-certificates-bundle
inputs:
  go-package: {default: go}
  packages: {required: true}
  output: {required: true}
  vendor: {default: "false"}
  modroot: {default: .}
  deps: {}
  extra-args: {default: ""}
  buildmode: {default: default}
  tidy: {default: "false"}
  ignore-untracked-files: {default: "true"}
${GO_BUILD_INPUTS}pipeline:
  - runs: |
      cd "\${{inputs.modroot}}"
      ${GO_ENV}
      [ "\${{inputs.vendor}}" != true ] || export GOFLAGS="\${GOFLAGS% -mod=mod} -mod=vendor"
      for d in \${{inputs.deps}}; do go get "$d"; done
      [ "\${{inputs.tidy}}" != true ] || go mod tidy
      tags="\${{inputs.toolchaintags}}"
      [ -z "\${{inputs.tags}}" ] || tags="$tags,\${{inputs.tags}}"
      out="\${{targets.contextdir}}/\${{inputs.prefix}}/\${{inputs.install-dir}}/\${{inputs.output}}"
      mkdir -p "$(dirname "$out")"
      go build -o "$out" -trimpath -buildvcs=false -buildmode="\${{inputs.buildmode}}" -tags "$tags" \\
        -ldflags "\${{inputs.strip}} \${{inputs.ldflags}}" \${{inputs.extra-args}} \${{inputs.packages}}
`,
  'go/install': `name: Install a Go program with go install
needs:
  packages:
    - \${{inputs.go-package}}
    - busybox
    - ca-certificates-bundle
    - git
inputs:
  go-package: {default: go}
  package: {required: true}
  version: {}
${GO_BUILD_INPUTS}pipeline:
  - runs: |
      ${GO_ENV}
      tags="\${{inputs.toolchaintags}}"
      [ -z "\${{inputs.tags}}" ] || tags="$tags,\${{inputs.tags}}"
      pkg="\${{inputs.package}}"
      [ -z "\${{inputs.version}}" ] || pkg="$pkg@\${{inputs.version}}"
      export GOBIN="\${{targets.contextdir}}/\${{inputs.prefix}}/\${{inputs.install-dir}}"
      mkdir -p "$GOBIN"
      go install -trimpath -buildvcs=false -tags "$tags" -ldflags "\${{inputs.strip}} \${{inputs.ldflags}}" "$pkg"
`,
  'go/bump': `name: Bump Go module dependencies
needs:
  packages: [git, go]
inputs:
  deps: {required: true}
  modroot: {default: .}
  go-version: {default: ""}
  replaces: {}
  tidy: {default: true}
  show-diff: {default: false}
  tidy-compat: {default: ""}
  work: {default: false}
pipeline:
  - runs: |
      cd "\${{inputs.modroot}}"
      [ -z "\${{inputs.go-version}}" ] || go mod edit -go="\${{inputs.go-version}}"
      for r in \${{inputs.replaces}}; do go mod edit -replace="$r"; done
      for d in \${{inputs.deps}}; do go get "$d"; done
      if [ "\${{inputs.tidy}}" = true ]; then
        if [ -n "\${{inputs.tidy-compat}}" ]; then go mod tidy -compat="\${{inputs.tidy-compat}}"; else go mod tidy; fi
      fi
      [ "\${{inputs.show-diff}}" != true ] || git diff -- go.mod go.sum || true
`,
  'go/covdata': `name: Report Go coverage data
needs:
  packages:
    - \${{inputs.package}}
    - busybox
inputs:
  package: {default: go}
  cover-dir: {default: /home/build}
pipeline:
  - runs: go tool covdata percent -i "\${{inputs.cover-dir}}"
`,
};
