// <nmn-search>: the embeddable search box of nmnsearch, one ES module with no
// dependencies and no build step. Embed it with
//
//   <script type="module" src="https://HOST/widget.js"></script>
//   <nmn-search></nmn-search>
//
// Attributes: endpoint (the service, default: where this module came from),
// articles-base (where article links point, default: endpoint), lang (ja|en,
// every word the box shows), topics (comma-separated, chosen at start),
// placeholder, q (a query to run at start; empty, with topics, lists their
// articles), no-hotkey (leave "/" and Ctrl/Cmd+K alone), theme (light|dark,
// instead of the system's), no-analytics (count no searches). Theme it with
// the --nmn-* custom properties of CSS below; --nmn-max-height: none lets the
// results flow with the page.
//
// Text from the service reaches the page only as text nodes and <mark>
// elements, never as HTML; styles are a constructed stylesheet in a shadow
// root, so the box works under a CSP without 'unsafe-inline' and with
// require-trusted-types-for 'script'.

const DEBOUNCE_MS = 150; // typing pause before a search
const SEARCHING_MS = 300; // a search slower than this says it is running
const MAX_SUGGESTIONS = 5;
const MIN_SUGGEST_CHARS = 2; // a last word shorter than this is not completed
const RECORD_PAUSE_MS = 1500; // a rest on an answer that counts it as a search

// The API's numbers, as package search has them (TestWidgetLimits checks).
const PAGE_SIZE = 10; // articles per request: search.DefaultPageSize
const MAX_RESULT_WINDOW = 1000; // the limit on page*size: search.MaxResultWindow
const MAX_QUERY_CHARS = 256; // the limit on q: search.MaxQueryRunes

// The service this module was loaded from: its API and article pages.
const DEFAULT_BASE = new URL("/", import.meta.url).href;

// n of a countable English word, "1 article" or "2 articles".
const count = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

// Every word the box shows, in each language. errors has a message for
// each code of the API's errors (and network, for no answer): what
// happened and what to do, never the API's own English message.
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
    searching: "検索中…",
    total: (a, p) => `記事 ${a}件、${p}段落`,
    shown: (n, a, p) => `記事 ${a}件(${p}段落)中 ${n}件を表示`,
    none: (q) => (q ? `「${q}」に一致する記事はありません` : "一致する記事はありません"),
    didYouMean: "もしかして:",
    browse: "トピックから探す:",
    otherLang: (n, lang) => `${lang}の記事なら ${n}件あります。`,
    show: "表示する",
    langNames: { ja: "日本語", en: "英語" },
    retry: "もう一度試す",
    hints: [["↑↓", "移動"], ["Enter", "開く"], ["Esc", "閉じる"]],
    errors: {
      invalid_param: "この検索語では検索できません(長すぎるか、語が多すぎます)。短くしてもう一度お試しください。",
      rate_limited: "短い間に検索が多すぎました。少し待ってからもう一度お試しください。",
      overloaded: "検索サービスが混み合っています。少し待ってからもう一度お試しください。",
      not_ready: "検索サービスを準備しています。しばらくしてからもう一度お試しください。",
      timeout: "検索に時間がかかりすぎました。語を減らすか、もう一度お試しください。",
      internal: "検索サービスでエラーが起きました。しばらくしてからもう一度お試しください。",
      network: "検索サービスに接続できません。接続を確かめて、もう一度お試しください。",
    },
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
    searching: "Searching…",
    total: (a, p) => `${count(a, "article")}, ${count(p, "paragraph")}`,
    shown: (n, a, p) => `Showing ${n} of ${count(a, "article")}, ${count(p, "paragraph")}`,
    none: (q) => (q ? `No article matches “${q}”` : "No article matches"),
    didYouMean: "Did you mean:",
    browse: "Browse a topic:",
    otherLang: (n, lang) => `${count(n, "article")} in ${lang} match.`,
    show: "Show them",
    langNames: { ja: "Japanese", en: "English" },
    retry: "Try again",
    hints: [["↑↓", "to move"], ["Enter", "to open"], ["Esc", "to close"]],
    errors: {
      invalid_param: "This search cannot be run: it is too long or has too many words. Shorten it and try again.",
      rate_limited: "Too many searches in a short time. Wait a moment and try again.",
      overloaded: "The search service is busy. Wait a moment and try again.",
      not_ready: "The search service is starting. Try again in a minute.",
      timeout: "The search took too long. Try fewer words, or try again.",
      internal: "The search service had an error. Try again later.",
      network: "The search service cannot be reached. Check your connection and try again.",
    },
    code: "en",
  },
};

