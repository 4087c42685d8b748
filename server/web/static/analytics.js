// The script of /admin/analytics: it asks for the admin token, keeps it in
// a variable of this page only (never in the address, a cookie or storage),
// fetches GET /api/admin/analytics for the dates chosen (the last 30 days at
// first) and draws the report: searches per day as bars and the share that
// found nothing as a line, both SVG made here, and the top queries. No HTML
// is parsed: elements are made one by one (the page's CSP forbids the rest).

const lang = document.documentElement.lang === "ja" ? "ja" : "en";
const DEFAULT_DAYS = 30;
const CHART_HEIGHT = 180; // px, of the plot and its labels
const MIN_LABEL_GAP = 44; // px between two day labels

const M = {
  ja: {
    loading: "読み込み中…",
    shown: (from, to) => `${from} 〜 ${to}`,
    empty: "この期間の検索はまだありません。",
    order: "開始日を終了日と同じか、それより前にしてください。",
    errors: {
      401: "管理トークンが違います。",
      403: "このサーバーでは見られません(読み取り専用のレプリカか、別のオリジンからの要求です)。",
      404: "このサービスでは分析が有効になっていません(管理 API か -analytics がオフです)。",
      400: "この期間では集計できません。日付を確かめてください。",
      429: "短い間に試行が多すぎました。少し待ってからもう一度お試しください。",
      network: "サービスに接続できません。接続を確かめて、もう一度お試しください。",
      other: (s) => `レポートを取得できませんでした(HTTP ${s})。`,
    },
    totals: [["searches", "検索"], ["no_hits", "0件"], ["clicks", "クリック"]],
    rate: "0件の割合",
    ctr: "クリック率",
    none: "なし",
    topicsOnly: "(トピックのみ)",
    searchesOn: (day, n) => `${day}: 検索 ${n}件`,
    rateOn: (day, r, n, s) => `${day}: ${r}(${s}件中 ${n}件)`,
    searchesChart: (n, days) => `${days}日間の検索 ${n}件の棒グラフ`,
    rateChart: "日ごとの、何も見つからなかった検索の割合の折れ線グラフ",
  },
  en: {
    loading: "Loading…",
    shown: (from, to) => `${from} to ${to}`,
    empty: "No searches in these days yet.",
    order: "The first day must come before the last, or be the same.",
    errors: {
      401: "This is not the admin token.",
      403: "This server does not show it (a read-only replica, or a request from another origin).",
      404: "This service keeps no analytics: its admin API or -analytics is off.",
      400: "No report for these days: check the dates.",
      429: "Too many tries in a short time. Wait a moment and try again.",
      network: "The service cannot be reached. Check your connection and try again.",
      other: (s) => `The report could not be fetched (HTTP ${s}).`,
    },
    totals: [["searches", "Searches"], ["no_hits", "No hits"], ["clicks", "Clicks"]],
    rate: "No-hit rate",
    ctr: "Click-through",
    none: "None",
    topicsOnly: "(topics only)",
    searchesOn: (day, n) => `${day}: ${n} search${n === 1 ? "" : "es"}`,
    rateOn: (day, r, n, s) => `${day}: ${r} (${n} of ${s})`,
    searchesChart: (n, days) => `Bars of ${n} searches over ${days} days`,
    rateChart: "A line of the share of each day's searches that found nothing",
  },
}[lang];

const num = new Intl.NumberFormat(lang);
const pct = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 1 });
const dec = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

const $ = (id) => document.getElementById(id);
const form = $("report-form"), field = $("token"), from = $("from"), to = $("to");
const status = $("status"), report = $("report"), forget = $("forget"), hint = $("token-hint");
const hintText = hint.textContent;

let token = ""; // the admin token, once the service took it; nowhere else
let seq = 0; // the latest request; older answers are dropped
let shown = null; // the report drawn, to draw again at another width
let topicNames = new Map(); // topic -> its name in the page's language

// el makes an HTML element with attributes and children (text as text).
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

// svg makes an SVG element the same way.
function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...children);
  return e;
}

