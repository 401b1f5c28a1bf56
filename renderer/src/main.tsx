// Entry of the station screen: connect the bridge (Electron preload or the
// web-kiosk WebSocket) and render.
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { createBridge } from './bridge-client.js';
import './styles.css';

const root = document.getElementById('root');
if (root) createRoot(root).render(<App bridge={createBridge()} />);
