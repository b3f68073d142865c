// The front end under test: saves an item on the API (another origin) with
// the session cookie, a JSON body and a request id, and reads the total
// count the API returns in a header.
export async function saveItem(item) {
  const res = await fetch('https://api.example.com/items', {
    method: 'POST',
    credentials: 'include',
    headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'abc' },
    body: JSON.stringify(item),
  });
  return { id: (await res.json()).id, total: res.headers.get('x-total-count') };
}
