// Tandem's one script. It only enhances: every page works without it (links, forms).
//
// - confirmations before destructive posts (forms with data-confirm)
// - live updates over SSE for the parts marked data-live, with a note who changed them
// - the pipeline board: drag and drop, Shift + arrow keys, each falling back to the
//   card's own "move to" form
// - quick-add dialogs (links with data-dialog; keyboard: N, then a letter)
// - typeahead under the search box (`/` focuses it) and account names in forms
// - drag and drop for ordered settings lists (data-reorder)
// - filter forms that apply themselves (data-autosubmit), phone-folded filters

const body = document.body;
const csrf = body.dataset.csrf || "";

/** A short message at the bottom of the screen, read out by screen readers. */
function toast(message, kind = "") {
  let box = document.getElementById("toast");
  if (!box) {
    box = document.createElement("div");
    box.id = "toast";
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    body.append(box);
  }
  box.className = `toast ${kind}`;
  box.textContent = message;
  box.hidden = false;
  clearTimeout(box.timer);
  box.timer = setTimeout(() => {
    box.hidden = true;
  }, kind === "error" ? 8000 : 4000);
}

function isTyping(target) {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))
  );
}

/**
 * Says how long a field may be once it is full: the browser cuts a longer text at
 * `maxlength` without a word, which looks like lost input.
 */
function lengthHints() {
  const text = document.body.dataset.maxChars;
  if (!text) {
    return;
  }
  document.addEventListener("input", (event) => {
    const field = event.target;
    const max = Number(field.getAttribute?.("maxlength"));
    if (!max || !("value" in field)) {
      return;
    }
    let hint = field.nextElementSibling;
    if (!hint || !hint.matches(".length-hint")) {
      if (field.value.length < max) {
        return;
      }
      hint = document.createElement("p");
      hint.className = "hint length-hint";
      hint.setAttribute("aria-live", "polite");
      field.after(hint);
    }
    hint.hidden = field.value.length < max;
    hint.textContent = text.replace("{max}", max.toLocaleString(document.documentElement.lang));
  });
}

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

/** Live updates: when anybody changes what this page shows, refetch it. */
function liveUpdates() {
  const live = document.querySelectorAll("[data-live]");
  const bell = document.querySelector("[data-bell]");
  if (bell) {
    unreadCount(bell);
  }
  if ((live.length === 0 && !bell) || !("EventSource" in window)) {
    return;
  }
  const topics = new Set([...live].map((el) => el.dataset.live));
  const source = new EventSource("/events");
  source.addEventListener("open", () => {
    body.dataset.liveConnected = "true";
  });
  let pending = null;
  let changed = [];
  source.addEventListener("change", (event) => {
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    if (data.topic === "notifications" && bell) {
      unreadCount(bell);
    }
    if (!topics.has(data.topic)) {
      return;
    }
    changed.push(data);
    if (pending) {
      return;
    }
    pending = setTimeout(async () => {
      pending = null;
      const events = changed;
      changed = [];
      await refresh();
      for (const e of events) {
        const card = e.id && document.querySelector(`[data-deal="${e.id}"]`);
        if (card) {
          card.classList.add("flash");
        }
      }
      const other = events.find((e) => e.actor && e.actor !== body.dataset.me && e.actor_name);
      if (other) {
        toast((body.dataset.liveNote || "").replace("{user}", other.actor_name));
      }
    }, 150);
  });
  window.addEventListener("pagehide", () => source.close());
}

/** Shows the number of unread notifications on the bell. */
async function unreadCount(bell) {
  const badge = bell.querySelector("[data-unread]");
  try {
    const response = await fetch("/notifications/unread", { headers: { Accept: "application/json" } });
    if (!response.ok) {
      return;
    }
    const { unread } = await response.json();
    badge.textContent = unread > 99 ? "99+" : String(unread);
    badge.hidden = unread === 0;
    bell.classList.toggle("has-unread", unread > 0);
  } catch {
    // Offline for a moment: the next event tries again.
  }
}

/** Replaces the live parts of the page with their fresh versions. */
async function refresh() {
  const active = document.activeElement;
  if (isTyping(active) || document.querySelector("dialog[open], details.card-menu[open]")) {
    return; // never disturb someone typing or choosing
  }
  const focused = active instanceof HTMLElement ? active.dataset.deal : undefined;
  const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
  if (!response.ok) {
    return;
  }
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  const current = document.querySelectorAll("[data-live]");
  const next = fresh.querySelectorAll("[data-live]");
  if (current.length !== next.length) {
    document.querySelector("main").replaceWith(fresh.querySelector("main"));
  } else {
    current.forEach((el, i) => el.replaceWith(next[i]));
  }
  if (focused) {
    document.querySelector(`[data-deal="${focused}"]`)?.focus();
  }
}

