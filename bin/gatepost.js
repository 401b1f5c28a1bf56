#!/usr/bin/env node
// The `gatepost` command. TypeScript runs directly through tsx, so a fresh
// `npm install` is all it takes: there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
