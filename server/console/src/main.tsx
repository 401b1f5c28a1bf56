// Entry point of the operator console.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import '../../ui-kit/base.css';
import './styles/base.css';
import './styles/frame.css';
import './styles/tables.css';
import './styles/forms.css';
import './styles/setup.css';
import './styles/tickets.css';
import './styles/live.css';
import './styles/providers-audit.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
