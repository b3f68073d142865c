import { http, HttpResponse } from 'msw';

// The same API as it answers in production, CORS included: the preflight
// allows the page's origin with credentials, the method and the headers the
// front end sends; the response allows the origin with credentials and
// exposes the header the front end reads.
const ORIGIN = 'https://app.example.com';

export const handlers = [
  http.options('https://api.example.com/items', () =>
    new HttpResponse(null, {
      status: 204,
      headers: {
        'access-control-allow-origin': ORIGIN,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type, x-request-id',
        vary: 'Origin',
      },
    })),
  http.post('https://api.example.com/items', () =>
    HttpResponse.json({ id: 7 }, {
      headers: {
        'x-total-count': '3',
        'access-control-allow-origin': ORIGIN,
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'x-total-count',
        vary: 'Origin',
      },
    })),
];