/** The pipeline board: drag and drop and Shift + arrow keys move cards between stages. */
function board() {
  let dragged = null;
  const boardOf = (el) => el instanceof Element && el.closest("[data-board]");
  document.addEventListener("dragstart", (event) => {
    const card = event.target instanceof Element && event.target.closest(".deal-card[draggable='true']");
    if (!card || !boardOf(card)) {
      return;
    }
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.deal);
    card.classList.add("dragging");
  });
  document.addEventListener("dragend", () => {
    dragged?.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".drop-target").forEach((c) => c.classList.remove("drop-target"));
  });
  document.addEventListener("dragover", (event) => {
    const column = event.target instanceof Element && event.target.closest("[data-board] .column");
    if (!column || !dragged) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    document.querySelectorAll(".drop-target").forEach((c) => c !== column && c.classList.remove("drop-target"));
    column.classList.add("drop-target");
  });
  document.addEventListener("drop", (event) => {
    const column = event.target instanceof Element && event.target.closest("[data-board] .column");
    if (!column || !dragged) {
      return;
    }
    event.preventDefault();
    column.classList.remove("drop-target");
    moveCard(dragged, column, false);
  });
  document.addEventListener("keydown", (event) => {
    const card = event.target;
    if (
      !event.shiftKey ||
      !["ArrowLeft", "ArrowRight"].includes(event.key) ||
      !(card instanceof HTMLElement) ||
      !card.matches(".deal-card[draggable='true']")
    ) {
      return;
    }
    const columns = [...boardOf(card).querySelectorAll(".column")];
    const here = columns.indexOf(card.closest(".column"));
    const target = columns[here + (event.key === "ArrowRight" ? 1 : -1)];
    if (target) {
      event.preventDefault();
      moveCard(card, target, true);
    }
  });
}

/** Moves a card at once, asks the server, and puts it back with the reason if refused. */
async function moveCard(card, column, keepFocus) {
  const from = card.parentElement;
  const before = card.nextElementSibling;
  if (card.closest(".column") === column) {
    return;
  }
  column.querySelector("ol.cards")?.prepend(card);
  column.querySelector(".empty")?.remove();
  card.classList.add("moving");
  if (keepFocus) {
    card.focus();
  }
  const status = document.getElementById("board-status");
  let response;
  try {
    response = await fetch(`/deals/${card.dataset.deal}/stage`, {
      method: "POST",
      headers: { "X-Requested-With": "fetch", "X-CSRF-Token": csrf },
      body: new URLSearchParams({ version: card.dataset.version, stage_id: column.dataset.stage }),
    });
  } catch {
    response = null;
  }
  card.classList.remove("moving");
  if (response && response.status === 204) {
    const name = column.querySelector("h2")?.firstChild?.textContent?.trim() ?? "";
    if (status) {
      status.textContent = `${card.querySelector(".card-title")?.textContent ?? ""} → ${name}`;
    }
    await refresh();
    if (keepFocus) {
      document.querySelector(`[data-deal="${card.dataset.deal}"]`)?.focus();
    }
    return;
  }
  from.insertBefore(card, before);
  if (keepFocus) {
    card.focus();
  }
  let message = body.dataset.moveFailed || "";
  try {
    message = (await response.json()).message || message;
  } catch {
    // keep the general message
  }
  toast(message, "error");
}

/** Quick-add dialogs: a link with data-dialog opens its form in a dialog. */
function dialogs() {
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element && event.target.closest("a[data-dialog]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
      return;
    }
    event.preventDefault();
    link.closest("details")?.removeAttribute("open");
    openDialog(link.href);
  });
  let pendingN = false;
  document.addEventListener("keydown", (event) => {
    if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey || document.querySelector("dialog[open]")) {
      return;
    }
    const key = event.key.toLowerCase();
    if (pendingN) {
      pendingN = false;
      const link = document.querySelector(`.quickadd a[data-key="${key}" i]`);
      if (link) {
        event.preventDefault();
        document.querySelector(".quickadd")?.removeAttribute("open");
        openDialog(link.href);
      }
      return;
    }
    if (key === "n" && document.querySelector(".quickadd")) {
      event.preventDefault();
      pendingN = true;
      const menu = document.querySelector(".quickadd");
      menu.setAttribute("open", "");
      menu.querySelector("a")?.focus();
      setTimeout(() => {
        pendingN = false;
      }, 2000);
    }
  });
}

