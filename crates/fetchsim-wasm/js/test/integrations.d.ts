// What fetchsim/vitest and fetchsim/jest export (the same API).
import type { BrowserFetch, BrowserFetchOptions, CorsTypeError } from "./index.js";
import type { ProfileName, BrowserSpec } from "../node/fetchsim.js";

export * from "./index.js";

export interface InstallOptions extends BrowserFetchOptions {
  /** Fail a test whose blocked fetch no matcher asserted (default true). */
  strict?: boolean;
}

/** Make `fetch` a browser fetch for the test file. */
export function installBrowserFetch(options: InstallOptions): BrowserFetch;

export interface LintOptions {
  origin: string;
  profile?: ProfileName;
  browser?: BrowserSpec;
  /** `warn` (default): print what a browser would block; `error`: also fail the test. */
  mode?: "warn" | "error";
  /** Called for each blocked exchange instead of `console.warn`. */
  onBlocked?: (text: string, error: CorsTypeError) => void;
  getResponse?: (handlers: any, request: Request) => Promise<Response | undefined>;
}

/** MSW report mode: check each mocked response as a browser would, without changing it. */
export function lintMsw(
  server: { listHandlers(): readonly unknown[]; events: { on(event: "response:mocked", listener: (e: { request: Request; response: Response }) => void): void } },
  options: LintOptions,
): { check(): Promise<CorsTypeError[]> };

export interface CorsMatchers<R = unknown> {
  /** The browser lets script have the response. */
  toBeCorsAllowed(): R;
  /** The browser blocks the fetch (with this fetchsim error kind, when given). */
  toBeBlockedBy(kind?: string): R;
  /** Script can read the response header (with this value, when given). */
  toExpose(header: string, value?: string): R;
}

export declare const matchers: Record<keyof CorsMatchers, (this: any, received: unknown, ...args: any[]) => { pass: boolean; message(): string }>;
