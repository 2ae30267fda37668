// SPDX-License-Identifier: GPL-2.0-or-later
// The Gazette search page: state lives in the URL (q, sort, page, filter...), so a search can be
// shared and reloaded. No build step, no framework.
"use strict";

const FACETS = [
  ["people", "People"], ["organizations", "Organisations"], ["places", "Places"],
  ["source", "Sources"], ["date:year", "Years"],
];
const PAGE_SIZE = 10;
const $ = (id) => document.getElementById(id);

function state() {
  const p = new URLSearchParams(location.search);
  return { q: p.get("q") || "", sort: p.get("sort") || "relevance", page: Math.max(1, parseInt(p.get("page") || "1", 10) || 1), filters: p.getAll("filter"),
           watch: p.get("watch") || "" };
}

function go(next, replace) {
  const p = new URLSearchParams();
  if (next.q) p.set("q", next.q);
  if (next.sort && next.sort !== "relevance") p.set("sort", next.sort);
  if (next.page > 1) p.set("page", String(next.page));
  for (const f of next.filters) p.append("filter", f);
  if (next.watch) p.set("watch", next.watch);
  const url = location.pathname + (p.toString() ? "?" + p : "");
  (replace ? history.replaceState : history.pushState).call(history, null, "", url);
  render();
}

function text(tag, content, cls) {
  const el = document.createElement(tag);
  if (content !== undefined) el.textContent = content;
  if (cls) el.className = cls;
  return el;
}

// Server snippets are HTML-escaped text with <mark>: safe to insert as HTML.
function html(tag, markup, cls) {
  const el = document.createElement(tag);
  el.innerHTML = markup;
  if (cls) el.className = cls;
  return el;
}

async function render() {
  const s = state();
  $("q").value = s.q;
  $("sort").value = s.sort;
  renderChips(s);
  await loadWatches(s);
  if (s.watch) return renderWatch(s);
  renderFollow(s);
  if (!s.q && s.filters.length === 0) {
    $("status").textContent = "Search the news, or pick a person, organisation, place or source.";
    $("hits").replaceChildren();
    $("pager").replaceChildren();
  }
  const p = new URLSearchParams({ q: s.q, sort: s.sort, limit: String(PAGE_SIZE), offset: String((s.page - 1) * PAGE_SIZE),
                                  facets: FACETS.map((f) => f[0]).join(","), facet_size: "8" });
  for (const f of s.filters) p.append("filter", f);
  let body;
  try {
    const res = await fetch("/api/search?" + p);
    body = await res.json();
    if (!res.ok) throw new Error(body.error ? body.error.message : res.statusText);
  } catch (e) {
    $("status").textContent = "Search failed: " + e.message;
    return;
  }
  renderFacets(s, body.facets || {});
  if (!s.q && s.filters.length === 0) return;
  renderHits(s, body);
}

function renderChips(s) {
  const chips = s.filters.map((f) => {
    const chip = text("span", undefined, "chip");
    chip.dataset.filter = f;
    chip.append(text("span", f.replace(":", ": ")));
    const remove = text("button", "×");
    remove.type = "button";
    remove.setAttribute("aria-label", "Remove filter " + f);
    remove.onclick = () => go({ ...s, page: 1, filters: s.filters.filter((x) => x !== f) });
    chip.append(remove);
    return chip;
  });
  $("chips").replaceChildren(...chips);
}

function renderFacets(s, facets) {
  const parts = [];
  for (const [name, label] of FACETS) {
    const values = facets[name] || [];
    if (values.length === 0) continue;
    const field = name === "date:year" ? "date" : name;
    const group = text("div", undefined, "facet");
    group.append(text("h2", label));
    const list = text("ul");
    for (const v of values) {
      const filter = field + ":" + v.value;
      const selected = s.filters.includes(filter);
      const b = text("button", undefined, "facet-value" + (selected ? " selected" : ""));
      b.type = "button";
      b.dataset.facet = name;
      b.dataset.value = v.value;
      b.append(text("span", v.value), text("span", String(v.count), "count"));
      b.onclick = () => go({ ...s, page: 1, filters: selected ? s.filters.filter((x) => x !== filter) : [...s.filters, filter] });
      const li = text("li");
      li.append(b);
      list.append(li);
    }
    group.append(list);
    parts.push(group);
  }
  $("facets").replaceChildren(...parts);
}

