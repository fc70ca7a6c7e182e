import { isWarpdriveError } from '@warpdrive/core';
import { UsageError, type CommandIo } from './command.js';
import { commands } from './commands/index.js';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Usage: warpdrive <command> [options]

warpdrive drives accelerator queues from Node.js (uacce devices or the
in-process soft device).

Commands:
${list}

Run 'warpdrive <command> --help' for a command's options.`;
}

/**
 * Runs the CLI with `argv` (without node and script path).
 * Resolves to the exit code: 0 success, 1 operation failed, 2 usage error.
 */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout.write(`${help()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`warpdrive: unknown command '${name}'\n\n${help()}\n`);
    return 2;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`warpdrive ${command.name}: ${err.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (isWarpdriveError(err)) {
      io.stderr.write(`warpdrive ${command.name}: ${err.message} [${err.code}]\n`);
      return 1;
    }
    // A system call that failed on a path the user named (an output that is
    // a directory, a disk that filled up): one line, not a stack trace.
    const sys = err as NodeJS.ErrnoException;
    if (sys instanceof Error && typeof sys.code === 'string' && typeof sys.syscall === 'string') {
      io.stderr.write(`warpdrive ${command.name}: ${sys.message} [${sys.code}]\n`);
      return 1;
    }
    throw err;
  }
}
