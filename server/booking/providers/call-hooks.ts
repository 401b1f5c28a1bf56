// What a ProviderClient tells about each call it makes: the outcome and time
// of every call (metrics, and each provider's health: health.ts), failures
// worth an operator's attention, failovers between a provider's instances.
export type CallOutcome = 'ok' | 'refused' | 'unavailable';
/** Why a call got no usable answer: no answer in time, no connection, a 5xx, our signature refused, or an answer that is not the provider API. */
export interface ProviderFailure {
  reason: 'timeout' | 'unreachable' | 'server_error' | 'signature_refused' | 'bad_answer';
  detail: string;
}
export interface ClientHooks {
  /** one observation per call, for metrics and the provider's health (health.ts); `failure` with an `unavailable` outcome */
  observe?(op: string, outcome: CallOutcome, seconds: number, providerId: string, failure?: ProviderFailure): void;
  /** a call failed for a reason worth an operator's attention */
  warn?(providerId: string, op: string, detail: string): void;
  /** a call that failed on one instance was sent to another (failover) */
  failover?(op: string): void;
  /** an instance was taken out (up false) or answered again after being out (up true) */
  instance?(providerId: string, url: string, up: boolean): void;
}
