// fetchsim/test: a browser-exact `fetch` for tests in Node.
import { BrowserPage } from "../node/fetchsim.js";
import type { BrowserSpec, ClientSpec, NetworkError, ProfileName, Trace } from "../node/fetchsim.js";

export { BrowserPage };
/** A header line: name and value (a byte string: one character per byte). */
export type HeaderPair = [name: string, value: string];

/** What the browser puts on the wire: given to a transport. */
export interface OutgoingRequest {
  kind: "preflight" | "main";
  method: string;
  /** Without its fragment. */
  url: string;
  /** The exact header list (lowercase names), `Cookie` added from `cookie` where credentials go. */
  headers: HeaderPair[];
  /** The body given to `fetch()`, read once (only on the requests that carry it). */
  body?: Uint8Array;
  /** Whether the browser attaches credentials. */
  credentials: boolean;
}

/** What the server answered: status, header lines in order (repeats kept), body. */
export interface IncomingResponse {
  status: number;
  headers: Iterable<HeaderPair>;
  body?: BodyInit | null;
}

/** Sends one request (never following redirects) and resolves with the server's answer; a rejection is a failure below HTTP. */
export type Transport = ((req: OutgoingRequest) => Promise<IncomingResponse>) & { close?(): Promise<void> };

/** Why a fetch was blocked: `TypeError.cause` of a rejected browser fetch. */
export interface CorsCause {
  /** fetchsim's error kind (`preflight-missing-allow-origin-header`, …; docs/errors.md). */
  kind: string;
  /** One sentence: what failed and why. */
  message: string;
  /** The smallest change that makes the fetch pass, when there is one. */
  fix: string | null;
  /** The line the profile's browser prints in its console. */
  console: string;
  /** The whole error record. */
  error: NetworkError;
  trace: Trace;
  /** The trace told step by step with spec links (`fetchsim explain`). */
  explanation: string;
}

/** A rejected browser fetch: `message` is the browser's own ("Failed to fetch", …). */
export interface CorsTypeError extends TypeError {
  cause: CorsCause;
}

export interface BrowserFetchOptions {
  /** The page's serialized origin (`"https://app.example"`, or `"null"`). */
  origin: string;
  /** Whose behaviour (default `chromium`). */
  profile?: ProfileName;
  /** Where requests go. */
  transport: Transport;
  /** The page as a scenario `client` (referrer policy, COEP, top-level site) instead of `origin` alone. */
  client?: ClientSpec;
  /** Browser settings: preflight cache on or off, max-age cap. */
  browser?: BrowserSpec;
  /** The `Cookie` header, sent only where the browser sends credentials. */
  cookie?: string | ((url: string) => string | undefined);
  /** Called with each blocked fetch's error before it is thrown (default: print the browser's console line, the reason and the fix with `console.error`). */
  onBlocked?: (error: CorsTypeError) => void;
  /** Keep every fetch's trace in `traces` (default false). */
  keepTraces?: boolean;
}

export interface BrowserFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** The page: preflight cache and virtual clock. */
  readonly page: BrowserPage;
  /** Every fetch's trace, when `keepTraces`. */
  readonly traces: Trace[];
  /** Move the virtual clock (preflight-cache expiry) forward. */
  advance(ms: number): void;
  clearCache(): void;
  /** The fetches blocked since the last call (and forget them). */
  blocked(): CorsTypeError[];
  /** Close the transport (a `nodeTransport`'s server). */
  close(): Promise<void>;
}

export function createBrowserFetch(options: BrowserFetchOptions): BrowserFetch;
/** The trace fetchsim attached to a browser fetch's `Response` or error. */
export function traceOf(value: unknown): Trace | undefined;
/** What `createBrowserFetch` prints for a blocked fetch. */
export function report(error: CorsTypeError): string;
/** Anything that answers a `Request` with a `Response` (Hono's `app.fetch`, itty-router, Next route handlers). */
export function fetchTransport(handler: (request: Request) => Response | Promise<Response>): Transport;
/** A Node `http` request listener (an Express app) on a loopback port; raw header lines kept. */
export function nodeTransport(listener: (req: any, res: any) => void): Transport & { close(): Promise<void> };
/** The live URLs (`only`: the origins allowed). */
export function urlTransport(options?: { only?: string[]; timeoutMs?: number }): Transport;
/** MSW request handlers (a list or `server`), through MSW's `getResponse`; an unanswered preflight gets a 404. */
export function mswTransport(
  source: readonly unknown[] | { listHandlers(): readonly unknown[] },
  options?: { getResponse?: (handlers: any, request: Request) => Promise<Response | undefined>; quiet?: boolean },
): Transport;
/** The TypeError message of each profile's browser. */
export const MESSAGES: Record<ProfileName, string>;
/** The key of the trace on a `Response` or error (`Symbol.for('fetchsim.trace')`). */
export const TRACE: unique symbol;