function dialogElement() {
  let dialog = document.getElementById("quick-dialog");
  if (!dialog) {
    dialog = document.createElement("dialog");
    dialog.id = "quick-dialog";
    dialog.className = "quick-dialog";
    dialog.setAttribute("aria-labelledby", "quick-dialog-title");
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) {
        dialog.close(); // a click on the backdrop
      }
    });
    body.append(dialog);
  }
  return dialog;
}

/** Shows the form of a page in the dialog; `doc` is the parsed page. */
function showForm(dialog, doc, url) {
  const form = doc.querySelector("main form[method='post']");
  if (!form) {
    window.location.href = url;
    return;
  }
  const title = doc.querySelector("main h1")?.textContent ?? "";
  const alerts = [...doc.querySelectorAll("main .alert")];
  dialog.replaceChildren();
  const head = document.createElement("div");
  head.className = "dialog-head";
  const h = document.createElement("h2");
  h.id = "quick-dialog-title";
  h.textContent = title;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "subtle small";
  close.textContent = body.dataset.close || "×";
  close.addEventListener("click", () => dialog.close());
  head.append(h, close);
  dialog.append(head, ...alerts.map((a) => document.importNode(a, true)), document.importNode(form, true));
  const shown = dialog.querySelector("form");
  shown.addEventListener("submit", (event) => submitDialog(event, dialog, shown));
  accountSuggest(dialog);
  if (!dialog.open) {
    dialog.showModal();
  }
  (shown.querySelector("[aria-invalid='true']") ||
    shown.querySelector("input:not([type='hidden']):not([type='radio']), textarea, select"))?.focus();
}

async function openDialog(url) {
  const dialog = dialogElement();
  try {
    const response = await fetch(url, { headers: { Accept: "text/html" } });
    if (!response.ok) {
      window.location.href = url;
      return;
    }
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    showForm(dialog, doc, url);
  } catch {
    window.location.href = url;
  }
}

async function submitDialog(event, dialog, form) {
  event.preventDefault();
  const button = form.querySelector("button[type='submit']");
  if (button) {
    button.disabled = true;
  }
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: "text/html" },
    });
    if (response.redirected) {
      dialog.close();
      window.location.href = response.url;
      return;
    }
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    if (doc.querySelector("main form[method='post']")) {
      showForm(dialog, doc, form.action); // the form again, with the errors
    } else {
      // Not a form (say, the record was deleted meanwhile): show what the server said.
      const main = doc.querySelector("main");
      dialog.replaceChildren(...(main ? [...main.children].map((n) => document.importNode(n, true)) : []));
    }
  } catch {
    form.submit();
  } finally {
    if (button) {
      button.disabled = false;
    }
  }
}

/** Typeahead under the top search box: grouped hits, arrow keys, Enter opens. */
function typeahead() {
  const box = document.getElementById("top-q");
  const list = document.getElementById("top-suggest");
  if (!box || !list) {
    return;
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && !isTyping(event.target) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      box.focus();
    }
  });
  let timer = null;
  let asked = "";
  const hide = () => {
    list.hidden = true;
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
  };
  const options = () => [...list.querySelectorAll("[role='option']")];
  box.addEventListener("input", () => {
    clearTimeout(timer);
    const q = box.value.trim();
    if (q.length < 2) {
      hide();
      return;
    }
    timer = setTimeout(async () => {
      asked = q;
      const response = await fetch(`/search/suggest?q=${encodeURIComponent(q)}`, { headers: { Accept: "text/html" } });
      if (!response.ok || asked !== q) {
        return;
      }
      list.innerHTML = await response.text();
      options().forEach((o, i) => {
        o.id = `suggest-${i}`;
      });
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
    }, 120);
  });
  box.addEventListener("keydown", (event) => {
    const all = options();
    if (list.hidden || all.length === 0) {
      return;
    }
    const current = all.findIndex((o) => o.getAttribute("aria-selected") === "true");
    let next = current;
    if (event.key === "ArrowDown") {
      next = Math.min(current + 1, all.length - 1);
    } else if (event.key === "ArrowUp") {
      next = Math.max(current - 1, 0);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();
      window.location.href = all[current].href;
      return;
    } else if (event.key === "Escape") {
      hide();
      return;
    } else {
      return;
    }
    event.preventDefault();
    all.forEach((o, i) => o.setAttribute("aria-selected", i === next ? "true" : "false"));
    box.setAttribute("aria-activedescendant", all[next].id);
    all[next].scrollIntoView({ block: "nearest" });
  });
  document.addEventListener("click", (event) => {
    if (!(event.target instanceof Element) || !event.target.closest(".topsearch")) {
      hide();
    }
  });
}

