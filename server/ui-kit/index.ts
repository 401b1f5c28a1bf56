// server/ui-kit — the browser-app core the customer page (server/web) and the
// operator console (server/console) are built from; it imports neither app.
// Each app keeps its message catalogues, routes, API calls and pages; from
// here it takes the language machinery (i18n.tsx), the history router and
// route table (router.tsx), the JSON request helper and its ApiError with the
// server's stable reason (request.ts), the token kept in browser storage
// (stored-token.ts), the forms' submit button (SubmitButton.tsx), the base
// CSS (base.css) and the Vite options (vite-config.ts, for the build only).
// testing/ holds the apps' Chromium test set-up (browser-app.ts).
export { createI18n, detectLang, interpolate, LANGS, type I18n, type Lang, type Translate, type Vars } from './i18n.js';
export { createRouter, decodeSegment, pageFor, type Pages, type RouterOptions } from './router.js';
export { ApiError, request, requestJson, type RequestOptions } from './request.js';
export { storedToken, type StoredToken } from './stored-token.js';
export { SubmitButton } from './SubmitButton.js';
