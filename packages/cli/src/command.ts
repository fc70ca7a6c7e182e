/** One sub-command of the `warpdrive` CLI. */
export interface Command {
  /** The word typed after `warpdrive`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full usage text printed by `warpdrive <name> --help`. */
  readonly usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: readonly string[], io: CommandIo): Promise<number>;
}

/** Where a command reads and writes: injectable for tests. */
export interface CommandIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** A usage mistake: reported with the usage line and exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
