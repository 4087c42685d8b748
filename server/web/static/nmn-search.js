// <nmn-search>: the embeddable search box of nmnsearch, one ES module with no
// dependencies and no build step. Embed it with
//
//   <script type="module" src="https://HOST/widget.js"></script>
//   <nmn-search></nmn-search>
//
// Attributes: endpoint (the service, default: where this module came from),
// articles-base (where article links point, default: endpoint), lang (ja|en,
// the UI strings), topics (comma-separated, chosen at start), placeholder,
// q (a query to run at start), no-hotkey (leave "/" and Ctrl/Cmd+K alone).
// Theme it with the --nmn-* custom properties of CSS below.
//
// Text from the service reaches the page only as text nodes and <mark>
// elements, never as HTML; styles are a constructed stylesheet in a shadow
// root, so the box works under a CSP without 'unsafe-inline' and with
// require-trusted-types-for 'script'.

const DEBOUNCE_MS = 150; // typing pause before a search
const MAX_SUGGESTIONS = 5;
const MIN_SUGGEST_CHARS = 2; // a last word shorter than this is not completed

// The API's numbers, as package search has them (TestWidgetLimits checks).
const PAGE_SIZE = 10; // hits per request: search.DefaultPageSize
const MAX_RESULT_WINDOW = 1000; // the limit on page*size: search.MaxResultWindow
const MAX_QUERY_CHARS = 256; // the limit on q: search.MaxQueryRunes

// The service this module was loaded from: its API and article pages.
const DEFAULT_BASE = new URL("/", import.meta.url).href;

const UI = {
  ja: {
    label: "NMN の記事を検索",
    placeholder: "キーワードで検索(例: メラトニン、NAD+)",
    results: "検索結果",
    suggestions: "候補",
    topics: "トピック",
    language: "言語",
    all: "すべて",
    more: "さらに表示",
    total: (n) => `${n}件`,
    shown: (n, total) => `${total}件中 ${n}件を表示`,
    none: (q) => `「${q}」に一致する段落はありません`,
    unavailable: "検索サービスに接続できません。しばらくしてからもう一度お試しください。",
    code: "ja", // the key of a topic's label in the API's facets
  },
  en: {
    label: "Search the NMN articles",
    placeholder: "Search (e.g. melatonin, NAD+)",
    results: "Results",
    suggestions: "Suggestions",
    topics: "Topics",
    language: "Language",
    all: "All",
    more: "Show more",
    total: (n) => (n === 1 ? "1 result" : `${n} results`),
    shown: (n, total) => `Showing ${n} of ${total} results`,
    none: (q) => `No paragraphs match “${q}”`,
    unavailable: "The search service is unavailable. Please try again later.",
    code: "en",
  },
};

// The language switch; each language is named in itself.
const LANGS = [["", null], ["ja", "日本語"], ["en", "English"]];

