/**
 * `melange version`: the fields melange prints (sigs.k8s.io/release-utils
 * version.Info), in its order and spelling, so scripts that read
 * `GitVersion:` or `.gitVersion` read ours. Go facts have Node equivalents:
 * the runtime's version in place of `goVersion`, Node's platform in Go's
 * spelling (`linux/amd64`).
 */
import { hostArch } from '../arch';
import { toolVersion } from '../tool-version';

/** One field: its JSON key and its text label. */
interface VersionField {
  readonly key: string;
  readonly label: string;
  readonly value: string;
}

/** The fields, in melange's order. */
export function versionFields(): readonly VersionField[] {
  return [
    { key: 'gitVersion', label: 'GitVersion', value: `v${toolVersion()}` },
    { key: 'gitCommit', label: 'GitCommit', value: 'unknown' },
    { key: 'gitTreeState', label: 'GitTreeState', value: 'unknown' },
    { key: 'buildDate', label: 'BuildDate', value: 'unknown' },
    { key: 'nodeVersion', label: 'NodeVersion', value: process.version },
    { key: 'platform', label: 'Platform', value: `${process.platform}/${hostArch().oci}` },
  ];
}

/** The text form: a name line, a blank line, then `Label:` padded to melange's column. */
export function versionText(): string {
  return ['apko-nx melange', '', ...versionFields().map((f) => `${`${f.label}:`.padEnd(15)}${f.value}`), ''].join('\n');
}

/** The `--json` form, indented as melange indents it. */
export function versionJson(): string {
  return JSON.stringify(Object.fromEntries(versionFields().map((f) => [f.key, f.value])), null, 2);
}
