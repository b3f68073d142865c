// Type-checked by `cargo xtask js-test` (never run): fetchsim/test as a
// TypeScript user writes it.
import {
  createBrowserFetch, fetchTransport, mswTransport, nodeTransport, traceOf, urlTransport,
  type BrowserFetch, type CorsTypeError, type OutgoingRequest, type Transport,
} from "fetchsim/test";
import { BrowserPage, type PageStep, type Trace } from "fetchsim";

const transport: Transport = fetchTransport(async (req: Request) => new Response(req.url));
const fetch: BrowserFetch = createBrowserFetch({
  origin: "https://app.example",
  profile: "firefox",
  transport,
  cookie: (url: string) => (url.startsWith("https://api.example/") ? "sid=1" : undefined),
  onBlocked: (e: CorsTypeError) => console.log(e.cause.console, e.cause.fix ?? "", e.cause.kind),
  browser: { preflight_cache: false },
});

export async function use(): Promise<string | null> {
  const res: Response = await fetch("https://api.example/items", { method: "POST", body: "{}" });
  const t: Trace | undefined = traceOf(res);
  fetch.advance(1000);
  fetch.clearCache();
  const blocked: CorsTypeError[] = fetch.blocked();
  await fetch.close();
  const node = nodeTransport((_req: unknown, _res: unknown) => {});
  await node.close();
  const live: Transport = urlTransport({ only: ["https://api.example"] });
  const msw: Transport = mswTransport([]);
  const out: OutgoingRequest = { kind: "main", method: "GET", url: "https://a/", headers: [["a", "b"]], credentials: false };
  void [t, blocked, live, msw, out];
  return res.headers.get("x-total-count");
}

export function step(): number {
  const page = new BrowserPage("https://app.example", "chromium", null);
  const f = page.start({ url: "https://api.example/" }, null);
  const s: PageStep = f.next();
  if (s.send) {
    f.respond(s.send.id, 200, ["access-control-allow-origin", "*"]);
    return s.send.headers.length;
  }
  return s.done.requests + page.now;
}
