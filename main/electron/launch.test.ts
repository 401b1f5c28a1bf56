// Finding the Electron binary from `gatepost station` and `gatepost demo`: the
// `electron` package's own index.js downloads a missing binary when required,
// which on a gate PC without internet would stall every start. These tests use a
// stand-in `electron` package in a temporary folder whose index.js leaves a mark
// if anything requires it.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { electronBinary } from './launch.js';

let root: string;
let pkg: string;
let from: string;
const required = () => existsSync(join(root, 'index-was-required'));

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gatepost-electron-'));
  pkg = join(root, 'node_modules', 'electron');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'electron', main: 'index.js' }));
  writeFileSync(join(pkg, 'index.js'), `require('fs').writeFileSync(${JSON.stringify(join(root, 'index-was-required'))}, '');\nmodule.exports = '';\n`);
  from = pathToFileURL(join(root, 'launcher.js')).href;
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('electronBinary', () => {
  it('finds a downloaded binary from the package\'s path.txt', () => {
    writeFileSync(join(pkg, 'path.txt'), 'electron');
    mkdirSync(join(pkg, 'dist'));
    writeFileSync(join(pkg, 'dist', 'electron'), '');
    expect(electronBinary(from)).toBe(join(pkg, 'dist', 'electron'));
    expect(required()).toBe(false);
  });

  it('answers null without requiring the package (which would try a download) when the binary was never fetched', () => {
    expect(electronBinary(from)).toBeNull();
    expect(required()).toBe(false);
  });

  it('answers null when path.txt names a binary that is not there', () => {
    writeFileSync(join(pkg, 'path.txt'), 'electron');
    expect(electronBinary(from)).toBeNull();
    expect(required()).toBe(false);
  });
});
