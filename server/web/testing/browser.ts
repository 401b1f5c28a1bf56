// The browser apps' Chromium lives with their test support in server/ui-kit/testing.
export { CHROMIUM, chromiumMissing, launchChromium } from '../../ui-kit/testing/chromium.js';
