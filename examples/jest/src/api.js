// The front end under test: it now sends a request id with every call
// (a tracing change), to the API on another origin.
async function listItems() {
  const res = await fetch('https://api.example.com/items', {
    headers: { 'X-Request-Id': 'abc' },
  });
  if (!res.ok) throw new Error(`GET /items: ${res.status}`);
  return res.json();
}

module.exports = { listItems };