/** Account name fields (data-account-suggest) offer matching names as you type. */
function accountSuggest(root = document) {
  for (const input of root.querySelectorAll("input[data-account-suggest]")) {
    const list = input.list;
    if (!list || input.dataset.suggesting) {
      continue;
    }
    input.dataset.suggesting = "1";
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2) {
        return;
      }
      timer = setTimeout(async () => {
        const response = await fetch(`/search/accounts?q=${encodeURIComponent(q)}`);
        if (!response.ok) {
          return;
        }
        const names = await response.json();
        list.replaceChildren(
          ...names.map((name) => {
            const option = document.createElement("option");
            option.value = name;
            return option;
          }),
        );
      }, 150);
    });
  }
}

/** Ordered settings lists (data-reorder="<url with {id}>"): drag an item to a new place. */
function reorderLists() {
  for (const list of document.querySelectorAll("[data-reorder]")) {
    let dragged = null;
    // Only the grip starts a drag, so that the fields inside stay usable.
    list.addEventListener("pointerdown", (event) => {
      const grip = event.target instanceof Element && event.target.closest(".grip");
      const item = grip && grip.closest("[data-id]");
      if (item) {
        item.draggable = true;
      }
    });
    list.addEventListener("dragstart", (event) => {
      dragged = event.target instanceof Element && event.target.closest("[data-id]");
      if (dragged) {
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", dragged.dataset.id);
        dragged.classList.add("dragging");
      }
    });
    list.addEventListener("dragover", (event) => {
      const over = event.target instanceof Element && event.target.closest("[data-id]");
      if (!dragged || !over || over.parentElement !== list) {
        return;
      }
      event.preventDefault();
      if (over !== dragged) {
        const after = [...list.children].indexOf(over) > [...list.children].indexOf(dragged);
        list.insertBefore(dragged, after ? over.nextElementSibling : over);
      }
    });
    list.addEventListener("dragend", async () => {
      if (!dragged) {
        return;
      }
      const item = dragged;
      dragged = null;
      item.classList.remove("dragging");
      item.draggable = false;
      const position = [...list.querySelectorAll(":scope > [data-id]")].indexOf(item);
      const response = await fetch(list.dataset.reorder.replace("{id}", item.dataset.id), {
        method: "POST",
        headers: { "X-Requested-With": "fetch", "X-CSRF-Token": csrf },
        body: new URLSearchParams({ position: String(position) }),
      });
      if (response.ok) {
        window.location.reload();
      } else {
        toast(body.dataset.moveFailed || "", "error");
      }
    });
  }
}

/** A "select all" checkbox ticks every row box of its bulk form. */
function selectAll() {
  document.addEventListener("change", (event) => {
    const box = event.target;
    if (box instanceof HTMLInputElement && box.dataset.selectAll) {
      for (const row of document.querySelectorAll(`input[name='ids'][form='${box.dataset.selectAll}']`)) {
        row.checked = box.checked;
      }
    }
  });
}

/** Filter forms with data-autosubmit apply a changed choice at once. */
function autosubmit() {
  document.addEventListener("change", (event) => {
    const select = event.target;
    if (select instanceof HTMLSelectElement && select.form?.matches("[data-autosubmit]")) {
      select.form.requestSubmit();
    }
  });
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

// The quote editor: a SKU picked from the catalogue fills the line's empty fields, and
// a typed SKU that is no longer the product's forgets the product.
function quoteLines() {
  const editor = document.querySelector("[data-quote-editor]");
  if (!editor) {
    return;
  }
  const catalogue = new Map(
    [...document.querySelectorAll("#catalogue option")].map((o) => [o.value, o.dataset]),
  );
  editor.addEventListener("change", (event) => {
    const input = event.target;
    if (input.dataset.f !== "sku") {
      return;
    }
    const line = input.closest("[data-line]");
    const field = (name) => line.querySelector(`[data-f="${name}"]`);
    const product = catalogue.get(input.value.trim());
    field("product_id").value = product ? product.id : "";
    if (!product) {
      return;
    }
    field("name").value = product.name;
    field("unit").value = product.unit;
    field("price").value = product.price;
    field("tax_rate").value = product.tax;
    if (!field("quantity").value) {
      field("quantity").value = "1";
    }
  });
}

confirmForms();
lengthHints();
foldFilters();
quoteLines();
autosubmit();
selectAll();
board();
dialogs();
typeahead();
accountSuggest();
reorderLists();
liveUpdates();