function renderHits(s, body) {
  const total = body.total.value;
  const notes = [];
  if (body.relaxed) notes.push("no article has every word; showing articles with any of them");
  if (body.suggestion) notes.push("did you mean “" + body.suggestion + "”?");
  for (const w of body.warnings || []) notes.push(w);
  $("status").textContent = (body.total.exact ? "" : "about ") + total + (total === 1 ? " article" : " articles") +
    (notes.length ? " — " + notes.join("; ") : "");
  const items = body.hits.map((h) => {
    const li = text("li", undefined, "hit");
    li.dataset.id = h.id;
    const h3 = text("h3");
    const a = html("a", h.title_html || "");
    if (!h.title_html) a.textContent = h.title || h.id;
    a.href = h.url || "/api/articles/" + encodeURIComponent(h.id);
    h3.append(a);
    const date = h.published ? new Date(h.published).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" }) : "";
    li.append(h3, text("div", [h.source, date].filter(Boolean).join(" · "), "meta"), html("p", h.snippet || "", "snippet"));
    if (h.duplicates && h.duplicates.count > 0) {
      li.append(text("div", "+ " + h.duplicates.count + " near-identical " + (h.duplicates.count === 1 ? "copy" : "copies"), "dups"));
    }
    return li;
  });
  $("hits").replaceChildren(...items);
  const pages = Math.ceil(Math.min(total, 10000) / PAGE_SIZE);
  const prev = text("button", "‹ Previous");
  prev.type = "button";
  prev.disabled = s.page <= 1;
  prev.onclick = () => go({ ...s, page: s.page - 1 });
  const next = text("button", "Next ›");
  next.type = "button";
  next.disabled = s.page >= pages;
  next.onclick = () => go({ ...s, page: s.page + 1 });
  $("pager").replaceChildren(prev, text("span", "Page " + s.page + (pages ? " of " + pages : "")), next);
}

// --- Watches: saved searches that every index run evaluates (GET/POST /api/watches) ---
// null while the server has no watch API (--watches off); else {changes, watches}.
let watchState = null;

async function loadWatches(s) {
  try {
    const res = await fetch("/api/watches");
    watchState = res.ok ? await res.json() : null;
  } catch (e) {
    watchState = null;
  }
  $("watches").hidden = !watchState || watchState.watches.length === 0;
  if (!watchState) return;
  const items = watchState.watches.map((w) => {
    const b = text("button", undefined, "watch-item" + (w.name === s.watch ? " selected" : ""));
    b.type = "button";
    b.dataset.watch = w.name;
    b.title = describeWatch(w);
    const count = text("span", w.new_matches > 0 ? w.new_matches + " new" : String(w.matches), "new-count" + (w.new_matches > 0 ? " fresh" : ""));
    b.append(text("span", w.name), count);
    b.onclick = () => go({ q: "", sort: "relevance", page: 1, filters: [], watch: w.name });
    const li = text("li");
    li.append(b);
    return li;
  });
  $("watch-list").replaceChildren(...items);
}

function describeWatch(w) {
  return [w.query ? "“" + w.query + "”" : "", ...w.filters.map((f) => f.replace(":", ": "))].filter(Boolean).join(" · ");
}

function sameSearch(w, s) {
  return w.query === s.q && w.filters.length === s.filters.length && w.filters.every((f) => s.filters.includes(f));
}

