// Kiosk escape: what a keyboard-wedge scanner (or a keyboard left at the gate)
// can do to the Electron window. Electron cannot start on this machine, so the
// rule main.ts applies in before-input-event and the window's options are
// tested here as the pure functions main.ts calls; the wiring is typechecked
// against Electron's own types.
import { describe, expect, it } from 'vitest';
import { kioskAllows, type KeyInput } from './kiosk-keys.js';
import { windowOptions } from './window-options.js';

function key(key: string, code: string, mods: Partial<Pick<KeyInput, 'shift' | 'control' | 'alt' | 'meta'>> = {}): KeyInput {
  return { key, code, shift: false, control: false, alt: false, meta: false, ...mods };
}
const ctrl = { control: true };
const ctrlShift = { control: true, shift: true };
const alt = { alt: true };

/** What a US-layout wedge scanner sends for one character. */
function typed(ch: string): KeyInput {
  const upper = /[A-Z]/.test(ch);
  const shifted = upper || '~!@#$%^&*()_+{}|:"<>?'.includes(ch);
  const code = /[a-z]/i.test(ch) ? `Key${ch.toUpperCase()}` : /[0-9]/.test(ch) ? `Digit${ch}` : ch === ' ' ? 'Space' : 'Unknown';
  return key(ch, code, { shift: shifted });
}

