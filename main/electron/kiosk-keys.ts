// Which keys reach the station screen in kiosk mode. A keyboard-wedge scanner
// types into the window as a keyboard does, so a hostile barcode can carry
// Ctrl+R, Alt+F4, Ctrl+Shift+I or F5 as easily as digits; so can a keyboard left
// at the gate. In kiosk mode only typing passes: characters (with Shift or
// AltGr), Enter, Tab and the editing and arrow keys, and cut/copy/paste/undo in a
// text field. Every other key with Ctrl, Alt or Meta, every function key and
// the browser and media keys are dropped before the page, Chromium or
// Electron act on them. Allowed, not blocked, by list: a key nobody thought of
// stays out. No electron import, so the rule is tested in plain Node.

/** The fields of Electron's `Input` (before-input-event) that the rule reads. */
export interface KeyInput {
  key: string;
  code: string;
  shift: boolean;
  control: boolean;
  alt: boolean;
  meta: boolean;
}

/** Keys without a character that a form or a wedge scanner needs. */
const NAMED = new Set(['Enter', 'Tab', 'Backspace', 'Delete', 'Escape', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);

// Pressed alone. Alt and Meta are not here: a lone Alt opens the window menu on
// Windows and Linux, and neither types anything.
const MODIFIERS = new Set(['Shift', 'Control', 'CapsLock', 'NumLock', 'AltGraph', 'Dead', 'Process']);

// Ctrl (Cmd) + these, by physical key (shortcuts follow the key, not the layout's
// letter): select all, copy, cut, paste, undo, redo. Shift only with undo (redo).
const EDITING = new Set(['KeyA', 'KeyC', 'KeyV', 'KeyX', 'KeyZ', 'KeyY']);

/** One character, not a control character: what a key types. */
function printable(key: string): boolean {
  return [...key].length === 1 && !/\p{Cc}/u.test(key);
}

export function kioskAllows(input: KeyInput): boolean {
  const { key, code, shift, control, alt, meta } = input;
  // A modifier's own key reports itself as held (Ctrl down sets control).
  if (MODIFIERS.has(key)) return true;
  if (!control && !alt && !meta) return printable(key) || NAMED.has(key);
  // AltGr arrives as Ctrl+Alt on Windows: it types '@', '{', '€' on many layouts.
  // A letter or digit under Ctrl+Alt is a shortcut, not AltGr typing.
  if (control && alt && !meta) return printable(key) && !/^[a-z0-9]$/i.test(key);
  // Alt+numpad digits: the Windows Alt-code mode some scanners use for characters
  // outside the layout. With NumLock off those keys are arrows (Alt+Left is "back").
  if (alt && !control && !meta) return code.startsWith('Numpad') && /^[0-9]$/.test(key);
  if (control !== meta && !alt) return EDITING.has(code) && (!shift || code === 'KeyZ');
  return false;
}
