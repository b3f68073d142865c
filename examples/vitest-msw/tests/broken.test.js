// Passes without fetchsim (MSW answers the POST, nothing checks CORS);
// fails with it, as the page fails in Chromium: the preflight is not
// answered. The output has Chromium's console line and the fix.
import { afterEach, expect, test } from 'vitest';
import { server } from '../src/mocks/server.js';
import { handlers } from '../src/mocks/handlers.js';
import { saveItem } from '../src/api.js';

afterEach(() => server.resetHandlers());

test('saveItem posts the item (mocks without CORS)', async () => {
  server.use(...handlers);
  expect(await saveItem({ name: 'x' })).toEqual({ id: 7, total: '3' });
});
