// The station window's options, apart from main.ts so they are tested without
// Electron (a type-only import is erased). Kiosk mode fills the screen with no
// frame; DevTools exist only in a development checkout, never in a packaged
// build, where nothing may open them.
import type { BrowserWindowConstructorOptions } from 'electron';

export function windowOptions(kiosk: boolean, packaged: boolean, preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    kiosk,
    fullscreen: kiosk,
    autoHideMenuBar: true,
    backgroundColor: '#0b1220',
    show: false,
    title: 'Gatepost Station',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: !packaged,
      // A file or link dropped on the window must not replace the screen.
      navigateOnDragDrop: false,
      spellcheck: false,
      // The verdict tones must sound without a click first.
      autoplayPolicy: 'no-user-gesture-required',
    },
  };
}
