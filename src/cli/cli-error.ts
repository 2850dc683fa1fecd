/**
 * A command's expected failure: a message for the operator (no stack trace) and the exit code,
 * from sysexits.h where one fits (64 usage, 65 bad input data, 73 cannot create, 78 config).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const EXIT = { usage: 64, dataError: 65, refused: 73, tempFail: 75, config: 78 } as const;
