// A stand-in for the electron module (the binary cannot be downloaded here): enough for the bundle to load; app.exit exits.
const handler = { get: () => new Proxy(function () {}, handler), apply: () => new Proxy(function () {}, handler) };
const stub = new Proxy(function () {}, handler);
export const app = { exit: (c) => process.exit(c) };
export const BrowserWindow = stub, dialog = stub, ipcMain = stub, Menu = stub, net = stub, protocol = stub, session = stub, contextBridge = stub, ipcRenderer = stub;
export default { app };
