import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles.css';
import './fleet-table.css';

// The page's code comes in a chunk of its own, imported here rather than statically: React DOM
// (this entry's chunk, see vite.config.ts) and the page are then evaluated in two main-thread tasks
// instead of one long one. index.html preloads the page's chunk (the `modulepreload` links that
// vite.config.ts adds), so importing it does not wait for a download.
const root = createRoot(document.getElementById('root')!);
void import('./App').then(({ App }) =>
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
