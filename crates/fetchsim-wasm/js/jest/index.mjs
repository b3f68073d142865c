import m from './index.cjs';

export const {
  installBrowserFetch, lintMsw, matchers, createBrowserFetch, traceOf, fetchTransport, nodeTransport,
  urlTransport, mswTransport,
} = m;
export default m;