describe('kiosk keys: a hostile barcode cannot escape the station screen', () => {
  const hostile: [string, KeyInput][] = [
    ['Ctrl+R (reload)', key('r', 'KeyR', ctrl)],
    ['Ctrl+Shift+R (reload, no cache)', key('R', 'KeyR', ctrlShift)],
    ['Ctrl+R on a Russian layout', key('к', 'KeyR', ctrl)],
    ['F5 (reload)', key('F5', 'F5')],
    ['Ctrl+F5', key('F5', 'F5', ctrl)],
    ['Shift+F5', key('F5', 'F5', { shift: true })],
    ['Ctrl+W (close)', key('w', 'KeyW', ctrl)],
    ['Ctrl+F4 (close)', key('F4', 'F4', ctrl)],
    ['Ctrl+Q (quit)', key('q', 'KeyQ', ctrl)],
    ['Cmd+Q (quit)', key('q', 'KeyQ', { meta: true })],
    ['Alt+F4 (close the window)', key('F4', 'F4', alt)],
    ['Alt+Space (window menu)', key(' ', 'Space', alt)],
    ['Alt alone (menu bar)', key('Alt', 'AltLeft', alt)],
    ['Ctrl+Shift+I (DevTools)', key('I', 'KeyI', ctrlShift)],
    ['Ctrl+Shift+J (console)', key('J', 'KeyJ', ctrlShift)],
    ['Ctrl+Shift+C (inspect element)', key('C', 'KeyC', ctrlShift)],
    ['Cmd+Alt+I (DevTools)', key('i', 'KeyI', { meta: true, alt: true })],
    ['F12 (DevTools)', key('F12', 'F12')],
    ['F11 (full screen)', key('F11', 'F11')],
    ['Ctrl+P (print)', key('p', 'KeyP', ctrl)],
    ['Ctrl+= (zoom in)', key('=', 'Equal', ctrl)],
    ['Ctrl+Plus (zoom in)', key('+', 'Equal', ctrlShift)],
    ['Ctrl+numpad Plus (zoom in)', key('+', 'NumpadAdd', ctrl)],
    ['Ctrl+Minus (zoom out)', key('-', 'Minus', ctrl)],
    ['Ctrl+0 (reset zoom)', key('0', 'Digit0', ctrl)],
    ['Alt+Left (back)', key('ArrowLeft', 'ArrowLeft', alt)],
    ['Alt+Right (forward)', key('ArrowRight', 'ArrowRight', alt)],
    ['Alt+numpad 4 with NumLock off (back)', key('ArrowLeft', 'Numpad4', alt)],
    ['Alt+Home (home page)', key('Home', 'Home', alt)],
    ['Browser Back key', key('BrowserBack', 'BrowserBack')],
    ['Browser Refresh key', key('BrowserRefresh', 'BrowserRefresh')],
    ['Ctrl+N (new window)', key('n', 'KeyN', ctrl)],
    ['Ctrl+Shift+N', key('N', 'KeyN', ctrlShift)],
    ['Ctrl+T (new tab)', key('t', 'KeyT', ctrl)],
    ['Ctrl+L (address bar)', key('l', 'KeyL', ctrl)],
    ['Ctrl+O (open file)', key('o', 'KeyO', ctrl)],
    ['Ctrl+S (save page)', key('s', 'KeyS', ctrl)],
    ['Ctrl+Alt+R', key('r', 'KeyR', { control: true, alt: true })],
    ['Ctrl+Alt+Delete', key('Delete', 'Delete', { control: true, alt: true })],
    ['Shift+F10 (context menu)', key('F10', 'F10', { shift: true })],
    ['Context menu key', key('ContextMenu', 'ContextMenu')],
    ['an unknown key', key('Unidentified', '')],
  ];
  it.each(hostile)('blocks %s', (_name, input) => {
    expect(kioskAllows(input)).toBe(false);
  });

  it('blocks every Ctrl or Cmd + letter or digit except cut, copy, paste, select all, undo, redo', () => {
    const editing = new Set(['KeyA', 'KeyC', 'KeyV', 'KeyX', 'KeyZ', 'KeyY']);
    const codes = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c) => `Key${c}`).concat([...'0123456789'].map((d) => `Digit${d}`));
    for (const code of codes) {
      const ch = code.slice(-1).toLowerCase();
      for (const mods of [ctrl, { meta: true }]) expect(kioskAllows(key(ch, code, mods)), `${code} ${JSON.stringify(mods)}`).toBe(editing.has(code));
      expect(kioskAllows(key(ch.toUpperCase(), code, ctrlShift)), `Ctrl+Shift+${code}`).toBe(code === 'KeyZ');
      expect(kioskAllows(key(ch, code, alt)), `Alt+${code}`).toBe(false);
    }
    for (let n = 1; n <= 24; n++) for (const mods of [{}, ctrl, alt, { shift: true }]) expect(kioskAllows(key(`F${n}`, `F${n}`, mods)), `F${n}`).toBe(false);
  });

  it('lets a wedge scanner type every printable ASCII character, then Enter or Tab', () => {
    for (let c = 0x20; c <= 0x7e; c++) expect(kioskAllows(typed(String.fromCharCode(c))), JSON.stringify(String.fromCharCode(c))).toBe(true);
    const ticket = 'GP1:eyJ2IjoxLCJrIjoiazEiLCJ0IjoiVDEyMyJ9.Zm9v-bar_baz~+/=';
    expect([...ticket].map(typed).every(kioskAllows)).toBe(true);
    for (const end of [key('Enter', 'Enter'), key('Enter', 'NumpadEnter'), key('Tab', 'Tab'), key('Tab', 'Tab', { shift: true })]) expect(kioskAllows(end)).toBe(true);
  });

  const normal: [string, KeyInput][] = [
    ['Shift alone', key('Shift', 'ShiftLeft', { shift: true })],
    ['Ctrl alone (before Ctrl+V)', key('Control', 'ControlLeft', ctrl)],
    ['numpad digits', key('7', 'Numpad7')],
    ['Backspace', key('Backspace', 'Backspace')],
    ['arrows', key('ArrowLeft', 'ArrowLeft')],
    ['Escape', key('Escape', 'Escape')],
    ['accented letters', key('é', 'Digit2')],
    ['AltGr+Q on a German layout (@, sent as Ctrl+Alt on Windows)', key('@', 'KeyQ', { control: true, alt: true })],
    ['AltGr+E (€)', key('€', 'KeyE', { control: true, alt: true })],
    ['Alt+numpad digits (Windows Alt codes)', key('6', 'Numpad6', alt)],
    ['Ctrl+V in a settings field', key('v', 'KeyV', ctrl)],
    ['Ctrl+A', key('a', 'KeyA', ctrl)],
    ['Ctrl+Shift+Z (redo)', key('Z', 'KeyZ', ctrlShift)],
  ];
  it.each(normal)('allows %s', (_name, input) => {
    expect(kioskAllows(input)).toBe(true);
  });
});

describe('the station window', () => {
  it('has no DevTools in a packaged build, kiosk or not', () => {
    for (const kiosk of [true, false]) expect(windowOptions(kiosk, true, '/p.cjs').webPreferences?.devTools).toBe(false);
    expect(windowOptions(false, false, '/p.cjs').webPreferences?.devTools).toBe(true);
  });

  it('fills the screen in kiosk mode and keeps the page isolated either way', () => {
    expect(windowOptions(true, true, '/p.cjs')).toMatchObject({ kiosk: true, fullscreen: true });
    expect(windowOptions(false, true, '/p.cjs')).toMatchObject({ kiosk: false, fullscreen: false });
    for (const [kiosk, packaged] of [[true, true], [true, false], [false, true], [false, false]] as const) {
      expect(windowOptions(kiosk, packaged, '/p.cjs').webPreferences).toMatchObject({
        preload: '/p.cjs',
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        navigateOnDragDrop: false,
      });
    }
  });
});
