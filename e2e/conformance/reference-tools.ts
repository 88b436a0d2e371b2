/**
 * The real apko and melange the conformance suite compares against: pinned
 * in tools.json (the one place their versions live), found in the tools
 * directory when `<tool> version` reports the pin, otherwise built there from
 * the Go module proxy with `go install`.
 *
 * `go install chainguard.dev/apko@<version>` is not used directly: it reads
 * the module's version list to look for deprecation notices, and a proxy that
 * serves exact versions but refuses the list (as the one this project's
 * machines reach does: "reading …/@v/list: 403 Forbidden") fails the whole
 * install. So the exact version is downloaded (`go mod download`), and
 * `go install` runs inside it, with its own go.sum, stamping the version the
 * way apko's and melange's Makefiles do (`-X sigs.k8s.io/release-utils/version.gitVersion`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApkoError } from '../../engine/errors';

const run = promisify(execFile);

/** The tools the suite pins. */
export type ToolName = 'apko' | 'melange';

/** One pinned tool as tools.json states it. */
export interface ToolPin {
  readonly module: string;
  readonly version: string;
}

/** An installed binary whose `version` output matches its pin. */
export interface ReferenceTool extends ToolPin {
  readonly name: ToolName;
  readonly path: string;
}

/** A reference tool could not be found or built; the message carries go's own words. */
export class ReferenceToolError extends ApkoError {
  readonly tool: ToolName;
  constructor(tool: ToolName, message: string, opts: { hint?: string; cause?: unknown } = {}) {
    super('EREFTOOL', message, opts);
    this.tool = tool;
  }
}

export const TOOL_NAMES: readonly ToolName[] = ['apko', 'melange'];

const PINS_FILE = join(__dirname, 'tools.json');
const RELEASE_UTILS_VERSION = 'sigs.k8s.io/release-utils/version.gitVersion';
/** A cold build of apko on two cores takes about four minutes; melange about three. */
const INSTALL_TIMEOUT_MS = 30 * 60_000;

/** The pins of tools.json. */
export function toolPins(): Readonly<Record<ToolName, ToolPin>> {
  return JSON.parse(readFileSync(PINS_FILE, 'utf8')) as Record<ToolName, ToolPin>;
}

/** Where the binaries live: $APKO_NX_TOOLS_DIR, else ~/.cache/apko-nx-conformance/bin. */
export function toolsDir(): string {
  return process.env.APKO_NX_TOOLS_DIR || join(homedir(), '.cache', 'apko-nx-conformance', 'bin');
}

/** The version a binary reports (`GitVersion:` of release-utils), or undefined when it does not run. */
async function reportedVersion(path: string): Promise<string | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    const { stdout } = await run(path, ['version'], { timeout: 30_000 });
    return /GitVersion:\s+(\S+)/.exec(stdout)?.[1];
  } catch {
    return undefined;
  }
}

/** The installed tool when its version matches the pin, else undefined. */
export async function findReferenceTool(name: ToolName): Promise<ReferenceTool | undefined> {
  const pin = toolPins()[name];
  const path = join(toolsDir(), name);
  return (await reportedVersion(path)) === pin.version ? { name, ...pin, path } : undefined;
}

/** Runs go and returns stdout; a failure becomes a ReferenceToolError quoting go's stderr. */
async function go(name: ToolName, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  try {
    const { stdout } = await run('go', args, { cwd: opts.cwd, env: opts.env, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string; code?: string };
    // go's progress lines ("go: downloading …") bury the one line that says why; `go mod download -json` puts it in its JSON.
    const jsonError = /"Error":\s*("(?:[^"\\]|\\.)*")/.exec(e.stdout ?? '')?.[1];
    const stderr = (e.stderr ?? '').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('go: downloading ')).join('\n');
    const said = jsonError ? (JSON.parse(jsonError) as string) : stderr;
    const why = e.code === 'ENOENT' ? 'the go command is not on PATH' : said || e.message;
    throw new ReferenceToolError(name, `go ${args.join(' ')} failed: ${why}`, {
      hint: `the conformance suite needs ${name} ${toolPins()[name].version} from the Go module proxy; change the pin in e2e/conformance/tools.json to a version the proxy serves and the local Go builds`,
      cause: err,
    });
  }
}

/** The pinned module's source directory in Go's module cache (downloaded from the proxy when missing): its examples and testdata. */
export async function referenceSource(name: ToolName): Promise<string> {
  const pin = toolPins()[name];
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly' };
  const downloaded = JSON.parse(await go(name, ['mod', 'download', '-json', `${pin.module}@${pin.version}`], { env })) as { Dir?: string; Error?: string };
  if (!downloaded.Dir) throw new ReferenceToolError(name, `go mod download ${pin.module}@${pin.version} gave no directory: ${downloaded.Error ?? 'no error reported'}`);
  return downloaded.Dir;
}

/** Builds the pinned version into the tools directory (a no-op when it is already there). */
export async function installReferenceTool(name: ToolName): Promise<ReferenceTool> {
  const found = await findReferenceTool(name);
  if (found) return found;
  const pin = toolPins()[name];
  const env = { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly' };
  const dir = await referenceSource(name);
  mkdirSync(toolsDir(), { recursive: true });
  // Built into a private directory and renamed, so concurrent installers never see half a binary.
  const staging = mkdtempSync(join(toolsDir(), `.${name}-`));
  try {
    const ldflags = `-buildid= -X ${RELEASE_UTILS_VERSION}=${pin.version}`;
    await go(name, ['install', '-trimpath', '-ldflags', ldflags, '.'], { cwd: dir, env: { ...env, GOBIN: staging } });
    const built = join(staging, pin.module.split('/').pop()!);
    renameSync(built, join(toolsDir(), name));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const installed = await findReferenceTool(name);
  if (!installed) throw new ReferenceToolError(name, `${join(toolsDir(), name)} was built but does not report version ${pin.version}`);
  return installed;
}

/** Every pinned tool, installing what is missing, in order (one Go build at a time on a small machine). */
export async function installReferenceTools(): Promise<Record<ToolName, ReferenceTool>> {
  const out = {} as Record<ToolName, ReferenceTool>;
  for (const name of TOOL_NAMES) out[name] = await installReferenceTool(name);
  return out;
}
