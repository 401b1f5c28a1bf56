// A small typed emitter shared by every source and relay. node:events does not
// bundle well for the renderer, and the camera source must run in the browser.
// Unlike node:events, a throwing listener cannot break the driver that emits:
// the error is reported the way the platform reports listener errors.

type Listener<A extends unknown[]> = (...args: A) => void;

export interface Emitter<E extends { [K in keyof E]: unknown[] }> {
  on<K extends keyof E>(event: K, listener: Listener<E[K]>): this;
  off<K extends keyof E>(event: K, listener: Listener<E[K]>): this;
  once<K extends keyof E>(event: K, listener: Listener<E[K]>): this;
}

export class TypedEmitter<E extends { [K in keyof E]: unknown[] }> implements Emitter<E> {
  private readonly listeners = new Map<keyof E, Listener<never[]>[]>();

  on<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    const list = this.listeners.get(event) ?? [];
    list.push(listener as unknown as Listener<never[]>);
    this.listeners.set(event, list);
    return this;
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    const list = this.listeners.get(event);
    if (!list) return this;
    const i = list.findIndex((l) => l === (listener as unknown) || (l as { inner?: unknown }).inner === listener);
    if (i >= 0) list.splice(i, 1);
    return this;
  }

  once<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    const wrapper = ((...args: E[K]) => {
      this.off(event, wrapper);
      listener(...args);
    }) as Listener<E[K]> & { inner?: unknown };
    wrapper.inner = listener;
    return this.on(event, wrapper);
  }

  listenerCount(event: keyof E): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  protected emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const list = this.listeners.get(event);
    if (!list) return;
    for (const l of [...list]) {
      try {
        (l as unknown as Listener<E[K]>)(...args);
      } catch (err) {
        reportListenerError(err);
      }
    }
  }
}

function reportListenerError(err: unknown): void {
  const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
  if (report) report(err);
  else
    queueMicrotask(() => {
      throw err;
    });
}
