// The script of the service's own pages. On the search page: the query and
// topics kept in the address bar, so that a search can be shared and Back
// from an article returns to it, and the topics to browse, with their
// counts. On the embed guide: this service's address in the snippet, and
// the snippet's copy button.

const lang = document.documentElement.lang === "ja" ? "ja" : "en";

if (document.body.dataset.page === "search") {
  document.querySelector("nmn-search")?.addEventListener("nmn-results", (e) => {
    const url = new URL(location.href);
    url.searchParams.delete("q");
    url.searchParams.delete("topic");
    if (e.detail.query) url.searchParams.set("q", e.detail.query);
    for (const t of e.detail.topics) url.searchParams.append("topic", t);
    history.replaceState(null, "", url);
  });
  showTopics();
}

// showTopics lists every topic, in the page's language, as a link that
// lists its articles; without an answer the section stays hidden.
async function showTopics() {
  const section = document.getElementById("topics");
  let topics;
  try {
    const r = await fetch("/api/topics");
    if (!r.ok) return;
    topics = (await r.json()).topics;
  } catch {
    return;
  }
  const list = section.querySelector("ul");
  for (const { value, count, articles, label } of topics) {
    const a = document.createElement("a");
    a.href = `/?topic=${encodeURIComponent(value)}`;
    a.dataset.topic = value;
    const n = document.createElement("span");
    n.className = "n";
    n.textContent = String(articles ?? count); // articles, as the results list them
    a.append(label?.[lang] || value, " ", n);
    const li = document.createElement("li");
    li.append(a);
    list.append(li);
  }
  section.hidden = topics.length === 0;
}

// The address as the browser reached it: the server, perhaps behind a proxy
// that ends TLS, cannot tell it for sure.
const widget = new URL("/widget.js", location);
document.getElementById("widget-url")?.replaceChildren(widget.href);
document.getElementById("service-origin")?.replaceChildren(widget.origin);

for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) continue; // the snippet can still be selected
  button.hidden = false;
  const label = button.textContent;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.textContent);
      button.textContent = button.dataset.done;
    } catch {
      button.textContent = button.dataset.failed;
    }
    setTimeout(() => (button.textContent = label), 2000);
  });
}
