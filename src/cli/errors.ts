/** An error the CLI prints as one line (`hlx <command>: <message>`) with this exit code, no stack. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
