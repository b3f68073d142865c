// The API: Express with the `cors` middleware, as deployed. `allowedHeaders`
// is its CORS policy for request headers.
const express = require('express');
const cors = require('cors');

function makeApp({ allowedHeaders }) {
  const app = express();
  app.use(cors({ origin: 'https://app.example.com', allowedHeaders }));
  app.get('/items', (req, res) => res.json([{ id: 1, name: 'first' }]));
  return app;
}

module.exports = { makeApp };
