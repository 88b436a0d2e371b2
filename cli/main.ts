/**
 * `apko-nx`: apko- and melange-compatible verbs over the engine. Global flags
 * (`--debug`, `-C/--workdir`, `--log-level`, `--help`) are read here; each verb
 * lives in cli/commands/<verb>.ts. Results go to stdout (only what apko prints
 * there), progress and notes to stderr, filtered by the log level.
 */
import { resolve } from 'node:path';
import { formatFlags, parseArgs, UsageError } from './args';
import type { Command, CommandIO } from './command';
import { commands } from './commands';
import { EXIT, exitCodeFor, reportError } from './report';
import { DEBUG_LEVEL, filterLog, parseLogLevel } from './log-level';

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'apko-nx: reproducible OCI images from APK packages (apko-compatible), and APK packages from melange.yaml',
    '',
    'Usage: apko-nx <command> [flags]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global flags: --debug (stack traces), -C/--workdir DIR, --log-level LEVEL (debug, info, warn, error; default info), --help',
  ].join('\n');
}

/** `apko-nx melange --help`: the verbs under one group word. */
function groupHelp(group: string): string {
  const members = commands.filter((c) => c.name.startsWith(`${group} `));
  const width = Math.max(...members.map((c) => c.name.length));
  return [
    `Usage: apko-nx ${group} <command> [flags]`,
    '',
    'Commands:',
    ...members.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Run apko-nx ${group} <command> --help for a command's flags.`,
  ].join('\n');
}

/** Whether `word` names a group of two-word verbs (`melange`). */
function isGroup(word: string | undefined): word is string {
  return word !== undefined && commands.some((c) => c.name.startsWith(`${word} `));
}

function commandHelp(c: Command): string {
  return [`Usage: apko-nx ${c.usage}`, '', c.summary, '', 'Flags:', formatFlags(c.flags)].join('\n');
}

/** Finds the verb: one word, or two for `melange <verb>`. */
function findCommand(argv: readonly string[]): { command?: Command; rest: string[] } {
  const two = argv.slice(0, 2).join(' ');
  const byTwo = commands.find((c) => c.name === two);
  if (byTwo) return { command: byTwo, rest: argv.slice(2) };
  const byOne = commands.find((c) => c.name === argv[0]);
  return { command: byOne, rest: argv.slice(1) };
}

/** Runs the CLI and returns its exit code. */
export async function main(argv: readonly string[], io?: Partial<CommandIO>): Promise<number> {
  const out = io?.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  // A caller that captures lines gets unterminated text as a line of its own.
  const write = io?.write ?? (io?.out ? io.out : (t: string) => process.stdout.write(t));
  const stderr = io?.err ?? ((l: string) => process.stderr.write(`${l}\n`));
  let cwd = io?.cwd ?? process.cwd();
  const env = io?.env ?? process.env;
  const args = [...argv];
  const debug = args.includes('--debug');
  const filtered: string[] = [];
  let levelText: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--debug') continue;
    if (a === '--log-level') {
      levelText = args[++i] ?? '';
      continue;
    }
    if (a.startsWith('--log-level=')) {
      levelText = a.slice('--log-level='.length);
      continue;
    }
    if (a === '-C' || a === '--workdir') {
      cwd = resolve(cwd, args[++i] ?? '.');
      continue;
    }
    if (a.startsWith('--workdir=')) {
      cwd = resolve(cwd, a.slice('--workdir='.length));
      continue;
    }
    filtered.push(a);
  }
  if (filtered.length === 0 || filtered[0] === '--help' || filtered[0] === 'help' || filtered[0] === '-h') {
    out(helpText());
    return filtered.length === 0 ? EXIT.usage : EXIT.ok;
  }
  let level: number;
  try {
    level = levelText === undefined ? 0 : parseLogLevel(levelText);
  } catch (e) {
    stderr(reportError(e, debug));
    return EXIT.usage;
  }
  // --verbose, where a verb has it, is debug; debug turns on a verb's --verbose output.
  const verbose = filtered.includes('--verbose') || filtered.includes('--verbose=true');
  if (verbose) level = Math.min(level, DEBUG_LEVEL);
  const err = filterLog(level, stderr);
  const { command, rest } = findCommand(filtered);
  if (!command && isGroup(filtered[0]) && (filtered.length === 1 || ['--help', '-h', 'help'].includes(filtered[1]!))) {
    out(groupHelp(filtered[0]));
    return filtered.length === 1 ? EXIT.usage : EXIT.ok;
  }
  if (!command && isGroup(filtered[0])) {
    stderr(reportError(new UsageError(`unknown command "${filtered.slice(0, 2).join(' ')}"`, `run apko-nx ${filtered[0]} --help to list its commands`), debug));
    return EXIT.usage;
  }
  if (!command) {
    stderr(reportError(new UsageError(`unknown command "${filtered[0]}"`, 'run apko-nx --help to list the commands'), debug));
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out(commandHelp(command));
    return EXIT.ok;
  }
  try {
    const parsed = parseArgs(rest, command.flags);
    if (level <= DEBUG_LEVEL && command.flags.verbose && parsed.flags.verbose === undefined) parsed.flags.verbose = true;
    const [min, max] = command.arity;
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new UsageError(
        `${command.name} takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, got ${parsed.positionals.length}`,
        `usage: apko-nx ${command.usage}`,
      );
    }
    return await command.run(parsed, { out, write, err, cwd, env });
  } catch (e) {
    // A failure is always said, whatever the level (apko's cobra prints it too).
    stderr(reportError(e, debug));
    return exitCodeFor(e);
  }
}
