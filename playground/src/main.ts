// The playground: a scenario form on the left, what the browser does on the
// right, recomputed by the WebAssembly simulator on every keystroke. The
// state is kept in the link's fragment; nothing is sent anywhere.

import init, {
  simulate,
  check,
  explain,
  cases,
  case as loadCase,
  profiles,
  version,
} from "./pkg/fetchsim.js";
import type { Scenario, ProfileName, CheckResult, Simulation, Trace, FetchsimError, CaseInfo } from "./pkg/fetchsim.js";
import { h } from "./dom.js";
import { blankScenario, clone, decodeFragment, encodeState, type State } from "./model.js";
import { renderEditor, markInvalid, type EditorHooks, type EditorView } from "./editor.js";
import { renderResult } from "./diagram.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let state: State = { preset: null, edited: false, scenario: blankScenario() };
const view: EditorView = { selected: 0 };
let fragmentTimer = 0;

function profileOf(s: Scenario): ProfileName {
  return s.profile ?? "spec";
}

function hasExpectations(s: Scenario): boolean {
  return s.fetches.some((f) => f.expect !== undefined);
}

/** Run the simulator and redraw the right column. */
function update(): void {
  const s = state.scenario;
  let simulation: Simulation | null = null;
  let error: { message: string; field: string | null } | null = null;
  let checked: CheckResult | null = null;
  const perProfile: { profile: ProfileName; fetches: Trace[] }[] = [];
  try {
    simulation = simulate(s);
    if (hasExpectations(s)) checked = check(s);
    for (const p of profiles()) {
      perProfile.push({ profile: p.name, fetches: simulate(s, { profile: p.name }).fetches });
    }
  } catch (e) {
    const err = e as FetchsimError;
    simulation = null;
    error = { message: err.message, field: err.field ? err.field : null };
  }
  renderResult($("result"), $("verdict-bar"), {
    scenario: s,
    simulation,
    error,
    check: checked,
    perProfile,
    profile: profileOf(s),
    selected: view.selected,
    explain: () => {
      try {
        return explain(s);
      } catch (e) {
        return (e as Error).message;
      }
    },
    onProfile: setProfile,
    onSelect: (i, show) => {
      view.selected = i;
      drawEditor();
      update();
      if (show === "editor") {
        document.querySelector("#h-request")?.scrollIntoView({ block: "start", behavior: "smooth" });
        document.querySelector<HTMLElement>(`[data-key="tab-${i}"]`)?.focus({ preventScroll: true });
      } else {
        document.querySelector(`#trace-${i}`)?.scrollIntoView({ block: "start", behavior: "smooth" });
      }
    },
  });
  markInvalid($("editor"), error?.field ?? null);
  scheduleFragment();
}

function scheduleFragment(): void {
  window.clearTimeout(fragmentTimer);
  fragmentTimer = window.setTimeout(writeFragment, 250);
}

async function writeFragment(): Promise<void> {
  const frag = await encodeState(state);
  if (location.hash.slice(1) !== frag) history.replaceState(null, "", `#${frag}`);
}

const hooks: EditorHooks = {
  changed() {
    markEdited();
    update();
  },
  reshaped() {
    markEdited();
    drawEditor();
    update();
  },
  replace(s: Scenario) {
    try {
      simulate(s);
    } catch (e) {
      return (e as Error).message;
    }
    state = { preset: state.preset, edited: true, scenario: s };
    view.selected = 0;
    syncControls();
    drawEditor();
    update();
    return null;
  },
};

function markEdited(): void {
  if (!state.edited) {
    state.edited = true;
    document.querySelector(".info .badge")?.removeAttribute("hidden");
  }
}

function drawEditor(): void {
  renderEditor($("editor"), state, view, hooks);
}

function setProfile(p: ProfileName): void {
  if (p === "spec") delete state.scenario.profile;
  else state.scenario.profile = p;
  syncControls();
  update();
}

function syncControls(): void {
  const preset = $<HTMLSelectElement>("preset");
  preset.value = state.preset ?? "";
  const p = profileOf(state.scenario);
  for (const input of document.querySelectorAll<HTMLInputElement>('input[name="profile"]')) {
    input.checked = input.value === p;
  }
}

function load(next: State): void {
  state = next;
  view.selected = 0;
  syncControls();
  drawEditor();
  update();
  void writeFragment();
}

function loadPreset(id: string, profile?: ProfileName): boolean {
  if (!id) {
    load({ preset: null, edited: false, scenario: blankScenario() });
    return true;
  }
  try {
    const scenario = loadCase(id);
    if (profile && profile !== "spec") scenario.profile = profile;
    load({ preset: id, edited: false, scenario });
    return true;
  } catch {
    return false;
  }
}

async function loadFragment(): Promise<void> {
  let decoded = null;
  try {
    decoded = await decodeFragment(location.hash);
  } catch {
    decoded = null;
  }
  if (decoded?.scenario) {
    load({ preset: decoded.preset, edited: true, scenario: decoded.scenario });
  } else if (decoded?.preset) {
    if (!loadPreset(decoded.preset, decoded.profile)) loadPreset("");
  } else {
    load({ preset: null, edited: false, scenario: blankScenario() });
  }
}

function buildControls(list: CaseInfo[]): void {
  const preset = $<HTMLSelectElement>("preset");
  const folders = new Map<string, CaseInfo[]>();
  for (const c of list) {
    if (!folders.has(c.folder)) folders.set(c.folder, []);
    folders.get(c.folder)!.push(c);
  }
  for (const [folder, items] of folders) {
    preset.appendChild(
      h("optgroup", { label: folder }, items.map((c) => h("option", { value: c.id, title: c.title }, c.title || c.id))),
    );
  }
  preset.addEventListener("change", () => loadPreset(preset.value));

  const box = $("profiles");
  for (const p of profiles()) {
    const id = `profile-${p.name}`;
    box.appendChild(
      h(
        "span",
        { class: "radio" },
        h("input", {
          type: "radio",
          name: "profile",
          id,
          value: p.name,
          onchange: () => setProfile(p.name),
        }),
        h(
          "label",
          { for: id, title: p.models ? `${p.title}: models ${p.models.browser} ${p.models.release}` : p.title },
          p.name,
          p.models ? h("small", { class: "release" }, ` ${p.models.release}`) : null,
        ),
      ),
    );
  }

  const share = $<HTMLButtonElement>("share");
  share.addEventListener("click", async () => {
    window.clearTimeout(fragmentTimer);
    await writeFragment();
    let text = "Link copied";
    try {
      await navigator.clipboard.writeText(location.href);
    } catch {
      text = "Copy the address bar";
    }
    share.textContent = text;
    window.setTimeout(() => (share.textContent = "Copy link"), 1800);
  });

  window.addEventListener("hashchange", () => void loadFragment());
  // On one-column layouts the verdict bar takes you to the diagram.
  $("verdict-bar").addEventListener("click", () => {
    const target = document.querySelector(`#trace-${view.selected}`) ?? $("result");
    target.scrollIntoView({ block: "start", behavior: "smooth" });
  });
}

async function main(): Promise<void> {
  try {
    await init();
  } catch (e) {
    $("editor").replaceChildren(h("p", { class: "invalid" }, `The simulator could not start: ${(e as Error).message}`));
    return;
  }
  $("version").textContent = `fetchsim ${version()}`;
  buildControls(cases());
  await loadFragment();
  document.body.classList.add("ready");
}

// Exposed for tests and the curious: the current scenario, a copy.
(window as unknown as { fetchsimState: () => State }).fetchsimState = () => clone(state);

void main();