// A watch name from the search: its words and filter values, in the letters a name may use.
function watchName(s) {
  const words = [s.q, ...s.filters.map((f) => f.slice(f.indexOf(":") + 1))].join(" ")
    .normalize("NFD").replace(/[\u0300-\u036f]/g, "").split(/[^A-Za-z0-9._]+/).filter(Boolean);
  let base = words.join("-").slice(0, 56).replace(/-+$/, "") || "watch";
  const taken = new Set((watchState ? watchState.watches : []).map((w) => w.name));
  let name = base;
  for (let i = 2; taken.has(name); ++i) name = base + "-" + i;
  return name;
}

function renderFollow(s) {
  const searching = Boolean(s.q || s.filters.length);
  $("follow").hidden = !watchState || !searching;
  $("follow-form").hidden = true;
  $("follow-msg").textContent = "";
  $("follow-msg").className = "follow-msg";
  if ($("follow").hidden) return;
  const existing = watchState.watches.find((w) => sameSearch(w, s));
  $("follow-open").hidden = Boolean(existing) || !watchState.changes;
  if (existing) $("follow-msg").textContent = "Followed as “" + existing.name + "”";
  else if (!watchState.changes) $("follow-msg").textContent = "This server lists watches but does not save new ones.";
}

$("follow-open").addEventListener("click", () => {
  $("follow-open").hidden = true;
  $("follow-form").hidden = false;
  $("follow-name").value = watchName(state());
  $("follow-name").focus();
});
$("follow-cancel").addEventListener("click", () => renderFollow(state()));
$("follow-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const s = state();
  const name = $("follow-name").value.trim();
  try {
    const res = await fetch("/api/watches", { method: "POST", headers: { "Content-Type": "application/json" },
                                              body: JSON.stringify({ name, query: s.q, filters: s.filters }) });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error ? body.error.message : res.statusText);
  } catch (err) {
    $("follow-msg").textContent = "Not saved: " + err.message;
    $("follow-msg").className = "follow-msg error";
    return;
  }
  await loadWatches(s);
  renderFollow(s);
  $("follow-msg").textContent = "Following as “" + name + "”: each index run reports its new articles here.";
});

// The matches of one watch, newest first; opening them marks them seen.
async function renderWatch(s) {
  $("follow").hidden = true;
  $("facets").replaceChildren();
  $("pager").replaceChildren();
  const w = watchState && watchState.watches.find((x) => x.name === s.watch);
  if (!w) {
    $("status").textContent = "No watch named “" + s.watch + "”.";
    $("hits").replaceChildren();
    return;
  }
  let body;
  try {
    const res = await fetch("/api/watches/" + encodeURIComponent(w.name) + "/matches?limit=100");
    body = await res.json();
    if (!res.ok) throw new Error(body.error ? body.error.message : res.statusText);
  } catch (e) {
    $("status").textContent = "Could not read the matches: " + e.message;
    return;
  }
  const matches = body.matches.slice().reverse();
  const n = w.matches;
  $("status").textContent = "Watch “" + w.name + "” (" + describeWatch(w) + "): " + n + (n === 1 ? " match" : " matches") +
    (w.new_matches > 0 ? ", " + w.new_matches + " new" : "") + (matches.length < n ? "; the newest " + matches.length + " shown" : "");
  const items = matches.map((m, i) => {
    const li = text("li", undefined, "hit match");
    li.dataset.id = m.id;
    const h3 = text("h3");
    if (i < w.new_matches) h3.append(text("span", "new", "fresh-label"));
    const a = text("a", m.title || m.id);
    a.href = m.url || "/api/articles/" + encodeURIComponent(m.id);
    h3.append(a);
    const date = m.published ? new Date(m.published).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" }) : "";
    const found = "found " + new Date(m.matched_at).toLocaleString() + (m.change === "changed" ? " (updated article)" : "");
    li.append(h3, text("div", [m.source, date, found].filter(Boolean).join(" · "), "meta"));
    if (m.entities && m.entities.length) li.append(text("div", m.entities.map((e) => e.name + " (" + e.kind + ")").join(", "), "entities"));
    if (m.copies && m.copies.length) {
      li.append(text("div", "+ " + m.copies.length + " near-identical " + (m.copies.length === 1 ? "copy" : "copies"), "dups"));
    }
    return li;
  });
  $("hits").replaceChildren(...items);
  const actions = text("div", undefined, "watch-actions");
  const search = text("a", "Search it now");
  search.href = "?" + new URLSearchParams([["q", w.query], ...w.filters.map((f) => ["filter", f])]);
  search.className = "watch-search";
  search.onclick = (e) => {
    e.preventDefault();
    go({ q: w.query, sort: "relevance", page: 1, filters: w.filters, watch: "" });
  };
  actions.append(search);
  if (watchState.changes) {
    const remove = text("button", "Stop following", "plain");
    remove.type = "button";
    remove.onclick = async () => {
      await fetch("/api/watches/" + encodeURIComponent(w.name), { method: "DELETE" });
      go({ q: "", sort: "relevance", page: 1, filters: [], watch: "" });
    };
    actions.append(remove);
  }
  $("pager").replaceChildren(actions);
  if (watchState.changes && w.new_matches > 0) {
    await fetch("/api/watches/" + encodeURIComponent(w.name) + "/seen", { method: "POST" });
    await loadWatches(s);
  }
}