const CSS = `
:host {
  display: block;
  --_accent: var(--nmn-accent, #0a6e5c);
  --_bg: var(--nmn-bg, #fff);
  --_text: var(--nmn-text, #1f2328);
  --_muted: var(--nmn-muted, #58616a);
  --_border: var(--nmn-border, #c5cbd2);
  --_mark: var(--nmn-mark, #ffe98a);
  --_active: var(--nmn-active, #e6f2ef);
  --_radius: var(--nmn-radius, 8px);
}
:host([hidden]) { display: none; }
/* all: initial stops what the host page lets inherit (its color, font,
   letter-spacing, text-transform ...); sizes are in em of our own font, not
   rem, so the host's root font size does not scale the box either. */
.root {
  all: initial;
  display: block;
  font: var(--nmn-font-size, 16px) / 1.5 var(--nmn-font, system-ui, -apple-system, "Segoe UI",
    "Hiragino Sans", "Noto Sans CJK JP", "Noto Sans JP", "Yu Gothic", Meiryo, sans-serif);
  color: var(--_text);
  text-align: start;
  overflow-wrap: anywhere;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
input, button { font: inherit; color: inherit; margin: 0; }
:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
.box {
  display: flex; align-items: center; gap: .5em;
  background: var(--_bg); border: 1px solid var(--_border); border-radius: var(--_radius);
  padding: 0 .75em;
}
.box:focus-within { border-color: var(--_accent); box-shadow: 0 0 0 1px var(--_accent); }
.box input {
  flex: 1; min-width: 0; border: 0; background: transparent; outline: none;
  padding: .6em 0; font-size: 1em;
}
.box input::placeholder { color: var(--_muted); opacity: 1; }
.box input::-webkit-search-cancel-button { cursor: pointer; }
kbd {
  font: .8em/1 ui-monospace, monospace; color: var(--_muted);
  border: 1px solid var(--_border); border-radius: 4px; padding: .2em .45em;
}
.box:focus-within kbd { display: none; }
.status { margin: .35em .1em 0; min-height: 1.5em; color: var(--_muted); font-size: .875em; }
.status.error { color: #a4161a; }
.panel {
  margin-top: .25em; background: var(--_bg);
  border: 1px solid var(--_border); border-radius: var(--_radius); overflow: hidden;
}
.filters { display: flex; flex-wrap: wrap; gap: .5em 1em; padding: .6em .75em; border-bottom: 1px solid var(--_border); }
.chips, .langs { display: flex; flex-wrap: wrap; gap: .4em; }
.langs { border: 0; margin: 0; padding: 0; min-width: 0; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.chip, .langs label {
  display: inline-flex; align-items: center; gap: .35em; min-height: 2.25em;
  padding: .25em .75em; border: 1px solid var(--_border); border-radius: 999px;
  background: var(--_bg); cursor: pointer; font-size: .875em; line-height: 1.2;
}
.chip[aria-pressed="true"], .langs label:has(input:checked) {
  background: var(--_accent); border-color: var(--_accent); color: var(--_bg);
}
.chip.empty:not([aria-pressed="true"]) { color: var(--_muted); border-style: dashed; }
.n { font-variant-numeric: tabular-nums; opacity: .85; }
.langs input { position: absolute; opacity: 0; width: 1px; height: 1px; margin: 0; }
.langs label:has(input:focus-visible) { outline: 2px solid var(--_accent); outline-offset: 2px; }
.list { max-height: var(--nmn-max-height, 70vh); overflow-y: auto; }
.group-label { padding: .5em .75em .1em; font-size: .75em; font-weight: 600; color: var(--_muted); }
[role="option"] { display: block; border-top: 1px solid var(--_border); cursor: pointer; }
.group-label + [role="option"], .hits > [role="option"]:first-child { border-top: 0; }
.suggestions + .hits { border-top: 1px solid var(--_border); }
[role="option"][aria-selected="true"] { background: var(--_active); outline: 2px solid var(--_accent); outline-offset: -2px; }
.suggestion { padding: .45em .75em; }
.hit a { display: block; padding: .6em .75em; color: inherit; text-decoration: none; }
.hit a:hover .title { text-decoration: underline; }
.title { display: block; font-weight: 600; color: var(--_accent); }
.section { display: block; font-size: .8125em; color: var(--_muted); }
.snippet { display: block; font-size: .875em; margin-top: .15em; }
mark { background: var(--_mark); color: inherit; padding: 0 .05em; border-radius: 2px; }
.more {
  display: block; width: 100%; padding: .6em; border: 0; border-top: 1px solid var(--_border);
  background: transparent; color: var(--_accent); cursor: pointer; font-weight: 600;
}
.more:enabled:hover { background: var(--_active); }
.more:disabled { color: var(--_muted); cursor: default; }
@media (max-width: 420px) { kbd { display: none; } .filters { padding: .5em; } }
`;

let sheet; // one constructed stylesheet shared by every box on the page

// h makes an element: props become attributes (or listeners, for on*; null
// is left out), and children are appended, strings as text nodes. It never
// parses HTML.
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v);
  }
  el.append(...children.filter((c) => c != null && c !== false));
  return el;
}

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

// decodeEntities undoes HTML escaping in text: named entities of the five
// escaped characters and numeric references. Anything else stays as it is.
function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (all, e) => {
    if (e[0] !== "#") return ENTITIES[e.toLowerCase()] ?? all;
    const cp = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    const ok = cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
    return ok ? String.fromCodePoint(cp) : all;
  });
}

// highlightParts splits a highlight of the API (escaped text with <mark>
// tags) into [text, marked] pairs. It looks for the literal tags only: any
// other markup, escaped or not, comes out as text.
export function highlightParts(html) {
  const parts = [];
  let last = 0;
  for (const m of html.matchAll(/<mark>([\s\S]*?)<\/mark>/g)) {
    if (m.index > last) parts.push([decodeEntities(html.slice(last, m.index)), false]);
    parts.push([decodeEntities(m[1]), true]);
    last = m.index + m[0].length;
  }
  if (last < html.length) parts.push([decodeEntities(html.slice(last)), false]);
  return parts;
}