// The language switch; each language is named in itself.
const LANGS = [["", null], ["ja", "日本語"], ["en", "English"]];

// The colours of the dark theme: the system's (prefers-color-scheme) where
// the host page has a dark theme too (its color-scheme), or theme="dark";
// the --nmn-* properties still win.
const DARK = `color-scheme: dark;
  --_accent: var(--nmn-accent, #5fd0b5);
  --_bg: var(--nmn-bg, #1c2025);
  --_text: var(--nmn-text, #e6e9ec);
  --_muted: var(--nmn-muted, #a3adb7);
  --_border: var(--nmn-border, #444c56);
  --_mark: var(--nmn-mark, #6a5500);
  --_active: var(--nmn-active, #1d3b35);
  --_error: var(--nmn-error, #ff9b9b);`;

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
  --_error: var(--nmn-error, #a4161a);
  --_radius: var(--nmn-radius, 8px);
}
@media (prefers-color-scheme: dark) { :host([data-host-dark]:not([theme=light])) { ${DARK} } }
:host([theme=dark]) { ${DARK} }
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
.status.error { color: var(--_error); }
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
[role="option"] { display: block; cursor: pointer; }
.suggestion { padding: .45em .75em; border-top: 1px solid var(--_border); }
.group-label + .suggestion { border-top: 0; }
.suggestions:not([hidden]) + .hits, .entry + .entry { border-top: 1px solid var(--_border); }
[role="option"][aria-selected="true"] { background: var(--_active); outline: 2px solid var(--_accent); outline-offset: -2px; }
.entry { padding: .35em 0; }
.title {
  display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; overflow: hidden;
  padding: 0 .75em; margin: .25em 0; font-weight: 600; color: var(--_accent); text-decoration: none;
}
.title:hover, .hit a:hover .snippet { text-decoration: underline; }
.hit a { display: block; padding: .3em .75em .3em 1.5em; color: inherit; text-decoration: none; }
.section { display: block; font-size: .8125em; font-weight: 600; color: var(--_muted); }
.snippet { display: block; font-size: .875em; }
mark { background: var(--_mark); color: inherit; padding: 0 .05em; border-radius: 2px; }
.note:not(:empty) { padding: .6em .75em; font-size: .875em; border-top: 1px solid var(--_border); }
/* With no hits above it, the panel's edge or the filters' line is the
   note's: a second line would draw the edge twice as thick. */
.list:not(:has([role="option"])) + .note { border-top: 0; }
.note p { margin: .25em 0; display: flex; flex-wrap: wrap; align-items: center; gap: .4em; }
.note .chip { font-size: 1em; }
.link { border: 0; padding: 0; background: none; color: var(--_accent); cursor: pointer; text-decoration: underline; }
.more {
  display: block; width: 100%; padding: .6em; border: 0; border-top: 1px solid var(--_border);
  background: transparent; color: var(--_accent); cursor: pointer; font-weight: 600;
}
.more:enabled:hover { background: var(--_active); }
.more:disabled { color: var(--_muted); cursor: default; }
.hints {
  display: flex; gap: 1.25em; padding: .45em .75em; border-top: 1px solid var(--_border);
  font-size: .75em; color: var(--_muted);
}
@media (max-width: 420px) { kbd, .hints { display: none; } .filters { padding: .5em; } }
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

