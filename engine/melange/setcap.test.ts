import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasTool } from '../../e2e/support/env';
import { readLayoutView } from '../../e2e/conformance/layout-view';
import { generateKeyPair } from '../apk/keys';
import { buildImageFromConfig } from '../image/build';
import { normalizeBuildRequest } from '../image/request';
import { CAPABILITY_PAX } from '../rootfs/privileged-files';
import { loadMelangeConfig } from './load';
import { capabilityXattrs } from './setcap';
import { makeProject, melangeBuild, readPackage } from './testdata/project';

const key = generateKeyPair('melange', 2048);

const YAML = `package:
  name: pinger
  version: 1.0.0
  setcap:
    - path: /usr/bin/pinger
      add:
        cap_net_raw: "+ep"
        cap_net_admin,cap_net_bind_service: "+p"
      reason: sends raw ICMP
pipeline:
  - runs: |
      mkdir -p \${{targets.destdir}}/usr/bin
      printf '#!/bin/sh\\necho ping\\n' > \${{targets.destdir}}/usr/bin/pinger
      chmod 755 \${{targets.destdir}}/usr/bin/pinger
`;

/** vfs_cap_data revision 3 as the kernel reads it: magic|flags, permitted, inheritable, then zeros (root id 0). */
function decode(value: string): { magic: number; permitted: number; inheritable: number; length: number } {
  const b = Buffer.from(value, 'latin1');
  return { magic: b.readUInt32LE(0), permitted: b.readUInt32LE(4), inheritable: b.readUInt32LE(8), length: b.length };
}

describe('setcap', () => {
  it('encodes vfs_cap_data revision 3 with the effective flag, the permitted and inheritable bits', () => {
    const v = capabilityXattrs([{ path: '/usr/bin/x', add: { cap_net_raw: '+ep', 'cap_ipc_lock,cap_sys_admin': '+i' }, reason: 'r' }]).get('usr/bin/x')!;
    expect(decode(v)).toEqual({ magic: 0x03000001, permitted: 1 << 13, inheritable: (1 << 14) | (1 << 21), length: 24 });
    const noEffective = capabilityXattrs([{ path: 'usr/bin/y', add: { cap_net_admin: '+p' }, reason: 'r' }]).get('usr/bin/y')!;
    expect(decode(noEffective).magic).toBe(0x03000000);
  });

  it('refuses a capability melange does not allow and an entry without a reason, naming the file and the key', async () => {
    const bad = makeProject(YAML.replace('cap_net_raw: "+ep"', 'cap_chown: "+ep"'));
    await expect(loadMelangeConfig(bad.config)).rejects.toThrow(/package\.setcap\[0\]\.add\.cap_chown: "cap_chown" is not a capability setcap: accepts/);
    const unjustified = makeProject(YAML.replace('      reason: sends raw ICMP\n', ''));
    await expect(loadMelangeConfig(unjustified.config)).rejects.toThrow(/the capabilities of \/usr\/bin\/pinger need a reason/);
  });

  describe.skipIf(!hasTool('bwrap'))('in a build', () => {
    it('writes security.capability into the package, warns for a path the package lacks, and the image keeps it', async () => {
      const p = makeProject(YAML.replace('      reason: sends raw ICMP\n', '      reason: sends raw ICMP\n    - path: /usr/bin/missing\n      add: { cap_net_raw: "+ep" }\n      reason: gone\n'));
      const r = await melangeBuild({ configPath: p.config, outDir: p.outDir, archs: 'x86_64', signingKey: { privateKeyPem: key.privateKeyPem, keyName: 'melange.rsa' }, log: p.log });
      const entry = readPackage(r.packages[0]!.path).dataEntries.find((e) => e.name === 'usr/bin/pinger')!;
      const cap = decode(entry.pax[CAPABILITY_PAX]!);
      expect(cap).toEqual({ magic: 0x03000001, permitted: (1 << 13) | (1 << 12) | (1 << 10), inheritable: 0, length: 24 });
      expect(p.logs).toContain('warning: pinger: setcap: /usr/bin/missing is not in the package; its capabilities are not set');

      writeFileSync(join(p.dir, 'melange.rsa.pub'), key.publicKeyPem);
      writeFileSync(join(p.dir, 'apko.yaml'), 'contents:\n  repositories: [./packages]\n  keyring: [./melange.rsa.pub]\n  packages: [pinger]\narchs: [x86_64]\n');
      const out = join(p.dir, 'image');
      mkdirSync(out);
      await buildImageFromConfig(normalizeBuildRequest({ config: join(p.dir, 'apko.yaml'), tag: 'pinger:1', output: out, cacheDir: join(p.dir, 'cache'), cwd: p.dir, env: {} }));
      const layer = readLayoutView(out).images[0]!.layers[0]!;
      const inImage = layer.entries.find((e) => e.name === 'usr/bin/pinger')!;
      expect(inImage.pax[CAPABILITY_PAX]).toBe(entry.pax[CAPABILITY_PAX]);
    });
  });
});
