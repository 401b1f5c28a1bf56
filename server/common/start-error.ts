// A server that cannot start as things are: the command prints the message as
// one line, with no stack trace. `E_USAGE`, exit 2: for its operator to fix (a
// missing or wrong key file, a flag naming nothing, another server's
// database). `E_START`, exit 1: what may pass on its own (the database out of
// reach), for a supervisor to try again.
export class StartError extends Error {
  constructor(
    message: string,
    readonly code: 'E_USAGE' | 'E_START' = 'E_USAGE',
  ) {
    super(message);
  }
}
