import { setupServer } from 'msw/node';

// Each test file puts its handlers in with `server.use(...)`.
export const server = setupServer();
