// The playground's state is one scenario (docs/scenario-format.md) plus the
// preset it came from; the link's fragment carries it.

import type { Scenario, ProfileName } from "./pkg/fetchsim.js";

export interface State {
  /** The corpus case the scenario started from, if any. */
  preset: string | null;
  /** Whether the scenario differs from the preset. */
  edited: boolean;
  scenario: Scenario;
}

export const PROFILE_NAMES: ProfileName[] = ["spec", "chromium", "firefox", "webkit"];

export function blankScenario(): Scenario {
  return {
    id: "playground",
    title: "",
    client: { origin: "http://app.example.test" },
    server: [
      {
        url: "http://api.example.test/data",
        response: {
          status: 200,
          headers: [
            ["access-control-allow-origin", "http://app.example.test"],
            ["content-type", "text/plain"],
          ],
          body: "hello",
        },
      },
    ],
    fetches: [{ request: { url: "http://api.example.test/data" } }],
  };
}

export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

// The fragment: `#case=ID[&profile=P]` for an unedited preset (short and
// readable), `#s=…` (deflate-raw, base64url) or `#j=…` (base64url JSON,
// where CompressionStream is missing) for anything else.

function toBase64Url(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const body = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

export async function encodeState(state: State): Promise<string> {
  const profile = state.scenario.profile;
  if (state.preset && !state.edited) {
    return `case=${encodeURIComponent(state.preset)}${profile && profile !== "spec" ? `&profile=${profile}` : ""}`;
  }
  const json = new TextEncoder().encode(
    JSON.stringify({ preset: state.preset, scenario: state.scenario }),
  );
  if (typeof CompressionStream === "function") {
    return `s=${toBase64Url(await pipe(json, new CompressionStream("deflate-raw")))}`;
  }
  return `j=${toBase64Url(json)}`;
}

export interface Decoded {
  preset: string | null;
  profile?: ProfileName;
  scenario?: Scenario;
}

/** What the fragment says, or null when it says nothing we know. */
export async function decodeFragment(fragment: string): Promise<Decoded | null> {
  const params = new URLSearchParams(fragment.replace(/^#/, ""));
  const id = params.get("case");
  if (id) {
    const p = params.get("profile") as ProfileName | null;
    return { preset: id, profile: p && PROFILE_NAMES.includes(p) ? p : undefined };
  }
  let bytes: Uint8Array | null = null;
  const s = params.get("s");
  const j = params.get("j");
  if (s && typeof DecompressionStream === "function") {
    bytes = await pipe(fromBase64Url(s), new DecompressionStream("deflate-raw"));
  } else if (j) {
    bytes = fromBase64Url(j);
  }
  if (!bytes) return null;
  const value = JSON.parse(new TextDecoder().decode(bytes)) as { preset?: string | null; scenario?: Scenario };
  if (!value || typeof value !== "object" || !value.scenario) return null;
  return { preset: value.preset ?? null, scenario: value.scenario };
}