// ServiceError is an answer that is not a result: status and the API's message.
class ServiceError extends Error {
  constructor(status, message) {
    super(message || `HTTP ${status}`);
    this.status = status;
    this.apiMessage = message;
  }
}

// The boxes on the page, in the order they were connected: the first one
// that allows it takes the "/" and Ctrl/Cmd+K shortcuts.
const boxes = new Set();

function isEditable(el) {
  return el instanceof HTMLElement &&
    (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
}

function onHotkey(e) {
  const box = [...boxes].find((b) => !b.hasAttribute("no-hotkey"));
  if (!box || e.defaultPrevented || e.altKey) return;
  const modK = (e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey) && !e.shiftKey;
  const slash = e.key === "/" && !e.ctrlKey && !e.metaKey && !isEditable(e.composedPath()[0]);
  if (modK || slash) {
    e.preventDefault();
    box.focus();
  }
}

export class NmnSearch extends HTMLElement {
  static observedAttributes = ["lang", "placeholder"];

  #input; #status; #panel; #chips; #langs; #list; #suggestions; #hits; #more;
  #chipButtons = new Map(); // topic -> button, kept so focus survives updates
  #chipLabels = new Map(); // topic -> its label in each language, from the API
  #wanted = null; // the topics attribute's names, until the service's are known
  #langCounts = new Map(); // lang value -> count span
  #topics = new Set(); // chosen topics (OR)
  #lang = ""; // "" (all), "ja" or "en"
  #query = ""; // the query of the hits shown
  #page = 0;
  #total = 0;
  #state = "idle"; // idle | results | error
  #error = null; // the message of the error state, null for "unavailable"
  #activeOption = null; // the option ↑/↓ moved to, if it is still shown
  #seq = 0; // number of the latest search; older answers are dropped
  #abort = null;
  #sugSeq = 0;
  #sugAbort = null;
  #timer = 0;
  #composing = false;
  #started = false;

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open", delegatesFocus: true });
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
    }
    root.adoptedStyleSheets = [sheet];

    this.#input = h("input", {
      type: "search", role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
      "aria-controls": "list", autocomplete: "off", autocapitalize: "off", spellcheck: "false",
      enterkeyhint: "search", maxlength: String(MAX_QUERY_CHARS),
      oninput: (e) => {
        if (!e.isComposing && !this.#composing) this.#schedule();
      },
      oncompositionstart: () => {
        this.#composing = true;
        clearTimeout(this.#timer);
      },
      oncompositionend: () => {
        this.#composing = false;
        this.#schedule();
      },
      onkeydown: (e) => this.#onKey(e),
    });
    this.#status = h("p", { class: "status", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    this.#chips = h("div", { class: "chips", role: "group" });
    this.#langs = h("fieldset", { class: "langs" }, h("legend", { class: "vh" }));
    for (const [value, name] of LANGS) {
      const radio = h("input", { type: "radio", name: "lang", value });
      radio.checked = value === "";
      radio.addEventListener("change", () => {
        this.#lang = value;
        this.#search();
      });
      const count = h("span", { class: "n" });
      this.#langCounts.set(value, count);
      this.#langs.append(h("label", {}, radio, h("span", { class: "name", lang: value || null }, name ?? ""), count));
    }
    this.#suggestions = h("div", { class: "suggestions", role: "group", "aria-labelledby": "sg-label", hidden: "" });
    this.#hits = h("div", { class: "hits", role: "group" });
    this.#list = h("div", { id: "list", class: "list", role: "listbox" }, this.#suggestions, this.#hits);
    this.#more = h("button", { type: "button", class: "more", hidden: "", onclick: () => this.#search(true) });
    this.#panel = h("div", { class: "panel", hidden: "" },
      h("div", { class: "filters" }, this.#chips, this.#langs), this.#list, this.#more);
    root.append(h("div", { class: "root" },
      h("div", { class: "box" }, this.#input, h("kbd", { "aria-hidden": "true" }, "/")),
      this.#status, this.#panel));
  }

  connectedCallback() {
    boxes.add(this);
    if (boxes.size === 1) document.addEventListener("keydown", onHotkey);
    this.#applyStrings();
    if (this.#started) return;
    this.#started = true;
    const wanted = (this.getAttribute("topics") || "").split(",").map((t) => t.trim()).filter(Boolean);
    if (wanted.length) this.#wanted = wanted;
    const q = this.getAttribute("q");
    if (q) {
      this.#input.value = q;
      this.#search();
    }
  }

  disconnectedCallback() {
    boxes.delete(this);
    if (boxes.size === 0) document.removeEventListener("keydown", onHotkey);
    this.#cancelPending();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.#applyStrings();
  }

  // #ui is the UI strings: the lang attribute, else the nearest lang of the
  // page, else the browser's language.
  #ui() {
    const lang = this.getAttribute("lang") || this.closest("[lang]")?.lang || navigator.language || "";
    return lang.toLowerCase().startsWith("ja") ? UI.ja : UI.en;
  }

  #applyStrings() {
    const ui = this.#ui();
    this.#input.setAttribute("aria-label", ui.label);
    this.#input.placeholder = this.getAttribute("placeholder") || ui.placeholder;
    this.#list.setAttribute("aria-label", ui.results);
    this.#hits.setAttribute("aria-label", ui.results);
    this.#chips.setAttribute("aria-label", ui.topics);
    this.#langs.querySelector("legend").textContent = ui.language;
    this.#langs.querySelector(".name").textContent = ui.all;
    this.#more.textContent = ui.more;
    const label = this.#suggestions.querySelector(".group-label");
    if (label) label.textContent = ui.suggestions;
    for (const [topic, button] of this.#chipButtons) {
      button.querySelector(".name").textContent = this.#chipLabels.get(topic)?.[ui.code] || topic;
    }
    this.#renderStatus();
  }

  #url(attr, path, params) {
    let base = this.getAttribute(attr) ||
      (attr === "articles-base" && this.getAttribute("endpoint")) || DEFAULT_BASE;
    if (!base.endsWith("/")) base += "/";
    const url = new URL(path, new URL(base, document.baseURI));
    if (params) url.search = params;
    return url;
  }

  // #fetch GETs a JSON answer of the API. Credentials and the host page's
  // address (Referer) are never sent: the page may be about someone's health.
  async #fetch(path, params, signal) {
    const r = await fetch(this.#url("endpoint", path, params), {
      signal, credentials: "omit", referrerPolicy: "no-referrer",
    });
    let body = null;
    try {
      body = await r.json();
    } catch (err) {
      if (err.name === "AbortError") throw err;
    }
    if (!r.ok || !body) throw new ServiceError(r.status, body?.error?.message);
    return body;
  }

  #schedule() {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#search();
      this.#suggest();
    }, DEBOUNCE_MS);
  }

  // #cancelPending drops the typing not yet searched, and the searches and
  // suggestions not yet answered: their requests are aborted, and answers
  // that come all the same are ignored.
  #cancelPending() {
    clearTimeout(this.#timer);
    this.#abort?.abort();
    this.#sugAbort?.abort();
    this.#abort = this.#sugAbort = null;
    this.#seq++;
    this.#sugSeq++;
    this.#list.removeAttribute("aria-busy");
    this.#more.disabled = false;
  }

  // #search runs the query in the box, or its next page when more. A search
  // aborts the one before it, and an answer is shown only if no search was
  // started after it: a slow first answer never replaces a fast second one.
  async #search(more = false) {
    // More is more of the hits shown, whatever the field holds by now; a
    // search on its way will replace them, so there is no more of them.
    if (more && this.#abort) return;
    if (!more) clearTimeout(this.#timer); // typing still pending is searched after more
    this.#abort?.abort();
    this.#abort = null;
    const seq = ++this.#seq;
    const q = more ? this.#query : this.#input.value.trim();
    if (!q) {
      this.#reset();
      return;
    }
    const page = more ? this.#page + 1 : 1;
    const abort = (this.#abort = new AbortController());
    this.#more.disabled = true;
    this.#list.setAttribute("aria-busy", "true");
    let res;
    try {
      await this.#settleTopics(abort.signal);
      const params = new URLSearchParams({ q, page: String(page), size: String(PAGE_SIZE) });
      for (const t of this.#topics) params.append("topic", t);
      if (this.#lang) params.set("lang", this.#lang);
      res = await this.#fetch("api/search", params, abort.signal);
    } catch (err) {
      if (seq !== this.#seq) return;
      this.#abort = null;
      if (err.name !== "AbortError") this.#fail(err);
      return;
    }
    if (seq !== this.#seq) return;
    this.#abort = null;
    this.#show(res, more);
  }

  // #settleTopics chooses the topics of the topics attribute that the
  // service has (its topics file, /api/topics), once: a name it lacks would
  // filter the hits with no chip to show it or undo it.
  async #settleTopics(signal) {
    if (!this.#wanted) return;
    const res = await this.#fetch("api/topics", new URLSearchParams(), signal);
    const known = new Set(res.topics.map((t) => t.value));
    for (const t of this.#wanted) if (known.has(t)) this.#topics.add(t);
    this.#wanted = null;
  }

  async #suggest() {
    this.#sugAbort?.abort();
    const seq = ++this.#sugSeq;
    const value = this.#input.value;
    const word = value.slice(value.search(/\S*$/)).replace(/^[-"]+/, "");
    if ([...word].length < MIN_SUGGEST_CHARS) {
      this.#renderSuggestions([]);
      return;
    }
    const abort = (this.#sugAbort = new AbortController());
    let res;
    try {
      res = await this.#fetch("api/suggest", new URLSearchParams({ q: value }), abort.signal);
    } catch {
      res = { suggestions: [] }; // completions are a nicety: fail quietly
    }
    if (seq !== this.#sugSeq) return;
    const typed = word.toLowerCase();
    this.#renderSuggestions(res.suggestions
      .filter((s) => s.text.toLowerCase() !== typed).slice(0, MAX_SUGGESTIONS));
  }

  // #complete puts a suggestion in place of the last word and searches.
  #complete(text) {
    const value = this.#input.value;
    const start = value.search(/\S*$/);
    const lead = value.slice(start).match(/^[-"]*/)[0];
    this.#input.value = value.slice(0, start) + lead + text;
    this.#cancelPending();
    this.#renderSuggestions([]);
    this.#search();
  }

  #reset() {
    this.#sugAbort?.abort();
    this.#sugSeq++;
    this.#query = "";
    this.#state = "idle";
    this.#hits.replaceChildren();
    this.#renderSuggestions([]);
    this.#more.hidden = true;
    this.#list.removeAttribute("aria-busy");
    this.#open(false);
    this.#renderStatus();
  }

  #fail(err) {
    this.#state = "error";
    // The API's own message for a request it refused (q too long ...);
    // anything else (network, CORS, 5xx) is "unavailable".
    const refused = err instanceof ServiceError && err.status >= 400 && err.status < 500 && err.status !== 429;
    this.#error = refused ? err.apiMessage : null;
    this.#hits.replaceChildren();
    this.#more.hidden = true;
    this.#list.removeAttribute("aria-busy");
    this.#keepActive();
    this.#renderStatus();
    this.#open(true);
  }

  #show(res, more) {
    if (!more) {
      this.#hits.replaceChildren();
      this.#keepActive();
      this.#list.scrollTop = 0;
    }
    this.#query = res.query;
    this.#page = res.page;
    this.#total = res.total;
    this.#state = "results";
    for (const hit of res.hits) this.#hits.append(this.#hitOption(hit, this.#hits.children.length));
    this.#renderChips(res.facets.topic);
    for (const { value, count } of res.facets.lang) {
      const span = this.#langCounts.get(value);
      if (span) span.textContent = String(count);
    }
    const all = res.facets.lang.reduce((sum, f) => sum + f.count, 0);
    this.#langCounts.get("").textContent = String(all);
    const shown = this.#hits.children.length;
    this.#more.hidden = !(shown < res.total && (res.page + 1) * res.size <= MAX_RESULT_WINDOW);
    this.#more.disabled = false;
    this.#list.removeAttribute("aria-busy");
    this.#renderStatus();
    this.#open(true);
    this.dispatchEvent(new CustomEvent("nmn-results", {
      bubbles: true, composed: true, detail: { query: res.query, total: res.total, shown },
    }));
  }

  #renderStatus() {
    const ui = this.#ui();
    let text = "";
    if (this.#state === "error") text = this.#error || ui.unavailable;
    if (this.#state === "results") {
      const shown = this.#hits.children.length;
      if (this.#total === 0) text = ui.none(this.#query);
      else text = shown < this.#total ? ui.shown(shown, this.#total) : ui.total(this.#total);
    }
    this.#status.textContent = text;
    this.#status.classList.toggle("error", this.#state === "error");
  }

  #renderChips(facets) {
    const ui = this.#ui();
    for (const { value, count, label } of facets) {
      if (label) this.#chipLabels.set(value, label);
      let button = this.#chipButtons.get(value);
      if (!button) {
        button = h("button", {
          type: "button", class: "chip", "data-topic": value,
          onclick: () => {
            if (!this.#topics.delete(value)) this.#topics.add(value);
            this.#search();
          },
        }, h("span", { class: "name" }, label?.[ui.code] || value), " ", h("span", { class: "n" }));
        this.#chipButtons.set(value, button);
        this.#chips.append(button);
      }
      button.setAttribute("aria-pressed", String(this.#topics.has(value)));
      button.classList.toggle("empty", count === 0);
      button.querySelector(".n").textContent = String(count);
    }
  }

  #renderSuggestions(list) {
    this.#suggestions.replaceChildren();
    this.#keepActive();
    this.#suggestions.hidden = list.length === 0;
    if (!list.length) return;
    this.#suggestions.append(h("div", { id: "sg-label", class: "group-label", role: "presentation" },
      this.#ui().suggestions));
    list.forEach((s, i) => {
      this.#suggestions.append(h("div", {
        role: "option", id: `s${i}`, class: "suggestion", "aria-selected": "false", "data-text": s.text,
        onmousedown: (e) => e.preventDefault(), // keep the focus in the box
        onclick: () => this.#complete(s.text),
      }, s.text));
    });
    if (this.#input.value.trim()) this.#open(true);
  }

  #hitOption(hit, i) {
    const link = this.#url("articles-base", `articles/${encodeURIComponent(hit.article.id)}`,
      new URLSearchParams({ q: this.#query }));
    link.hash = `p-${hit.paragraph}`;
    const title = hit.article.title || hit.article.id;
    const section = hit.section && hit.section !== title && hit.section !== hit.text ? hit.section : null;
    const snippet = highlightParts(hit.highlight).map(([text, marked]) => (marked ? h("mark", {}, text) : text));
    return h("div", { role: "option", id: `h${i}`, class: "hit", "aria-selected": "false" },
      h("a", { href: link.href, tabindex: "-1" },
        h("span", { class: "title" }, title),
        section && h("span", { class: "section" }, section),
        h("span", { class: "snippet", lang: hit.lang }, ...snippet)));
  }

  #options() {
    return [...this.#list.querySelectorAll('[role="option"]')];
  }

  // #setActive makes option (or none, for null) the active one: marked
  // for the eye with aria-selected, for screen readers with
  // aria-activedescendant, while the focus stays in the field.
  #setActive(option) {
    this.#activeOption?.setAttribute("aria-selected", "false");
    this.#activeOption = option;
    if (option) {
      option.setAttribute("aria-selected", "true");
      this.#input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      this.#input.removeAttribute("aria-activedescendant");
    }
  }

  // #keepActive drops the active option if an answer replaced it: moving
  // through the suggestions goes on while new hits arrive below them.
  #keepActive() {
    if (this.#activeOption && !this.#activeOption.isConnected) this.#setActive(null);
  }

  // #open shows or hides the panel; there is nothing to show before the
  // first answer or suggestion.
  #open(on) {
    const open = on && (this.#state !== "idle" || !this.#suggestions.hidden);
    this.#panel.hidden = !open;
    this.#input.setAttribute("aria-expanded", String(open));
    if (!open) this.#setActive(null);
  }

  #onKey(e) {
    if (e.isComposing || e.keyCode === 229) return; // keys for the IME
    const options = this.#options();
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp": {
        if (!options.length) return;
        e.preventDefault();
        if (this.#panel.hidden) {
          this.#open(true);
          return;
        }
        const i = options.indexOf(this.#activeOption) + (e.key === "ArrowDown" ? 1 : -1);
        this.#setActive(options[Math.min(i, options.length - 1)] ?? null);
        return;
      }
      case "Enter": {
        e.preventDefault();
        const option = this.#panel.hidden ? null : this.#activeOption;
        if (!option) this.#search();
        else if (option.dataset.text != null) this.#complete(option.dataset.text);
        else option.querySelector("a").click();
        return;
      }
      case "Escape":
        if (!this.#panel.hidden) {
          e.preventDefault();
          this.#cancelPending(); // or a late answer would open the panel again
          this.#open(false);
        } else if (this.#input.value) {
          e.preventDefault();
          this.#input.value = "";
          this.#search();
        }
    }
  }
}

if (!customElements.get("nmn-search")) customElements.define("nmn-search", NmnSearch);