// isoDay is the local date of d as YYYY-MM-DD.
function isoDay(d) {
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

const today = new Date();
to.value = to.max = from.max = isoDay(today);
from.value = isoDay(new Date(today.getFullYear(), today.getMonth(), today.getDate() - (DEFAULT_DAYS - 1)));

form.addEventListener("submit", (e) => {
  e.preventDefault();
  load();
});

forget.addEventListener("click", () => setToken(""));

// setToken keeps t as the token, or with "" forgets it and asks again.
function setToken(t) {
  token = t;
  field.value = "";
  field.required = !t;
  forget.hidden = !t;
  hint.textContent = t ? hint.dataset.kept : hintText;
  if (!t) field.focus();
}

function say(text, error = false) {
  status.textContent = text;
  status.classList.toggle("error", error);
}

async function load() {
  const t = field.value.trim() || token;
  if (!t) return field.focus();
  if (from.value > to.value) return say(M.order, true);
  const n = ++seq;
  say(M.loading);
  let r, body = null;
  try {
    r = await fetch(`/api/admin/analytics?${new URLSearchParams({ from: from.value, to: to.value })}`, {
      headers: { Authorization: `Bearer ${t}` }, cache: "no-store",
    });
    body = await r.json().catch(() => null);
  } catch {
    if (n === seq) say(M.errors.network, true);
    return;
  }
  if (n !== seq) return;
  if (!r.ok || !body) {
    if (r.status === 401) setToken("");
    // The API's own words, in English, say what was wrong with the dates.
    const detail = r.status === 400 && lang === "en" && body?.error?.message ? ` (${body.error.message})` : "";
    say((M.errors[r.status] || M.errors.other(r.status)) + detail, true);
    return;
  }
  setToken(t);
  shown = body;
  await loadTopics();
  if (n === seq) draw(body);
}

// loadTopics reads the topics' names in the page's language, once; without
// them a query's topics show as the names it was filtered by.
async function loadTopics() {
  if (topicNames.size) return;
  try {
    const r = await fetch("/api/topics");
    if (r.ok) topicNames = new Map((await r.json()).topics.map((t) => [t.value, t.label?.[lang] || t.value]));
  } catch {
    // the names are a nicety
  }
}

// query is a query of the report as the cell of a table: its text, then the
// topics it was filtered by.
function query(q) {
  const text = q.q || M.topicsOnly;
  if (!q.topics?.length) return text;
  return el("span", {}, text, ...q.topics.map((t) => el("span", { class: "topic" }, topicNames.get(t) || t)));
}

// draw fills the page with a report of the API.
function draw(rep) {
  const days = rep.days || [];
  const sum = (k) => days.reduce((s, d) => s + (d[k] || 0), 0);
  const total = { searches: sum("searches"), no_hits: sum("no_hits"), clicks: sum("clicks") };
  say(total.searches ? M.shown(rep.from, rep.to) : `${M.shown(rep.from, rep.to)}: ${M.empty}`);
  report.hidden = false;

  const stat = (label, value) => el("li", {}, el("span", { class: "label" }, label), el("strong", {}, value));
  $("totals").replaceChildren(
    ...M.totals.map(([k, label]) => stat(label, num.format(total[k]))),
    stat(M.rate, total.searches ? pct.format(total.no_hits / total.searches) : "—"),
    stat(M.ctr, total.searches ? pct.format(total.clicks / total.searches) : "—"),
  );
  drawCharts();

  $("days").tBodies[0].replaceChildren(...days.map((d) => el("tr", {},
    el("td", {}, d.day), ...[d.searches, d.no_hits, d.clicks].map((v) => el("td", { class: "num" }, num.format(v || 0))))));

  fill("top", rep.top, 6, (q) => [
    query(q), num.format(q.searches), num.format(q.no_hits), num.format(q.clicks),
    q.searches ? pct.format(q.ctr) : "—", q.clicks && q.mean_first_position ? dec.format(q.mean_first_position) : "—",
  ]);
  fill("top-no-hits", rep.top_no_hits, 2, (q) => [query(q), num.format(q.searches)]);
  const other = $("other");
  other.hidden = !rep.other;
  other.textContent = rep.other ? other.dataset.text + num.format(rep.other) : "";
}

// fill puts a row of cells(item) in table id for each item, or one saying none.
function fill(id, items, columns, cells) {
  const rows = (items || []).map((item) => el("tr", {},
    ...cells(item).map((c, i) => el("td", i ? { class: "num" } : { class: "q" }, c))));
  if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: columns, class: "none" }, M.none)));
  $(id).tBodies[0].replaceChildren(...rows);
}

