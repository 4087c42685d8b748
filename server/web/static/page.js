// The search page's own script: this service's address in the embed snippet,
// the snippet's copy button, and the query kept in the address bar, so that a
// search can be shared and Back from an article returns to it.

const box = document.querySelector("nmn-search");
box?.addEventListener("nmn-results", (e) => {
  const url = new URL(location.href);
  url.searchParams.set("q", e.detail.query);
  history.replaceState(null, "", url);
});

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
