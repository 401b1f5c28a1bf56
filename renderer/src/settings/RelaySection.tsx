// The turnstile relay: which board, on which port, and how long a pulse lasts.
import type { RelaySetting } from '../../../main/bridge/contract.js';
import { Field, type SectionProps } from './Field.js';

function switchKind(kind: RelaySetting['kind'], current: RelaySetting): RelaySetting {
  const pulseMs = current.pulseMs;
  const path = 'path' in current ? current.path : '';
  switch (kind) {
    case 'none':
      return { kind, pulseMs };
    case 'lcus':
      return { kind, path, channel: 1, baudRate: 9600, pulseMs };
    case 'serial-command':
      return { kind, path, baudRate: 9600, on: 'A0 01 01 A2', off: 'A0 01 00 A1', pulseMs };
    case 'dcttech':
      return { kind, channel: 1, pulseMs };
  }
}

export function RelaySection({ draft, change, errorFor, s }: SectionProps) {
  const relay = draft.relay;
  const set = (patch: Partial<RelaySetting>) => change({ relay: { ...relay, ...patch } as RelaySetting });
  return (
    <fieldset className="section">
      <legend>{s('relay')}</legend>
      <Field label={s('relayKind')} error={errorFor('relay')}>
        <select data-testid="relay-kind" value={relay.kind} onChange={(e) => change({ relay: switchKind(e.target.value as RelaySetting['kind'], relay) })}>
          <option value="none">{s('relayNone')}</option>
          <option value="lcus">{s('relayLcus')}</option>
          <option value="serial-command">{s('relayCommand')}</option>
          <option value="dcttech">{s('relayDct')}</option>
        </select>
      </Field>
      {'path' in relay && (
        <Field label={s('port')} error={errorFor('relay.path')}>
          <input data-testid="relay-path" value={relay.path} onChange={(e) => set({ path: e.target.value })} />
        </Field>
      )}
      {'channel' in relay && (
        <Field label={s('channel')} error={errorFor('relay.channel')}>
          <input type="number" min={1} max={8} value={relay.channel} onChange={(e) => set({ channel: Number(e.target.value) })} />
        </Field>
      )}
      {relay.kind === 'serial-command' && (
        <>
          <Field label={s('onCommand')} error={errorFor('relay.on')}>
            <input value={relay.on} onChange={(e) => set({ on: e.target.value })} />
          </Field>
          <Field label={s('offCommand')} error={errorFor('relay.off')}>
            <input value={relay.off} onChange={(e) => set({ off: e.target.value })} />
          </Field>
        </>
      )}
      <Field label={s('pulse')} error={errorFor('relay.pulseMs')}>
        <input type="number" min={50} max={10000} step={50} value={relay.pulseMs} onChange={(e) => set({ pulseMs: Number(e.target.value) })} />
      </Field>
    </fieldset>
  );
}
