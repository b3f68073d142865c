// MSW's report mode, for a suite that cannot turn red at once: plain MSW
// answers the app (the test passes as before), and fetchsim prints what a
// browser would have blocked. Here the global browser fetch of the setup
// file is put aside to show MSW alone.
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { setupServer } from 'msw/node';
import { lintMsw } from 'fetchsim/vitest';
import { handlers } from '../src/mocks/handlers.js';
import { saveItem } from '../src/api.js';

const server = setupServer(...handlers);
const lint = lintMsw(server, { origin: 'https://app.example.com', mode: 'warn' });

beforeEach(() => {
  vi.unstubAllGlobals(); // Node's fetch back,
  server.listen(); // and MSW's interception over it.
});
afterEach(() => server.close());

test('the app gets the mocked response; fetchsim reports what Chromium would block', async () => {
  expect(await saveItem({ name: 'x' })).toEqual({ id: 7, total: '3' });
  const blocked = await lint.check();
  expect(blocked.map((e) => e.cause.kind)).toEqual(['preflight-missing-allow-origin-header']);
});
