/**
 * The C/C++ build systems: `autoconf/*` (configure with melange's standard
 * directories and triplets, make, make install into the package then drop
 * libtool `.la` files), `cmake/*` (Ninja, Release, prefix /usr, libdir lib)
 * and `meson/*` (prefix /usr, no wrap downloads). Inputs as melange's.
 */

/** The build systems by name. */
export const BUILD_SYSTEM_PIPELINES: Readonly<Record<string, string>> = {
  'autoconf/configure': `name: Run ./configure
needs:
  packages: [autoconf, automake, libtool]
inputs:
  dir: {default: .}
  host: {default: "\${{host.triplet.gnu}}"}
  build: {default: "\${{host.triplet.gnu}}"}
  opts: {default: ""}
pipeline:
  - runs: |
      cd "\${{inputs.dir}}"
      [ -x ./configure ] || { echo "autoconf/configure: no executable ./configure in \${{inputs.dir}} (run autoreconf first)" >&2; exit 1; }
      ./configure --host="\${{inputs.host}}" --build="\${{inputs.build}}" \\
        --prefix=/usr --sysconfdir=/etc --libdir=/usr/lib --mandir=/usr/share/man \\
        --infodir=/usr/share/info --localstatedir=/var \${{inputs.opts}}
`,
  'autoconf/make': `name: Run make
needs:
  packages: [make]
inputs:
  dir: {default: .}
  opts: {default: ""}
  targets: {default: ""}
pipeline:
  - runs: make -C "\${{inputs.dir}}" -j"$(nproc)" \${{inputs.targets}} V=1 \${{inputs.opts}}
`,
  'autoconf/make-install': `name: Run make install
needs:
  packages: [make]
inputs:
  dir: {default: .}
  opts: {default: ""}
  targets: {default: install}
pipeline:
  - runs: make -C "\${{inputs.dir}}" \${{inputs.targets}} DESTDIR="\${{targets.contextdir}}" V=1 \${{inputs.opts}}
  - runs: find "\${{targets.contextdir}}" -name '*.la' -print -exec rm {} +
`,
  'cmake/configure': `name: Configure with CMake
needs:
  packages: [cmake, ninja]
inputs:
  output-dir: {default: output}
  opts: {}
pipeline:
  - runs: |
      cmake -B "\${{inputs.output-dir}}" -G Ninja -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_LIBDIR=lib \\
        -DCMAKE_BUILD_TYPE=Release -DCMAKE_VERBOSE_MAKEFILE=ON \${{inputs.opts}}
`,
  'cmake/build': `name: Build with CMake
needs:
  packages: [cmake, ninja]
inputs:
  output-dir: {default: output}
  opts: {}
pipeline:
  - runs: cmake --build "\${{inputs.output-dir}}" -j "$(nproc)" \${{inputs.opts}}
`,
  'cmake/install': `name: Install with CMake
needs:
  packages: [cmake, ninja]
inputs:
  output-dir: {default: output}
pipeline:
  - runs: DESTDIR="\${{targets.contextdir}}" cmake --install "\${{inputs.output-dir}}"
`,
  'meson/configure': `name: Configure with Meson
needs:
  packages: [meson]
inputs:
  output-dir: {default: output}
  opts: {}
pipeline:
  - runs: meson setup . "\${{inputs.output-dir}}" --prefix=/usr --wrap-mode=nodownload \${{inputs.opts}}
`,
  'meson/compile': `name: Compile with Meson
needs:
  packages: [meson]
inputs:
  output-dir: {default: output}
pipeline:
  - runs: meson compile -j "$(nproc)" -C "\${{inputs.output-dir}}"
`,
  'meson/install': `name: Install with Meson
needs:
  packages: [meson]
inputs:
  output-dir: {default: output}
pipeline:
  - runs: DESTDIR="\${{targets.contextdir}}" meson install --no-rebuild -C "\${{inputs.output-dir}}"
`,
};
