// Stops a server cleanly on SIGINT/SIGTERM: in-flight requests finish and the
// database closes before the process exits.
export function onShutdown(close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    close()
      .catch((err: unknown) => console.error(`error while stopping on ${signal}:`, (err as Error).message))
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
