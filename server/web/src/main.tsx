// Entry point of the customer booking page.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import '../../ui-kit/base.css';
import './styles/base.css';
import './styles/components.css';
import './styles/shows.css';
import './styles/seats.css';
import './styles/ticket.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
