// The fixed twin: the API allows X-Request-Id. Passes, as in Chromium.
const { installBrowserFetch, nodeTransport } = require('fetchsim/jest');
const { makeApp } = require('../src/server');
const { listItems } = require('../src/api');

const fetch = installBrowserFetch({
  origin: 'https://app.example.com',
  transport: nodeTransport(makeApp({ allowedHeaders: ['Content-Type', 'X-Request-Id'] })),
});

test('listItems gets the items (API allows X-Request-Id)', async () => {
  expect(await listItems()).toEqual([{ id: 1, name: 'first' }]);
});

test('the matchers: allowed, blocked with its kind', async () => {
  const res = await fetch('https://api.example.com/items', { headers: { 'x-request-id': '1' } });
  expect(res).toBeCorsAllowed();
  expect(res).not.toExpose('x-request-id');
  await expect(fetch('https://api.example.com/items', { headers: { 'x-other': '1' } }))
    .rejects.toBeBlockedBy('header-disallowed-by-preflight-response');
});
