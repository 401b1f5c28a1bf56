// Test support: a booking server in this process for a `describe.each(BACKENDS)`
// block, on a fresh SQLite folder or PostgreSQL database, beside the provider
// the tests need (the fake one, or a real `gatepost provider --demo` process),
// started before the block's tests and stopped after them. A block whose
// backend is not reachable starts nothing.
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startGatepost, type RunningCommand } from '../../../testing/processes.js';
import { testStorage, type Backend, type TestStorage } from '../../common/testing/storage.js';
import type { ChargeRequest, PaymentGateways, RefundRequest } from '../ordering/payments.js';
import type { BookingOptions, RunningBooking } from '../server.js';
import { startFakeProvider, type FakeProvider } from './fake-provider.js';
import { bookingClient, type BookingClient } from './http.js';
import { startTestBooking } from './setup.js';

export interface Testbed {
  store: TestStorage;
  booking: RunningBooking;
  api: BookingClient;
  /** with `provider: 'fake'` */
  fake: FakeProvider;
  /** with `provider: 'demo'`: its data is in the store's `provider` folder */
  provider: RunningCommand;
  /** The demo provider's process stopped: a provider that is down. */
  stopProvider(): Promise<void>;
  /** The demo provider started again, on the same port and data. */
  startProvider(): Promise<void>;
}

export interface TestbedOptions {
  /** names the folder and the database */
  name: string;
  adminToken: string;
  /** the provider's shared secret, and which provider */
  provider?: { secret: string; kind: 'fake' | 'demo' };
  /** the rest of the booking server's options; its data is in the store's `booking` folder */
  booking?: Omit<BookingOptions, 'port' | 'dataDir' | 'databaseUrl' | 'adminToken'>;
}

export function bookingTestbed(each: { backend: Backend; run: boolean }, options: TestbedOptions): Testbed {
  const secret = options.provider?.secret ?? '';
  const demoProvider = (dir: string, port = '0') =>
    startGatepost(['provider', '--port', port, '--data', join(dir, 'provider'), '--booking-secret', secret, '--demo'], { DATABASE_URL: '' });
  const bed: Partial<Testbed> = {
    async stopProvider() {
      await bed.provider!.stop();
    },
    async startProvider() {
      bed.provider = await demoProvider(bed.store!.dir, new URL(bed.provider!.url).port);
    },
  };
  beforeAll(async () => {
    if (!each.run) return;
    const store = await testStorage(each.backend, options.name);
    bed.store = store;
    if (options.provider?.kind === 'fake') bed.fake = await startFakeProvider(secret);
    if (options.provider?.kind === 'demo') bed.provider = await demoProvider(store.dir);
    bed.booking = await startTestBooking({ dataDir: join(store.dir, 'booking'), databaseUrl: store.databaseUrl, adminToken: options.adminToken, ...options.booking });
    bed.api = bookingClient(bed.booking.url);
  }, 180_000);
  afterAll(async () => {
    await bed.booking?.close();
    await bed.fake?.close();
    await bed.provider?.stop();
    await bed.store?.remove();
  });
  return bed as Testbed;
}

export interface RecordingGateway {
  /** `demo` charges and refunds, recording both; `declining` turns every charge down; `closed-card` charges and refuses every refund */
  payments: PaymentGateways;
  charges: ChargeRequest[];
  refunds: RefundRequest[];
  /** how many refunds to fail (gateway unreachable) before the next one is taken */
  unreachableRefunds: number;
  /** The next refund waits, once it has reached the gateway, until released. */
  holdNextRefund(): { reached: Promise<void>; release(): void };
}

export function recordingGateway(): RecordingGateway {
  let hold: { reached(): void; released: Promise<void> } | undefined;
  const gateway: RecordingGateway = {
    charges: [],
    refunds: [],
    unreachableRefunds: 0,
    holdNextRefund() {
      let release!: () => void;
      let reachedNow!: () => void;
      const reached = new Promise<void>((resolve) => (reachedNow = resolve));
      hold = { reached: () => reachedNow(), released: new Promise<void>((resolve) => (release = resolve)) };
      return { reached, release: () => release() };
    },
    payments: {
      demo: {
        charge: async (req) => {
          gateway.charges.push(req);
          return { ok: true, reference: `charge_${req.orderId}` };
        },
        refund: async (req) => {
          if (gateway.unreachableRefunds > 0) {
            gateway.unreachableRefunds--;
            throw new Error('gateway unreachable');
          }
          const held = hold;
          hold = undefined;
          if (held) {
            held.reached();
            await held.released;
          }
          gateway.refunds.push(req);
          return { reference: `refund_${req.refundId}` };
        },
      },
      declining: { charge: async () => ({ ok: false, reason: 'insufficient funds' }), refund: async () => ({ reference: null }) },
      // Paid, but every refund refused: a card closed since.
      'closed-card': {
        charge: async (req) => ({ ok: true, reference: `charge_${req.orderId}` }),
        refund: async () => {
          throw new Error('the card was closed');
        },
      },
    },
  };
  return gateway;
}
