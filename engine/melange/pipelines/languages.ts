/**
 * Language ecosystems: cargo, npm, Python, Ruby, Perl, PECL, R, Maven, and
 * the coverage tools (llvm-cov, xcover). Each installs into the package
 * being built (`${{targets.contextdir}}`) under /usr. Inputs as melange's.
 */

const PY = `python=$(command -v python3 || command -v python) || { echo "python: no python3 in the build environment" >&2; exit 1; }`;

const XCOVER = (name: string, extra: string, run: string) => `name: xcover ${name}
needs:
  packages:
    - busybox
    - \${{inputs.package}}
inputs:
  package: {default: xcover}
${extra}pipeline:
  - runs: ${run}
`;

/** The language pipelines by name. */
export const LANGUAGE_PIPELINES: Readonly<Record<string, string>> = {
  'cargo/build': `name: Build with cargo
needs:
  packages: [build-base, busybox, cargo-auditable, rust]
inputs:
  output: {}
  opts: {default: --release}
  modroot: {default: .}
  rustflags: {default: ""}
  prefix: {default: usr}
  install-dir: {default: bin}
  output-dir: {default: target/release}
  jobs: {}
pipeline:
  - runs: |
      cd "\${{inputs.modroot}}"
      export RUSTFLAGS="\${{inputs.rustflags}} \${RUSTFLAGS:-}"
      jobs="\${{inputs.jobs}}"
      cargo build \${jobs:+--jobs "$jobs"} \${{inputs.opts}}
      dest="\${{targets.contextdir}}/\${{inputs.prefix}}/\${{inputs.install-dir}}"
      mkdir -p "$dest"
      if [ -n "\${{inputs.output}}" ]; then
        install -m 755 "\${{inputs.output-dir}}/\${{inputs.output}}" "$dest/"
      else
        find "\${{inputs.output-dir}}" -maxdepth 1 -type f -perm -u+x | sort | while IFS= read -r f; do install -m 755 "$f" "$dest/"; done
      fi
`,
  'npm/install': `name: Install an npm package
needs:
  packages:
    - busybox
    - nodejs
    - \${{inputs.npm-package}}
    - npm
inputs:
  package: {required: true}
  version: {required: true}
  prefix: {default: "\${{targets.contextdir}}/usr/"}
  overrides: {}
  npm-package: {default: npm}
pipeline:
  - runs: |
      npm install --global --no-fund --no-audit --prefix "\${{inputs.prefix}}" "\${{inputs.package}}@\${{inputs.version}}"
      for o in \${{inputs.overrides}}; do (cd "\${{inputs.prefix}}/lib/node_modules/\${{inputs.package}}" && npm install --no-fund --no-audit "$o"); done
`,
  'python/build': `name: Build a Python package with setup.py
needs:
  packages: [busybox, python3]
pipeline:
  - runs: |
      ${PY}
      "$python" setup.py build
`,
  'python/build-wheel': `name: Build and install a Python wheel
needs:
  packages: [busybox, py3-build, py3-installer, python3]
pipeline:
  - runs: |
      ${PY}
      "$python" -m build --wheel --no-isolation --outdir dist
  - runs: |
      ${PY}
      # Debian's python installs to /usr/local unless told it is packaging for the system.
      export DEB_PYTHON_INSTALL_LAYOUT=deb_system
      if "$python" -c 'import installer' 2>/dev/null; then
        "$python" -m installer --destdir "\${{targets.contextdir}}" --prefix /usr dist/*.whl
      else
        "$python" -m pip install --no-deps --no-index --no-compile --root "\${{targets.contextdir}}" --prefix /usr dist/*.whl
      fi
      find "\${{targets.contextdir}}" -name __pycache__ -type d -prune -exec rm -rf {} +
`,
  'python/install': `name: Install a Python package with setup.py
needs:
  packages: [busybox, python3]
pipeline:
  - runs: |
      ${PY}
      "$python" setup.py install --prefix=/usr --root="\${{targets.contextdir}}"
`,
  'python/import': `name: Check Python imports
needs:
  packages: [wolfi-base]
inputs:
  python: {default: DEFAULT}
  import: {}
  from: {}
  imports: {}
  venv: {}
pipeline:
  - runs: |
      python="\${{inputs.python}}"
      if [ "$python" = DEFAULT ]; then ${PY}; fi
      [ -z "\${{inputs.venv}}" ] || python="\${{inputs.venv}}/bin/python"
      check() { echo "python/import: $1"; "$python" -c "$1"; }
      if [ -n "\${{inputs.import}}" ]; then
        if [ -n "\${{inputs.from}}" ]; then check "from \${{inputs.from}} import \${{inputs.import}}"; else check "import \${{inputs.import}}"; fi
      fi
      printf '%s\\n' "\${{inputs.imports}}" | while IFS= read -r line; do
        line=\${line%%#*}
        [ -n "$(echo $line)" ] || continue
        check "$line"
      done
`,
  'python/test': `name: Run a Python test command
needs:
  packages: [wolfi-base]
inputs:
  command: {required: true}
pipeline:
  - runs: \${{inputs.command}}
`,
  'ruby/build': `name: Build a Ruby gem
needs:
  packages: [busybox, ca-certificates-bundle]
inputs:
  dir: {default: .}
  gem: {required: true}
  output: {}
  opts: {}
pipeline:
  - runs: |
      cd "\${{inputs.dir}}"
      gem build "\${{inputs.gem}}.gemspec" \${{inputs.opts}} \${{inputs.output}}
`,
  'ruby/install': `name: Install a Ruby gem
needs:
  packages: [busybox, ca-certificates-bundle]
inputs:
  dir: {default: .}
  gem: {}
  gem-file: {}
  version: {required: true}
  opts: {default: ""}
pipeline:
  - runs: |
      cd "\${{inputs.dir}}"
      file="\${{inputs.gem-file}}"
      [ -n "$file" ] || file="\${{inputs.gem}}-\${{inputs.version}}.gem"
      gemdir=$(ruby -e 'puts Gem.default_dir')
      gem install "$file" --local --ignore-dependencies --no-document --no-user-install --verbose \\
        --install-dir "\${{targets.contextdir}}$gemdir" --bindir "\${{targets.contextdir}}/usr/bin" \${{inputs.opts}}
`,
  'ruby/clean': `name: Remove Ruby build leftovers
needs:
  packages: [busybox, ca-certificates-bundle]
pipeline:
  - runs: |
      gemdir="\${{targets.contextdir}}$(ruby -e 'puts Gem.default_dir')"
      rm -rf "$gemdir/cache" "$gemdir/build_info" "$gemdir/doc"
      find "$gemdir" \\( -name '*.o' -o -name mkmf.log -o -name gem_make.out \\) -delete 2>/dev/null || true
`,
  'perl/make': `name: Configure a Perl module with Makefile.PL
needs:
  packages: [busybox, perl]
pipeline:
  - runs: |
      export CFLAGS="\${CFLAGS:-} $(perl -MConfig -e 'print $Config{ccflags}')"
      PERL_MM_USE_DEFAULT=1 perl -I. Makefile.PL INSTALLDIRS=vendor
`,
  'perl/cleanup': `name: Remove Perl install leftovers
needs:
  packages: [busybox]
pipeline:
  - runs: find "\${{targets.contextdir}}" \\( -name perllocal.pod -o -name .packlist \\) -delete
`,
  'pecl/phpize': `name: Prepare a PECL extension with phpize
needs:
  packages: [autoconf, busybox]
inputs:
  php-config: {default: php-config}
  prefix: {default: /usr}
pipeline:
  - runs: |
      phpize
      ./configure --prefix="\${{inputs.prefix}}" --with-php-config="\${{inputs.php-config}}"
`,
  'pecl/install': `name: Install a PECL extension
needs:
  packages: [automake, busybox]
inputs:
  extension: {required: true}
pipeline:
  - runs: |
      make INSTALL_ROOT="\${{targets.contextdir}}" install
      confdir="\${{targets.contextdir}}/etc/php/conf.d"
      mkdir -p "$confdir"
      echo "extension=\${{inputs.extension}}.so" > "$confdir/\${{inputs.extension}}.ini"
`,
  'R/build': `name: Build an R package
needs:
  packages: [R, R-dev, R-doc, busybox]
inputs:
  package: {required: true}
  path: {default: .}
  version: {required: true}
pipeline:
  - runs: |
      lib="\${{targets.contextdir}}/usr/lib/R/library"
      mkdir -p "$lib"
      R CMD build "\${{inputs.path}}"
      R CMD INSTALL --build "\${{inputs.package}}_\${{inputs.version}}.tar.gz" --library="$lib"
`,
  'maven/configure-mirror': `name: Point Maven at the mirror in MAVEN_MIRROR_URL
needs:
  packages: [busybox]
pipeline:
  - runs: |
      if [ -n "\${MAVEN_MIRROR_URL:-}" ]; then
        mkdir -p "$HOME/.m2"
        printf '<settings><mirrors><mirror><id>mirror</id><mirrorOf>*</mirrorOf><url>%s</url></mirror></mirrors></settings>\\n' "$MAVEN_MIRROR_URL" > "$HOME/.m2/settings.xml"
      fi
`,
  'maven/pombump': `name: Bump Maven dependencies with pombump
needs:
  packages: [busybox, pombump]
inputs:
  patch-file: {default: ./pombump-deps.yaml}
  properties-file: {default: ./pombump-properties.yaml}
  dependencies: {}
  properties: {}
  pom: {default: pom.xml}
  debug: {default: false}
  show-dependency-tree: {default: false}
pipeline:
  - runs: |
      set -- "\${{inputs.pom}}"
      [ ! -f "\${{inputs.patch-file}}" ] || set -- "$@" --patch-file "\${{inputs.patch-file}}"
      [ ! -f "\${{inputs.properties-file}}" ] || set -- "$@" --properties-file "\${{inputs.properties-file}}"
      [ -z "\${{inputs.dependencies}}" ] || set -- "$@" --dependencies "\${{inputs.dependencies}}"
      [ -z "\${{inputs.properties}}" ] || set -- "$@" --properties "\${{inputs.properties}}"
      [ "\${{inputs.debug}}" != true ] || set -- "$@" --debug
      pombump "$@"
      [ "\${{inputs.show-dependency-tree}}" != true ] || mvn dependency:tree
`,
  'llvm/covreport': `name: Report LLVM coverage
needs:
  packages:
    - \${{inputs.package}}
inputs:
  package: {default: llvm-19}
  object: {default: ""}
  ignore-filename-regex: {default: ""}
pipeline:
  - runs: |
      llvm-profdata merge -sparse $(find . -name '*.profraw') -o default.profdata
      re="\${{inputs.ignore-filename-regex}}"
      llvm-cov report \${{inputs.object}} -instr-profile=default.profdata \${re:+-ignore-filename-regex="$re"}
`,
  'xcover/ensure': XCOVER('ensure', '  min-coverage: {default: ""}\n', 'm="\${{inputs.min-coverage}}"; xcover ensure \${m:+--min-coverage="$m"}'),
  'xcover/profile': XCOVER(
    'profile',
    '  executable-path: {required: true}\n  exclude-functions: {}\n  include-functions: {}\n  scope: {default: project}\n  log-level: {default: info}\n  verbose: {default: "false"}\n  wait-timeout: {default: "60"}\n',
    'xcover run --detach --path "\${{inputs.executable-path}}" --log-level "\${{inputs.log-level}}" --verbose="\${{inputs.verbose}}"',
  ),
  'xcover/status': XCOVER('status', '', 'xcover status'),
  'xcover/stop': XCOVER('stop', '', 'xcover stop'),
  'xcover/wait': XCOVER('wait', '  wait-timeout: {default: "60"}\n', 'xcover wait --timeout "\${{inputs.wait-timeout}}s"'),
};
