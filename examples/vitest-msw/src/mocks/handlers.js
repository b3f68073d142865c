import { http, HttpResponse } from 'msw';

// The mocks as most teams write them: the response, no CORS. A browser
// sends a preflight first (JSON body, X-Request-Id) that nothing answers.
export const handlers = [
  http.post('https://api.example.com/items', () =>
    HttpResponse.json({ id: 7 }, { headers: { 'x-total-count': '3' } })),
];
