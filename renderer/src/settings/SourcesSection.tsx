// Scanners: the keyboard wedge on or off, serial guns picked from the ports the
// system lists, HID POS guns from the known scanner vendors, and the camera.
import { useEffect, useState } from 'react';
import type { DeviceLists } from '../../../main/bridge/contract.js';
import type { ScreenBridge } from '../bridge-client.js';
import { Field, type SectionProps } from './Field.js';

const BAUDS = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];
const FRAMINGS = ['cr', 'lf', 'crlf', 'stx-etx', 'timeout:50'];

export function SourcesSection({ draft, change, errorFor, s, bridge }: SectionProps & { bridge: ScreenBridge }) {
  const [devices, setDevices] = useState<DeviceLists>({ serial: [], hid: [], problems: [] });
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const refresh = () => {
    void bridge.invoke('devices:list').then(setDevices, (err: Error) => setDevices({ serial: [], hid: [], problems: [err.message] }));
    void navigator.mediaDevices
      ?.enumerateDevices()
      .then((all) => setCameras(all.filter((d) => d.kind === 'videoinput')))
      .catch(() => setCameras([]));
  };
  useEffect(refresh, [bridge]);

  const serialPaths = (current: string) => [...new Set([...devices.serial.map((p) => p.path), ...(current ? [current] : [])])];
  const setSerial = (i: number, patch: Partial<(typeof draft.serial)[number]>) =>
    change({ serial: draft.serial.map((x, j) => (j === i ? { ...x, ...patch } : x)) });

  return (
    <fieldset className="section">
      <legend>{s('sources')}</legend>
      <label className="toggle">
        <input type="checkbox" data-testid="wedge-enabled" checked={draft.wedge.enabled} onChange={(e) => change({ wedge: { ...draft.wedge, enabled: e.target.checked } })} />
        {s('wedge')}
      </label>

      <h3>{s('serial')}</h3>
      {draft.serial.map((src, i) => (
        <div className="row" key={i} data-testid={`serial-${i}`}>
          <Field label={s('port')} error={errorFor(`serial.${i}`)}>
            <input list={`serial-ports-${i}`} value={src.path} onChange={(e) => setSerial(i, { path: e.target.value })} data-testid={`serial-path-${i}`} />
            <datalist id={`serial-ports-${i}`}>
              {serialPaths(src.path).map((p) => (
                <option key={p} value={p}>
                  {devices.serial.find((d) => d.path === p)?.label ?? p}
                </option>
              ))}
            </datalist>
          </Field>
          <Field label={s('baud')}>
            <select value={src.baudRate} onChange={(e) => setSerial(i, { baudRate: Number(e.target.value) })}>
              {BAUDS.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </Field>
          <Field label={s('framing')}>
            <select value={src.framing} onChange={(e) => setSerial(i, { framing: e.target.value })}>
              {[...new Set([...FRAMINGS, src.framing])].map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          </Field>
          <button type="button" className="button button-small" onClick={() => change({ serial: draft.serial.filter((_, j) => j !== i) })}>
            {s('remove')}
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button button-small"
        data-testid="add-serial"
        onClick={() => change({ serial: [...draft.serial, { path: devices.serial[0]?.path ?? '', baudRate: 9600, framing: 'cr' }] })}
      >
        {s('addSerial')}
      </button>

      <h3>{s('hid')}</h3>
      {draft.hid.map((h, i) => (
        <div className="row" key={i}>
          <Field label={s('device')} error={errorFor(`hid.${i}`)}>
            <input list="hid-devices" value={h.device} onChange={(e) => change({ hid: draft.hid.map((x, j) => (j === i ? { device: e.target.value } : x)) })} />
          </Field>
          <button type="button" className="button button-small" onClick={() => change({ hid: draft.hid.filter((_, j) => j !== i) })}>
            {s('remove')}
          </button>
        </div>
      ))}
      <datalist id="hid-devices">
        {devices.hid.map((d) => (
          <option key={`${d.id}:${d.path ?? ''}`} value={d.id}>
            {d.label}
          </option>
        ))}
      </datalist>
      <button type="button" className="button button-small" onClick={() => change({ hid: [...draft.hid, { device: devices.hid[0]?.id ?? '' }] })}>
        {s('addHid')}
      </button>

      <h3>{s('camera')}</h3>
      <label className="toggle">
        <input type="checkbox" data-testid="camera-enabled" checked={draft.camera.enabled} onChange={(e) => change({ camera: { ...draft.camera, enabled: e.target.checked } })} />
        {s('camera')}
      </label>
      <Field label={s('cameraDevice')}>
        <select value={draft.camera.deviceId ?? ''} onChange={(e) => change({ camera: { ...draft.camera, deviceId: e.target.value || null } })}>
          <option value="">{s('defaultCamera')}</option>
          {cameras.map((c, i) => (
            <option key={c.deviceId || i} value={c.deviceId}>
              {c.label || `${s('camera')} ${i + 1}`}
            </option>
          ))}
        </select>
      </Field>
      <button type="button" className="button button-small" onClick={refresh}>
        {s('refresh')}
      </button>
      {devices.problems.map((p) => (
        <p key={p} className="hint">
          {s('devicesProblem', { p })}
        </p>
      ))}
    </fieldset>
  );
}
