// SPDX-License-Identifier: GPL-2.0-or-later
// The HTML reader: Gumbo (an HTML5 parser) builds the tree; we pick metadata and the article text.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <vector>

#include <gumbo.h>

#include "corpus_reader.h"
#include "gazette/common/dates.h"

namespace gazette::indexer {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string attr(const GumboNode* node, const char* name) {
  if (node->type != GUMBO_NODE_ELEMENT) return {};
  const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, name);
  return a != nullptr && a->value != nullptr ? a->value : "";
}

// Collapses runs of whitespace (including NBSP) into single spaces and trims.
std::string squeeze(std::string_view s) {
  std::string out;
  bool space = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool ws = std::isspace(c) != 0;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      ws = true;
      ++i;
    }
    if (ws) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

bool skipped_tag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_NAV: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FORM: case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT: case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_IFRAME: case GUMBO_TAG_SVG: case GUMBO_TAG_MATH: case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_CANVAS: case GUMBO_TAG_VIDEO: case GUMBO_TAG_AUDIO: case GUMBO_TAG_MENU:
      return true;
    default:
      return false;
  }
}

bool block_tag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_BR: case GUMBO_TAG_LI: case GUMBO_TAG_UL:
    case GUMBO_TAG_OL: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
    case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE: case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TR: case GUMBO_TAG_DD: case GUMBO_TAG_DT: case GUMBO_TAG_DL: case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_HR: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_BODY:
      return true;
    default:
      return false;
  }
}

bool is_hidden(const GumboNode* node) {
  if (node->type != GUMBO_NODE_ELEMENT) return false;
  if (gumbo_get_attribute(&node->v.element.attributes, "hidden") != nullptr) return true;
  if (attr(node, "aria-hidden") == "true") return true;
  std::string role = lower(attr(node, "role"));
  return role == "navigation" || role == "banner" || role == "contentinfo" || role == "complementary";
}

// The visible text under `root`, paragraphs separated by "\n\n". Iterative: hostile nesting
// depth cannot overflow the stack.
std::string visible_text(const GumboNode* root) {
  std::vector<std::string> paras;
  std::string cur;
  auto flush = [&] {
    std::string p = squeeze(cur);
    if (!p.empty()) paras.push_back(std::move(p));
    cur.clear();
  };
  // (node, leaving?) pairs: blocks flush on entry and exit.
  std::vector<std::pair<const GumboNode*, bool>> stack{{root, false}};
  while (!stack.empty()) {
    auto [node, leaving] = stack.back();
    stack.pop_back();
    if (leaving) {
      flush();
      continue;
    }
    switch (node->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_CDATA:
      case GUMBO_NODE_WHITESPACE:
        cur += node->v.text.text;
        break;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE: {
        GumboTag tag = node->v.element.tag;
        if (skipped_tag(tag) || is_hidden(node)) break;
        bool block = block_tag(tag);
        if (block) {
          flush();
          stack.push_back({node, true});
        } else {
          cur.push_back(' ');  // inline boundaries still separate words ("<td>a</td><td>b</td>")
        }
        const GumboVector& kids = node->v.element.children;
        for (unsigned i = kids.length; i > 0; --i) {
          stack.push_back({static_cast<const GumboNode*>(kids.data[i - 1]), false});
        }
        break;
      }
      default:
        break;
    }
  }
  flush();
  std::string out;
  for (const std::string& p : paras) {
    if (!out.empty()) out += "\n\n";
    out += p;
  }
  return out;
}

struct Page {
  std::string og_title, title_tag, h1, date_meta, time_datetime, author, site_name, url, lang, section;
  std::vector<const GumboNode*> articles;
  const GumboNode* main = nullptr;
  const GumboNode* body = nullptr;
};