// The charts are drawn at the width of their place, and again when it
// changes (a phone turned, a window resized): text stays its size.
const figures = [$("chart-searches"), $("chart-nohits")];
let drawnWidth = 0;
new ResizeObserver(() => {
  if (shown && figures[0].clientWidth !== drawnWidth) drawCharts();
}).observe(figures[0]);

function drawCharts() {
  const days = shown.days || [];
  const w = (drawnWidth = figures[0].clientWidth);
  figures[0].replaceChildren(chart(w, days, "searches", M.searchesChart(num.format(days.reduce((s, d) => s + d.searches, 0)), days.length)));
  figures[1].replaceChildren(chart(w, days, "rate", M.rateChart));
}

// niceMax is the top of a scale that holds max, with its step: 1, 2 or 5
// times a power of ten, three or four steps.
function niceMax(max) {
  if (max <= 0) return [1, 1];
  const raw = max / 3;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw);
  return [Math.ceil(max / step) * step, step];
}

// chart is an SVG w px wide of the days: bars of the searches, or a line of
// the share that found nothing (no point on a day with no search).
function chart(w, days, kind, label) {
  const pad = { left: 44, right: 8, top: 10, bottom: 24 };
  const pw = Math.max(w - pad.left - pad.right, 1), ph = CHART_HEIGHT - pad.top - pad.bottom;
  const rate = kind === "rate";
  const values = days.map((d) => (rate ? (d.searches ? d.no_hits / d.searches : null) : d.searches));
  let [top, step] = niceMax(Math.max(0, ...values.filter((v) => v != null)) * (rate ? 100 : 1));
  if (rate) [top, step] = [Math.min(top, 100) / 100, Math.min(step, 100) / 100];
  else step = Math.max(step, 1);
  if (!rate) top = Math.max(top, step);
  const y = (v) => pad.top + ph - (v / top) * ph;
  const band = pw / Math.max(days.length, 1);
  const x = (i) => pad.left + band * (i + 0.5);
  const g = svg("svg", { width: w, height: CHART_HEIGHT, viewBox: `0 0 ${w} ${CHART_HEIGHT}`, role: "img", "aria-label": label });

  for (let v = 0; v <= top + step / 1e6; v += step) {
    g.append(svg("line", { class: "grid", x1: pad.left, x2: w - pad.right, y1: y(v), y2: y(v) }),
      svg("text", { class: "tick", x: pad.left - 6, y: y(v) + 4, "text-anchor": "end" }, rate ? pct.format(v) : num.format(v)));
  }
  const every = Math.max(1, Math.ceil(days.length / Math.max(1, Math.floor(pw / MIN_LABEL_GAP))));
  days.forEach((d, i) => {
    if ((days.length - 1 - i) % every === 0) { // the last day always labelled
      const [, m, dd] = d.day.split("-");
      g.append(svg("text", { class: "tick", x: x(i), y: CHART_HEIGHT - 6, "text-anchor": "middle" }, `${+m}/${+dd}`));
    }
  });

  if (!rate) {
    const bw = Math.max(1, Math.min(band * 0.7, 40));
    days.forEach((d, i) => {
      const h = Math.max(y(0) - y(d.searches), 0);
      g.append(svg("rect", { class: "bar", x: x(i) - bw / 2, y: y(0) - h, width: bw, height: h },
        svg("title", {}, M.searchesOn(d.day, num.format(d.searches)))));
    });
    return g;
  }
  let path = "", joined = false;
  values.forEach((v, i) => {
    if (v == null) return void (joined = false);
    path += `${joined ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    joined = true;
  });
  if (path) g.append(svg("path", { class: "line", d: path }));
  values.forEach((v, i) => {
    if (v == null) return;
    const d = days[i];
    g.append(svg("circle", { class: "point", cx: x(i), cy: y(v), r: 3 },
      svg("title", {}, M.rateOn(d.day, pct.format(v), num.format(d.no_hits), num.format(d.searches)))));
  });
  return g;
}
