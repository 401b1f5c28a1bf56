// A server that cannot start for a reason its operator must fix (a missing or
// wrong key file, a flag naming nothing): the command prints the message as
// one line, with no stack trace, and exits 2.
export class StartError extends Error {
  readonly code = 'E_START';
}
