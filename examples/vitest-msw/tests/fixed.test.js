// The same test against mocks that answer as the API does, CORS included:
// passes, and would pass in Chromium.
import { afterEach, expect, test } from 'vitest';
import { server } from '../src/mocks/server.js';
import { handlers } from '../src/mocks/handlers-cors.js';
import { saveItem } from '../src/api.js';

afterEach(() => server.resetHandlers());

test('saveItem posts the item (mocks with the API\'s CORS)', async () => {
  server.use(...handlers);
  expect(await saveItem({ name: 'x' })).toEqual({ id: 7, total: '3' });
});

test('the matchers say what a browser allows, blocks and exposes', async () => {
  server.use(...handlers);
  const init = { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{}' };
  const res = await fetch('https://api.example.com/items', init);
  expect(res).toBeCorsAllowed();
  expect(res).toExpose('x-total-count', '3');
  expect(res).not.toExpose('vary');
  await expect(fetch('https://api.example.com/items', { ...init, headers: { 'x-debug': '1' } }))
    .rejects.toBeBlockedBy('header-disallowed-by-preflight-response');
});
