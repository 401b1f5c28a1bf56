// The screen's end of the bridge. In Electron the preload has put the bridge on
// window (contextBridge); in a browser it is a WebSocket to the web-kiosk shell,
// reconnecting by itself if the connection drops. The shell lets a WebSocket in
// only with the secret of its launch, from this page's #k= fragment (a shell
// started again makes a new one: open the URL it prints). Either way the rest
// of the screen sees one StationBridge, typed by the shared contract.
import {
  ELECTRON_BRIDGE_KEY,
  WEB_BRIDGE_PATH,
  WEB_BRIDGE_PROTOCOL,
  WEB_KEY_PARAM,
  WEB_KEY_PROTOCOL_PREFIX,
  type CommandChannel,
  type EventChannel,
  type EventPayload,
  type StationBridge,
  type WebEventFrame,
  type WebReplyFrame,
} from '../../main/bridge/contract.js';

export interface ScreenBridge extends StationBridge {
  /** whether the core is reachable; the Electron bridge always is */
  onConnection(listener: (connected: boolean) => void): () => void;
}

type Listener = (payload: unknown) => void;

export function createBridge(): ScreenBridge {
  const electron = (window as unknown as Record<string, StationBridge | undefined>)[ELECTRON_BRIDGE_KEY];
  if (electron) {
    return {
      invoke: ((channel: CommandChannel, ...arg: unknown[]) => (electron.invoke as (c: CommandChannel, ...a: unknown[]) => Promise<unknown>)(channel, ...arg)) as StationBridge['invoke'],
      on: (event, listener) => electron.on(event, listener),
      onConnection: (listener) => {
        listener(true);
        return () => undefined;
      },
    };
  }
  return new WebSocketBridge();
}

class WebSocketBridge implements ScreenBridge {
  private socket: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<EventChannel, Set<Listener>>();
  private readonly connectionListeners = new Set<(c: boolean) => void>();
  private connected = false;
  private opened: Promise<void>;
  private markOpen: () => void = () => undefined;
  private retryMs = 250;

  constructor() {
    this.opened = new Promise((r) => (this.markOpen = r));
    this.connect();
  }

  invoke = (async (channel: CommandChannel, arg?: unknown): Promise<unknown> => {
    await this.opened;
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) throw new Error('the station is not connected');
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, channel, arg }));
    });
  }) as StationBridge['invoke'];

  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  onConnection(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener);
    listener(this.connected);
    return () => this.connectionListeners.delete(listener);
  }

  private connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const key = new URLSearchParams(location.hash.slice(1)).get(WEB_KEY_PARAM) ?? '';
    const protocols = /^[A-Za-z0-9_-]{1,200}$/.test(key) ? [WEB_BRIDGE_PROTOCOL, WEB_KEY_PROTOCOL_PREFIX + key] : [WEB_BRIDGE_PROTOCOL];
    const socket = new WebSocket(`${scheme}://${location.host}${WEB_BRIDGE_PATH}`, protocols);
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = 250;
      this.setConnected(true);
      this.markOpen();
    };
    socket.onmessage = (message) => this.receive(String(message.data));
    socket.onclose = () => {
      for (const p of this.pending.values()) p.reject(new Error('the station connection closed'));
      this.pending.clear();
      if (this.connected) this.opened = new Promise((r) => (this.markOpen = r));
      this.setConnected(false);
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 4000);
    };
  }

  private receive(text: string): void {
    let frame: WebReplyFrame | WebEventFrame;
    try {
      frame = JSON.parse(text) as WebReplyFrame | WebEventFrame;
    } catch {
      return;
    }
    if ('event' in frame) {
      for (const l of this.listeners.get(frame.event) ?? []) l(frame.payload);
      return;
    }
    const p = this.pending.get(frame.id);
    if (!p) return;
    this.pending.delete(frame.id);
    if (frame.ok) p.resolve(frame.value);
    else p.reject(new Error(frame.error));
  }

  private setConnected(c: boolean): void {
    if (c === this.connected) return;
    this.connected = c;
    for (const l of this.connectionListeners) l(c);
  }
}
