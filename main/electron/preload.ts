// The Electron preload: puts the typed bridge on window through contextBridge
// and nothing else. Only the contract's channels pass; the page never sees
// ipcRenderer. Bundled to one CommonJS file: a sandboxed preload cannot import.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  ELECTRON_BRIDGE_KEY,
  ELECTRON_EVENT_CHANNEL,
  electronCommandChannel,
  isCommandChannel,
  isEventChannel,
  type EventChannel,
  type StationBridge,
} from '../bridge/contract.js';

const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();

ipcRenderer.on(ELECTRON_EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (!isEventChannel(name)) return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const bridge: StationBridge = {
  invoke: ((channel: unknown, arg?: unknown): Promise<unknown> => {
    if (!isCommandChannel(channel)) return Promise.reject(new Error('unknown command'));
    return ipcRenderer.invoke(electronCommandChannel(channel), arg) as Promise<unknown>;
  }) as StationBridge['invoke'],
  on: (event, listener) => {
    if (!isEventChannel(event)) throw new Error('unknown event');
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    const l = listener as (payload: unknown) => void;
    set.add(l);
    return () => void set.delete(l);
  },
};

contextBridge.exposeInMainWorld(ELECTRON_BRIDGE_KEY, bridge);
