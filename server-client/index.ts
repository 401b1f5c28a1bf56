// The station's client of the booking server: what the station core imports.
export { BookingClient, ServerRefused, ServerUnavailable, type ScanOutcome, type AnnulOutcome, type EnrollOutcome, type BookingClientOptions } from './http.js';
export { ScanVerifier, type LogLike, type VerifierOptions, type VerifierSettings } from './verifier.js';
export { Journal, type JournalEntry } from './journal.js';
export { OfflineCache } from './offline-cache.js';
export { ServerClock } from './server-clock.js';
export { decideOffline, type OfflineDecision } from './offline-check.js';
export type { Decision } from './decision.js';
