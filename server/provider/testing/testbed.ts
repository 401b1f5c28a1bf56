// Test support: a real `gatepost provider --demo` process for a
// `describe.each(BACKENDS)` block, on a fresh SQLite folder or PostgreSQL
// database, and a client that signs its requests as the booking server does;
// started before the block's tests and stopped after them. A block whose
// backend is not reachable starts nothing.
import { afterAll, beforeAll } from 'vitest';
import { startGatepost, type RunningCommand } from '../../../testing/processes.js';
import { signedClient } from '../../common/testing/signed-client.js';
import { testStorage, type Backend, type TestStorage } from '../../common/testing/storage.js';

export interface ProviderTestbed {
  store: TestStorage;
  server: RunningCommand;
  api: ReturnType<typeof signedClient>;
}

/** `name` names the folder and the database; `secret` is the booking secret the client signs with. */
export function providerTestbed(each: { backend: Backend; run: boolean }, name: string, secret: string): ProviderTestbed {
  const bed: Partial<ProviderTestbed> = {};
  beforeAll(async () => {
    if (!each.run) return;
    bed.store = await testStorage(each.backend, name);
    bed.server = await startGatepost(['provider', '--port', '0', '--data', bed.store.dir, '--booking-secret', secret, '--demo'], { DATABASE_URL: bed.store.databaseUrl ?? '' });
    bed.api = signedClient(bed.server.url, secret);
  });
  afterAll(async () => {
    await bed.server?.stop();
    await bed.store?.remove();
  });
  return bed as ProviderTestbed;
}