// Suggestions for the search box (entities first, then title words).
let suggestTimer = 0;
let suggestSeq = 0;  // bumped on submit: late answers for older text are dropped
let active = -1;
function closeSuggestions() {
  $("suggestions").hidden = true;
  active = -1;
}
$("q").addEventListener("input", () => {
  clearTimeout(suggestTimer);
  const value = $("q").value;
  if (value.trim().length < 2) return closeSuggestions();
  const seq = suggestSeq;
  suggestTimer = setTimeout(async () => {
    try {
      const res = await fetch("/api/suggest?" + new URLSearchParams({ q: value, limit: "8" }));
      const body = await res.json();
      if (seq !== suggestSeq || $("q").value !== value || document.activeElement !== $("q")) return;
      const items = (body.suggestions || []).map((sg) => {
        const li = text("li");
        li.setAttribute("role", "option");
        li.append(text("span", sg.text), text("span", sg.kind, "kind"));
        li.onmousedown = (e) => {
          e.preventDefault();
          pick(sg);
        };
        li.dataset.text = sg.text;
        li.dataset.kind = sg.kind;
        li.dataset.filter = sg.filter || "";
        return li;
      });
      $("suggestions").replaceChildren(...items);
      $("suggestions").hidden = items.length === 0;
      active = -1;
    } catch (e) {
      closeSuggestions();
    }
  }, 120);
});
function pick(sg) {
  clearTimeout(suggestTimer);
  suggestSeq++;
  closeSuggestions();
  const s = state();
  // An entity comes with the filter that selects it; a title word is a query.
  const filter = sg.filter;
  if (!filter) return go({ ...s, q: sg.text, page: 1, watch: "" });
  go({ ...s, q: "", page: 1, watch: "", filters: s.filters.includes(filter) ? s.filters : [...s.filters, filter] });
}
$("q").addEventListener("keydown", (e) => {
  const items = [...$("suggestions").children];
  if ($("suggestions").hidden || items.length === 0) return;
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    e.preventDefault();
    active = (active + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
    items.forEach((li, i) => li.classList.toggle("active", i === active));
  } else if (e.key === "Enter" && active >= 0) {
    e.preventDefault();
    pick({ text: items[active].dataset.text, filter: items[active].dataset.filter });
  } else if (e.key === "Escape") {
    closeSuggestions();
  }
});
$("q").addEventListener("blur", () => setTimeout(closeSuggestions, 100));

$("search-form").addEventListener("submit", (e) => {
  e.preventDefault();
  clearTimeout(suggestTimer);
  suggestSeq++;
  closeSuggestions();
  go({ ...state(), q: $("q").value.trim(), sort: $("sort").value, page: 1, watch: "" });
});
$("sort").addEventListener("change", () => go({ ...state(), sort: $("sort").value, page: 1, watch: "" }));
window.addEventListener("popstate", render);
render();
