// The ESM face of fetchsim/test (one instance: the CommonJS module).
import m from './index.cjs';

export const {
  createBrowserFetch, traceOf, fetchTransport, nodeTransport, urlTransport, mswTransport,
  report, MESSAGES, TRACE, BrowserPage,
} = m;
export default m;