void collect(const GumboNode* root, Page& page) {
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    GumboTag tag = node->v.element.tag;
    switch (tag) {
      case GUMBO_TAG_HTML:
        if (page.lang.empty()) page.lang = lower(attr(node, "lang")).substr(0, 2);
        break;
      case GUMBO_TAG_META: {
        std::string key = lower(attr(node, "property"));
        if (key.empty()) key = lower(attr(node, "name"));
        if (key.empty()) key = lower(attr(node, "itemprop"));
        std::string content = squeeze(attr(node, "content"));
        if (content.empty()) break;
        if (key == "og:title" && page.og_title.empty()) page.og_title = content;
        if ((key == "article:published_time" || key == "og:published_time" || key == "datepublished" ||
             key == "date" || key == "pubdate" || key == "publishdate" || key == "dc.date" ||
             key == "dc.date.issued" || key == "dcterms.created") &&
            page.date_meta.empty()) {
          page.date_meta = content;
        }
        if ((key == "author" || key == "article:author" || key == "dc.creator") && page.author.empty() &&
            content.find("://") == std::string::npos) {
          page.author = content;
        }
        if (key == "og:site_name" && page.site_name.empty()) page.site_name = content;
        if (key == "og:url" && page.url.empty()) page.url = content;
        if (key == "article:section" && page.section.empty()) page.section = content;
        break;
      }
      case GUMBO_TAG_LINK:
        if (lower(attr(node, "rel")) == "canonical" && page.url.empty()) page.url = attr(node, "href");
        break;
      case GUMBO_TAG_TITLE:
        if (page.title_tag.empty()) page.title_tag = visible_text(node);
        break;
      case GUMBO_TAG_H1:
        if (page.h1.empty()) page.h1 = squeeze(visible_text(node));
        break;
      case GUMBO_TAG_TIME:
        if (page.time_datetime.empty()) page.time_datetime = attr(node, "datetime");
        break;
      case GUMBO_TAG_ARTICLE:
        page.articles.push_back(node);
        break;
      case GUMBO_TAG_MAIN:
        if (page.main == nullptr) page.main = node;
        break;
      case GUMBO_TAG_BODY:
        if (page.body == nullptr) page.body = node;
        break;
      default:
        if (page.main == nullptr && lower(attr(node, "role")) == "main") page.main = node;
        break;
    }
    if (tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE) continue;
    const GumboVector& kids = node->v.element.children;
    for (unsigned i = kids.length; i > 0; --i) stack.push_back(static_cast<const GumboNode*>(kids.data[i - 1]));
  }
}

}  // namespace

FileContents read_html_article(const std::string& text, const std::string& id_base) {
  FileContents out;
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 100;  // we never read parse errors; do not let a broken page allocate millions
  GumboOutput* parsed = gumbo_parse_with_options(&options, text.data(), text.size());
  if (parsed == nullptr) {
    out.problems.push_back({0, "cannot parse HTML", true});
    return out;
  }
  Page page;
  collect(parsed->root, page);

  Article a;
  a.title = !page.og_title.empty() ? page.og_title : !page.title_tag.empty() ? squeeze(page.title_tag) : page.h1;
  a.url = page.url;
  a.source = page.site_name;
  a.section = page.section;
  a.lang = page.lang;
  if (!page.author.empty()) a.authors.push_back(page.author);
  for (const std::string& date : {page.date_meta, page.time_datetime}) {
    if (date.empty()) continue;
    a.published = parse_date(date);
    if (a.published) break;
    out.problems.push_back({0, "unparseable date \"" + date + "\"", false});
  }

  // The main text: the largest <article>, else <main>, else the whole <body>.
  std::string body;
  for (const GumboNode* art : page.articles) {
    std::string t = visible_text(art);
    if (t.size() > body.size()) body = std::move(t);
  }
  if (body.empty() && page.main != nullptr) body = visible_text(page.main);
  if (body.empty() && page.body != nullptr) body = visible_text(page.body);
  gumbo_destroy_output(&options, parsed);

  // The headline is usually repeated at the top of the article text: keep it once, as title.
  if (!a.title.empty() && body.compare(0, a.title.size(), a.title) == 0 &&
      (body.size() == a.title.size() || body.compare(a.title.size(), 2, "\n\n") == 0)) {
    body.erase(0, std::min(body.size(), a.title.size() + 2));
  } else if (!page.h1.empty() && body.compare(0, page.h1.size(), page.h1) == 0 &&
             (body.size() == page.h1.size() || body.compare(page.h1.size(), 2, "\n\n") == 0)) {
    body.erase(0, std::min(body.size(), page.h1.size() + 2));
  }
  a.body = std::move(body);
  if (a.title.empty() && a.body.empty()) {
    out.problems.push_back({0, "no article text in the page", true});
    return out;
  }
  if (a.id.empty()) a.id = !a.url.empty() ? a.url : id_base;
  out.articles.push_back({std::move(a), 1});
  return out;
}

}  // namespace gazette::indexer
