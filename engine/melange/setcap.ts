/**
 * `setcap:` of a package or subpackage: file capabilities melange sets after
 * the pipeline, written as the `security.capability` extended attribute of
 * the file in the package's data tar (PAX `SCHILY.xattr.security.capability`),
 * which image builds keep. The value is the kernel's `vfs_cap_data` at
 * revision 3 (root id 0), as melange encodes it; melange accepts only the
 * capabilities below, each with a reason.
 */
import type { FileCapability } from './model';

/** The capabilities melange allows in `setcap:`, with their bit numbers. */
export const SETCAP_CAPABILITIES: Readonly<Record<string, number>> = {
  cap_net_bind_service: 10,
  cap_net_admin: 12,
  cap_net_raw: 13,
  cap_ipc_lock: 14,
  cap_sys_admin: 21,
};

/** The extended attribute's name. */
export const CAPABILITY_XATTR = 'security.capability';

/** What is wrong with one entry, as `[path within the entry, detail]` pairs (empty when it is valid). */
export function setcapProblems(c: FileCapability): [string, string][] {
  const out: [string, string][] = [];
  for (const names of Object.keys(c.add)) {
    for (const name of names.split(',')) {
      if (!(name in SETCAP_CAPABILITIES)) out.push([`add.${names}`, `"${name}" is not a capability setcap: accepts (${Object.keys(SETCAP_CAPABILITIES).join(', ')})`]);
    }
  }
  if (c.reason.trim() === '') out.push(['reason', `the capabilities of ${c.path} need a reason`]);
  if (c.path.trim() === '') out.push(['path', 'setcap: needs the path of the file']);
  return out;
}

/** vfs_cap_data revision 3: magic (with the effective flag), permitted, inheritable, two zero words, root id 0. */
function encode(effective: number, permitted: number, inheritable: number): Buffer {
  const data = Buffer.alloc(24);
  data.writeUInt32LE((0x03000000 | (effective !== 0 ? 1 : 0)) >>> 0, 0);
  data.writeUInt32LE(permitted >>> 0, 4);
  data.writeUInt32LE(inheritable >>> 0, 8);
  return data;
}

/** The `security.capability` value for each path (relative, as in the package), one byte per character. */
export function capabilityXattrs(setcap: readonly FileCapability[]): Map<string, string> {
  const bits = new Map<string, { e: number; p: number; i: number }>();
  for (const c of setcap) {
    const path = c.path.replace(/^\/+/, '');
    const b = bits.get(path) ?? { e: 0, p: 0, i: 0 };
    for (const [names, flags] of Object.entries(c.add)) {
      for (const name of names.split(',')) {
        const bit = SETCAP_CAPABILITIES[name];
        if (bit === undefined) continue;
        const v = 1 << bit;
        if (flags.includes('e')) b.e |= v;
        if (flags.includes('p')) b.p |= v;
        if (flags.includes('i')) b.i |= v;
      }
    }
    bits.set(path, b);
  }
  return new Map([...bits].map(([path, b]) => [path, encode(b.e, b.p, b.i).toString('latin1')]));
}
