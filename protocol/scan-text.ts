// What a gate can be shown, told apart by its text: a GP1 ticket, a GPS1 station
// setup QR, or a bare ticket code. No imports at all, so the renderer (a
// browser bundle) shares these with the station core and the servers.

/** A ticket payload: `GP1:` + base45 (DESIGN.md, "The ticket payload: GP1"). */
export const GP1_PREFIX = 'GP1:';
/** A station setup QR: `GPS1:` + base45 of the server URL and an enrollment code. */
export const SETUP_PREFIX = 'GPS1:';
/** A bare ticket code: 32 lowercase hex digits (a gate reads it case-insensitively: lower-case it first). */
export const BARE_CODE = /^[0-9a-f]{32}$/;
