// A tiny DOM builder: every text goes in as text, never as HTML.

type Attrs = Record<string, string | number | boolean | undefined | null | EventListener>;
export type Child = Node | string | number | null | undefined | false | Child[];

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2), v as EventListener);
    } else if (k === "value" && "value" in el) {
      (el as unknown as { value: string }).value = String(v);
    } else if (k === "checked" && "checked" in el) {
      (el as unknown as { checked: boolean }).checked = Boolean(v);
    } else if (v === true) {
      el.setAttribute(k, "");
    } else {
      el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

let counter = 0;
/** A fresh id for label/input pairs. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** The short name of a Fetch Standard anchor: `#concept-cors-check`. */
export function anchorName(url: string): string {
  const i = url.indexOf("#");
  return i >= 0 ? url.slice(i) : url;
}

export function specLink(url: string, label?: string): HTMLAnchorElement {
  return h("a", { href: url, class: "spec", rel: "noreferrer", target: "_blank", title: url }, label ?? anchorName(url));
}
