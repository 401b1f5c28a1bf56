// A child process for the durable-file tests: writes one file through each of
// the station's writers (the plain functions, the config store, the journal and
// the history), each in a folder of its own, and after each write has returned
// creates a `returned` marker beside it, so a trace of its system calls shows
// what was on disk by the time the station would have gone on (shown ADMIT).
// Usage: run-ts main/testing/durable-writes.ts DIR [--umask-0]
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { writeJson, writeJsonSync } from '../../server-client/durable-file.js';
import { Journal } from '../../server-client/journal.js';
import { defaultConfig } from '../config/schema.js';
import { ConfigStore } from '../config/store.js';
import { History } from '../core/history.js';

type Writer = 'sync' | 'async' | 'config' | 'journal' | 'history';

function returned(dir: string): void {
  closeSync(openSync(join(dir, 'returned'), 'w'));
}

async function main(root: string): Promise<void> {
  const fail = (err: Error) => {
    throw err;
  };
  const at = (w: Writer) => join(root, w);

  writeJsonSync(join(at('sync'), 'sync.json'), { n: 1 });
  returned(at('sync'));

  await writeJson(join(at('async'), 'async.json'), { n: 2 });
  returned(at('async'));

  const saved = new ConfigStore(join(at('config'), 'config.json'), pino({ level: 'silent' })).replace(defaultConfig());
  if (!saved.ok) throw new Error(`config not saved: ${JSON.stringify(saved.errors)}`);
  returned(at('config'));

  await new Journal(join(at('journal'), 'journal.json'), fail).add({ scanId: 'scan-1', payload: 'GP1:x', code: 'c1', at: 1 });
  returned(at('journal'));

  const history = new History(at('history'), fail);
  history.record({ id: 'scan-1', result: 'admitted', offline: true, source: 'wedge', enteredAt: 0, holdMs: 0 }, 1);
  await history.flush();
  returned(at('history'));
}

const root = process.argv[2];
if (!root) throw new Error('usage: durable-writes.ts DIR [--umask-0]');
if (process.argv.includes('--umask-0')) process.umask(0);
await main(root);
