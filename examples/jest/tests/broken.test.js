// The API's policy as deployed: it does not allow the new X-Request-Id
// header. Chromium blocks the page's request at the preflight; so does the
// test: its output has Chromium's console line and the fix.
const { installBrowserFetch, nodeTransport } = require('fetchsim/jest');
const { makeApp } = require('../src/server');
const { listItems } = require('../src/api');

installBrowserFetch({
  origin: 'https://app.example.com',
  transport: nodeTransport(makeApp({ allowedHeaders: ['Content-Type'] })),
});

test('listItems gets the items (API without X-Request-Id in allowedHeaders)', async () => {
  expect(await listItems()).toEqual([{ id: 1, name: 'first' }]);
});
