// The whole fetchsim setup: `fetch` is Chromium's, as seen from the page's
// origin, and the requests it sends are answered by the MSW handlers.
import { installBrowserFetch, mswTransport } from 'fetchsim/vitest';
import { server } from './src/mocks/server.js';

installBrowserFetch({ origin: 'https://app.example.com', transport: mswTransport(server) });
