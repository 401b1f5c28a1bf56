#!/usr/bin/env -S node --max-semi-space-size=64
// The `gatepost` command. TypeScript runs directly through tsx, so a fresh
// `npm install` is all it takes: there is no build step to forget.
// The flag above: a server's young generation may grow to 64 MB semi-spaces
// (Node's default stops at 16). Each scavenge copies every request still in
// flight (64 relayed scans waiting on their provider: ~9 ms a scavenge here),
// so fewer scavenges are most of a relay's GC time saved: 18–34 µs of GC per
// scan fell to 7–8 µs. It only grows under load; an idle process stays small.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
