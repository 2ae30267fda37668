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
  return { q: p.get("q") || "", sort: p.get("sort") || "relevance", page: Math.max(1, parseInt(p.get("page") || "1", 10) || 1), filters: p.getAll("filter") };
}

function go(next, replace) {
  const p = new URLSearchParams();
  if (next.q) p.set("q", next.q);
  if (next.sort && next.sort !== "relevance") p.set("sort", next.sort);
  if (next.page > 1) p.set("page", String(next.page));
  for (const f of next.filters) p.append("filter", f);
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
  if (!filter) return go({ ...s, q: sg.text, page: 1 });
  go({ ...s, q: "", page: 1, filters: s.filters.includes(filter) ? s.filters : [...s.filters, filter] });
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
  go({ ...state(), q: $("q").value.trim(), sort: $("sort").value, page: 1 });
});
$("sort").addEventListener("change", () => go({ ...state(), sort: $("sort").value, page: 1 }));
window.addEventListener("popstate", render);
render();
