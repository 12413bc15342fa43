// Tandem's one script. It only enhances: every page works without it.

/** Asks before destructive form posts (forms with data-confirm). */
function confirmForms() {
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
}

/** Live updates: when a colleague changes what this page shows, refetch it. */
function liveUpdates() {
  const live = document.querySelectorAll("[data-live]");
  if (live.length === 0 || !("EventSource" in window)) {
    return;
  }
  const topics = new Set([...live].map((el) => el.dataset.live));
  const source = new EventSource("/events");
  let pending = null;
  source.addEventListener("change", (event) => {
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    if (!topics.has(data.topic) || pending) {
      return;
    }
    pending = setTimeout(() => {
      pending = null;
      refresh();
    }, 250);
  });
  window.addEventListener("pagehide", () => source.close());
}

/** Replaces the live parts of the page with their fresh versions. */
async function refresh() {
  const active = document.activeElement;
  if (active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA" || active.tagName === "SELECT")) {
    return; // never disturb someone typing
  }
  const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
  if (!response.ok) {
    return;
  }
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  const current = document.querySelectorAll("[data-live]");
  const next = fresh.querySelectorAll("[data-live]");
  if (current.length !== next.length) {
    document.querySelector("main").replaceWith(fresh.querySelector("main"));
    return;
  }
  current.forEach((el, i) => el.replaceWith(next[i]));
}

/** On a phone, secondary filters start folded away unless one is in use. */
function foldFilters() {
  if (!window.matchMedia("(max-width: 700px)").matches) {
    return;
  }
  for (const details of document.querySelectorAll("details.more-filters:not([data-active])")) {
    details.open = false;
  }
}

/** `/` focuses the search box, unless the user is typing somewhere. */
function searchShortcut() {
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
    const box = document.getElementById("top-q");
    if (event.key === "/" && !typing && box && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      box.focus();
    }
  });
}

confirmForms();
searchShortcut();
foldFilters();
liveUpdates();