// ServiceError is an answer that is not a result: its status and the code
// of the API's error (none when the body was not the API's).
class ServiceError extends Error {
  constructor(status, code) {
    super(code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

// errorCode is the key of UI.errors that says what went wrong: the API's
// code, else one read from the status (a proxy's own page), else network
// (no answer at all: offline, DNS, CORS).
function errorCode(err) {
  if (!(err instanceof ServiceError)) return "network";
  return err.code || { 429: "rate_limited", 503: "overloaded", 504: "timeout" }[err.status] || "internal";
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

  #input; #status; #panel; #filters; #chips; #langs; #list; #suggestions; #hits; #more; #note; #hints;
  #chipButtons = new Map(); // topic -> button, kept so focus survives updates
  #chipLabels = new Map(); // topic -> its label in each language, from the API
  #wanted = null; // the topics attribute's names, until the service's are known
  #langCounts = new Map(); // lang value -> count span
  #topics = new Set(); // chosen topics (OR)
  #lang = ""; // "" (all), "ja" or "en"
  #browse = false; // an empty query lists the chosen topics' articles
  #query = ""; // the query of the hits shown
  #page = 0;
  #total = 0; // paragraphs found
  #articles = 0; // articles found
  #shown = 0; // articles shown
  #options = 0; // hit options made since the last new answer, for their ids
  #last = null; // the answer shown, for its empty state
  #allTopics = null; // every topic with its count, for the empty state
  #state = "idle"; // idle | results | error
  #error = "network"; // the key of UI.errors of the error state
  #searching = false; // a search has taken SEARCHING_MS and goes on
  #activeOption = null; // the option ↑/↓ moved to, if it is still shown
  #seq = 0; // number of the latest search; older answers are dropped
  #abort = null;
  #sugSeq = 0;
  #sugAbort = null;
  #timer = 0;
  #slowTimer = 0;
  #composing = false;
  #started = false;
  // Analytics (api/events): a search counts when the reader rests on its
  // answer, opens a hit or leaves, never when typed on; once, as is its
  // first click (so first positions need no id; no event carries one).
  #shownEv = null; // the search of the hits shown
  #pending = false; // it waits for a rest, a click or the page's end
  #sent = new Map(); // search key -> 1 recorded, 2 and clicked
  #recordTimer = 0;
  #onHide = (e) => {
    if (e.type === "pagehide" || document.hidden) this.#rest();
  };

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
        this.#wait(false);
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
    const opened = (e) => {
      const entry = e.target.closest?.("a") && e.target.closest(".entry");
      if (entry && (e.type === "click" || e.button === 1)) this.#opened(entry);
    };
    this.#hits = h("div", { class: "hits", role: "none", onclick: opened, onauxclick: opened });
    this.#list = h("div", { id: "list", class: "list", role: "listbox" }, this.#suggestions, this.#hits);
    this.#note = h("div", { class: "note" });
    this.#more = h("button", { type: "button", class: "more", hidden: "", onclick: () => this.#search(true) });
    this.#hints = h("div", { class: "hints" });
    this.#filters = h("div", { class: "filters" }, this.#chips, this.#langs);
    this.#panel = h("div", { class: "panel", hidden: "" },
      this.#filters, this.#list, this.#note, this.#more, this.#hints);
    root.append(h("div", { class: "root" },
      h("div", { class: "box" }, this.#input, h("kbd", { "aria-hidden": "true" }, "/")),
      this.#status, this.#panel));
  }

  connectedCallback() {
    boxes.add(this);
    // Form controls stay light on a page that declares no dark theme; so
    // does the box, which would clash with it.
    const scheme = getComputedStyle(document.documentElement).colorScheme + " " +
      (document.querySelector('meta[name="color-scheme"]')?.content || "");
    this.toggleAttribute("data-host-dark", /\bdark\b/.test(scheme));
    if (boxes.size === 1) document.addEventListener("keydown", onHotkey);
    addEventListener("pagehide", this.#onHide);
    document.addEventListener("visibilitychange", this.#onHide);
    this.#applyStrings();
    if (this.#started) return;
    this.#started = true;
    const wanted = (this.getAttribute("topics") || "").split(",").map((t) => t.trim()).filter(Boolean);
    if (wanted.length) this.#wanted = wanted;
    if (this.hasAttribute("q")) {
      this.#input.value = this.getAttribute("q");
      this.#browse = true;
      this.#search();
    }
  }

  disconnectedCallback() {
    boxes.delete(this);
    if (boxes.size === 0) document.removeEventListener("keydown", onHotkey);
    removeEventListener("pagehide", this.#onHide);
    document.removeEventListener("visibilitychange", this.#onHide);
    this.#rest();
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
    this.#chips.setAttribute("aria-label", ui.topics);
    this.#langs.querySelector("legend").textContent = ui.language;
    this.#langs.querySelector(".name").textContent = ui.all;
    this.#more.textContent = ui.more;
    const label = this.#suggestions.querySelector(".group-label");
    if (label) label.textContent = ui.suggestions;
    for (const [topic, button] of this.#chipButtons) {
      button.querySelector(".name").textContent = this.#chipLabels.get(topic)?.[ui.code] || topic;
    }
    this.#hints.replaceChildren(...ui.hints.map(([key, what]) => h("span", {}, h("kbd", {}, key), " ", what)));
    this.#renderStatus();
    this.#renderNote();
  }

  #url(attr, path, params) {
    let base = this.getAttribute(attr) ||
      (attr === "articles-base" && this.getAttribute("endpoint")) || DEFAULT_BASE;
    if (!base.endsWith("/")) base += "/";
    const url = new URL(path, new URL(base, document.baseURI));
    if (params) url.search = params;
    return url;
  }

  // #link is the address of an article's page, at paragraph n if given,
  // with the query to mark in it.
  #link(id, n) {
    const url = this.#url("articles-base", `articles/${encodeURIComponent(id)}`,
      this.#query && new URLSearchParams({ q: this.#query }));
    if (n) url.hash = `p-${n}`;
    return url.href;
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
    if (!r.ok || !body) throw new ServiceError(r.status, body?.error?.code);
    return body;
  }

  #schedule() {
    clearTimeout(this.#timer);
    this.#wait(false); // typed on
    this.#browse = false; // typed: the field holds the query
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
    this.#done();
  }

  // #done ends the signs of a search on its way.
  #done() {
    clearTimeout(this.#slowTimer);
    this.#searching = false;
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
    if (!more) {
      clearTimeout(this.#timer); // typing still pending is searched after more
      this.#wait(false);
    }
    this.#abort?.abort();
    this.#abort = null;
    clearTimeout(this.#slowTimer);
    const seq = ++this.#seq;
    const q = more ? this.#query : this.#input.value.trim();
    const filtered = () => this.#topics.size || this.#lang;
    if (!q && !(this.#browse && (filtered() || this.#wanted))) {
      this.#reset();
      return;
    }
    const page = more ? this.#page + 1 : 1;
    const abort = (this.#abort = new AbortController());
    this.#more.disabled = true;
    this.#list.setAttribute("aria-busy", "true");
    this.#slowTimer = setTimeout(() => {
      this.#searching = true;
      this.#renderStatus();
    }, SEARCHING_MS);
    let res;
    try {
      await this.#settleTopics(abort.signal);
      if (!q && !filtered()) {
        if (seq === this.#seq) this.#reset(); // the topics to browse are none the service has
        return;
      }
      const params = new URLSearchParams({ q, page: String(page), size: String(PAGE_SIZE), group: "article" });
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
    const known = new Set((await this.#topicList(signal)).map((t) => t.value));
    for (const t of this.#wanted) if (known.has(t)) this.#topics.add(t);
    this.#wanted = null;
  }

  // #topicList is every topic of the service with its paragraph count,
  // asked for once.
  async #topicList(signal) {
    this.#allTopics ??= (await this.#fetch("api/topics", new URLSearchParams(), signal)).topics;
    return this.#allTopics;
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
    this.#run(value.slice(0, start) + lead + text);
  }

  // #run searches q, in place of what the box holds and of what was typed
  // and not yet searched; with browse, an empty q lists the topics chosen.
  #run(q, browse = false) {
    this.#input.value = q;
    this.#browse = browse;
    this.#cancelPending();
    this.#renderSuggestions([]);
    this.#search();
  }

  #reset() {
    this.#sugAbort?.abort();
    this.#sugSeq++;
    this.#query = "";
    this.#state = "idle";
    this.#last = null;
    this.#shownEv = null;
    this.#hits.replaceChildren();
    this.#renderSuggestions([]);
    this.#more.hidden = true;
    this.#done();
    this.#open(false);
    this.#renderStatus();
    this.#renderNote();
  }

  // #fail shows the error state: what went wrong, in the box's language,
  // and no hits or counts of the query before.
  #fail(err) {
    this.#state = "error";
    this.#error = errorCode(err);
    this.#last = null;
    this.#shownEv = null;
    this.#hits.replaceChildren();
    this.#more.hidden = true;
    for (const span of [...this.#langCounts.values(), ...this.#chips.querySelectorAll(".n")]) span.textContent = "";
    this.#filters.hidden = !this.#chipButtons.size; // no filters yet: the first search failed
    this.#done();
    this.#keepActive();
    this.#renderStatus();
    this.#renderNote();
    this.#open(!this.#filters.hidden || this.#note.hasChildNodes());
  }

  #show(res, more) {
    if (!more) {
      this.#hits.replaceChildren();
      this.#options = 0;
      this.#keepActive();
      this.#list.scrollTop = 0;
    }
    this.#query = res.query;
    this.#page = res.page;
    this.#total = res.total;
    this.#articles = res.articles;
    this.#last = res;
    this.#state = "results";
    if (!more) {
      // a topic's list (no query) is browsing, no search
      this.#shownEv = res.query ? {
        t: "search", q: res.query, topics: [...this.#topics].sort(), lang: this.#lang,
        hits: res.total, articles: res.articles,
      } : null;
      this.#wait(!!res.query);
    }
    // One entry per article; an answer of paragraphs (a service before
    // group=article) is an entry per paragraph.
    const groups = res.groups || res.hits.map((hit) => ({ article: hit.article, hits: [hit] }));
    for (const group of groups) this.#hits.append(this.#entry(group));
    this.#shown = this.#hits.children.length;
    this.#renderChips(res.facets.topic);
    for (const { value, count } of res.facets.lang) {
      const span = this.#langCounts.get(value);
      if (span) span.textContent = String(count);
    }
    const all = res.facets.lang.reduce((sum, f) => sum + f.count, 0);
    this.#langCounts.get("").textContent = String(all);
    // Filters that would all find nothing are no help: the empty state
    // offers what to try instead.
    this.#filters.hidden = !all && !res.facets.topic.some((f) => f.count) && !this.#topics.size && !this.#lang;
    this.#more.hidden = !(this.#shown < res.articles && (res.page + 1) * res.size <= MAX_RESULT_WINDOW);
    this.#done();
    this.#renderStatus();
    this.#renderNote();
    this.#open(true);
    this.dispatchEvent(new CustomEvent("nmn-results", {
      bubbles: true, composed: true,
      detail: {
        query: res.query, total: res.total, articles: res.articles, shown: this.#shown,
        topics: [...this.#topics], lang: this.#lang,
      },
    }));
  }

  #renderStatus() {
    const ui = this.#ui();
    let text = "";
    if (this.#state === "error") text = ui.errors[this.#error] || ui.errors.internal;
    if (this.#state === "results") {
      if (this.#total === 0) text = ui.none(this.#query);
      else if (this.#shown < this.#articles) text = ui.shown(this.#shown, this.#articles, this.#total);
      else text = ui.total(this.#articles, this.#total);
    }
    if (this.#searching) text = ui.searching;
    this.#status.textContent = text;
    this.#status.classList.toggle("error", this.#state === "error" && !this.#searching);
  }

  // #renderNote fills the panel's note: after an error a way to try again;
  // after an answer with no hits, what to try instead: the service's
  // did-you-mean, the query's hits in the other language when the language
  // filter hid them, and the topics to browse.
  #renderNote() {
    const ui = this.#ui();
    const note = this.#note;
    note.replaceChildren();
    if (this.#state === "error" && this.#error !== "invalid_param") {
      note.append(h("p", {}, h("button", { type: "button", class: "link", onclick: () => this.#search() }, ui.retry)));
    }
    const res = this.#last;
    if (!res || res.total) return;
    const dym = res.did_you_mean;
    if (dym) {
      note.append(h("p", {}, ui.didYouMean,
        h("button", { type: "button", class: "link dym", onclick: () => this.#run(dym) }, dym)));
    }
    const other = res.facets.lang.find((f) => this.#lang && f.value !== this.#lang && f.count);
    if (other) {
      note.append(h("p", { class: "other-lang" }, ui.otherLang(other.count, ui.langNames[other.value] || other.value),
        h("button", {
          type: "button", class: "link", onclick: () => {
            this.#lang = "";
            this.#langs.querySelector("input").checked = true;
            this.#search();
          },
        }, ui.show)));
    }
    const seq = this.#seq;
    this.#topicList().then((topics) => {
      if (seq !== this.#seq || this.#last !== res || !topics.length) return;
      note.append(h("p", { class: "browse" }, ui.browse, ...topics.map(({ value, count, articles, label }) =>
        h("button", {
          type: "button", class: "chip", "data-topic": value, onclick: () => {
            this.#topics = new Set([value]);
            this.#wanted = null;
            this.#run("", true);
          },
        }, h("span", { class: "name" }, label?.[ui.code] || value), " ", h("span", { class: "n" }, String(articles ?? count))))));
    }, () => {}); // the topics are a nicety: without them, the note says less
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

  // #entry is one article of the answer: its title once, in its hits'
  // language, then its best paragraphs, each an option that links to it.
  // The title links to the article's top; the keyboard goes through the
  // paragraphs.
  #entry({ article, hits }) {
    const title = article.title || article.id;
    return h("div", { class: "entry", role: "group", "aria-label": title, "data-id": article.id },
      h("a", { class: "title", href: this.#link(article.id), tabindex: "-1", "aria-hidden": "true", lang: hits[0]?.lang },
        title),
      ...hits.map((hit, i) => this.#hitOption(hit, title, hits[i - 1]?.section)));
  }

  // #hitOption is a paragraph of an entry. Its section is shown once for
  // paragraphs of one section in a row; the others keep it for screen
  // readers, which read each option on its own.
  #hitOption(hit, title, before) {
    const section = hit.section && hit.section !== title && hit.section !== hit.text ? hit.section : null;
    const snippet = highlightParts(hit.highlight).map(([text, marked]) => (marked ? h("mark", {}, text) : text));
    return h("div", { role: "option", id: `h${this.#options++}`, class: "hit", "aria-selected": "false" },
      h("a", { href: this.#link(hit.article.id, hit.paragraph), tabindex: "-1", lang: hit.lang },
        section && h("span", { class: section === before ? "section vh" : "section" }, section),
        h("span", { class: "snippet" }, ...snippet)));
  }

  // #wait starts the rest that records the search shown; false drops it.
  #wait(on) {
    clearTimeout(this.#recordTimer);
    this.#pending = on;
    if (on) this.#recordTimer = setTimeout(() => this.#rest(), RECORD_PAUSE_MS);
  }

  // #rest records the search shown if it still waits.
  #rest() {
    if (this.#pending) this.#searched();
    this.#wait(false);
  }

  // #searched records the search shown, once, and returns its key.
  #searched() {
    const ev = this.#shownEv;
    if (!ev) return null;
    const key = JSON.stringify([ev.q, ev.topics, ev.lang]);
    if (!this.#sent.has(key)) {
      this.#sent.set(key, 1);
      this.#record(ev);
    }
    return key;
  }

  // #opened records a hit of entry opened: its search if not yet, and the
  // search's first click.
  #opened(entry) {
    this.#wait(false);
    const key = this.#searched();
    if (!key || this.#sent.get(key) > 1) return;
    this.#sent.set(key, 2);
    const { q, topics, lang } = this.#shownEv;
    this.#record({ t: "click", q, topics, lang, article: entry.dataset.id, pos: [...this.#hits.children].indexOf(entry) + 1 });
  }

  // #record sends an event in a way that outlives the page.
  #record(ev) {
    if (this.hasAttribute("no-analytics")) return;
    const url = this.#url("endpoint", "api/events").href, body = JSON.stringify(ev);
    if (!navigator.sendBeacon?.(url, body)) {
      fetch(url, {
        method: "POST", body, keepalive: true, credentials: "omit", mode: "no-cors", referrerPolicy: "no-referrer",
      }).catch(() => {});
    }
  }

  #allOptions() {
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
    this.#hints.hidden = !this.#allOptions().length; // nothing to move to or open
    this.#input.setAttribute("aria-expanded", String(open));
    if (!open) this.#setActive(null);
  }

  #onKey(e) {
    if (e.isComposing || e.keyCode === 229) return; // keys for the IME
    const options = this.#allOptions();
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
          this.#cancelPending();
          this.#reset();
        }
    }
  }
}

if (!customElements.get("nmn-search")) customElements.define("nmn-search", NmnSearch);
