// SPDX-License-Identifier: GPL-2.0-or-later
// The HTML reader: Gumbo (an HTML5 parser) builds the tree; we pick metadata and the article text.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <unordered_map>
#include <vector>

#include <gumbo.h>

#include "corpus_reader.h"
#include "gazette/common/dates.h"
#include "gazette/common/encoding.h"
#include "gazette/common/text.h"

namespace gazette::indexer {
namespace {

constexpr std::size_t kMaxHtmlDepth = 2000;

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
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_MENU:
      return true;
    default:
      return false;
  }
}

bool block_tag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_BODY:
      return true;
    default:
      return false;
  }
}

bool is_hidden(const GumboNode* node) {
  if (node->type != GUMBO_NODE_ELEMENT) return false;
  if (gumbo_get_attribute(&node->v.element.attributes, "hidden") != nullptr) return true;
  if (attr(node, "aria-hidden") == "true") return true;
  std::string role = ascii_lower(attr(node, "role"));
  return role == "navigation" || role == "banner" || role == "contentinfo" || role == "complementary";
}

// The visible text under `root`, paragraphs separated by "\n\n". Iterative: hostile nesting
// depth cannot overflow the stack. `link_lists` (when given) receives the paragraphs whose text
// is mostly that of links (a list of related stories, tags, share buttons inside the article:
// the link density of Readability and jusText), for clean_article to take out.
std::string visible_text(const GumboNode* root, std::vector<std::string>* link_lists = nullptr) {
  std::vector<std::string> paras;
  std::string cur;
  std::size_t cur_link = 0;  // bytes of `cur` inside links
  std::size_t link_depth = 0;
  std::size_t links_in_cur = 0;
  auto flush = [&] {
    std::string p = squeeze(cur);
    if (!p.empty()) {
      std::size_t text = 0;
      for (char c : cur) text += std::isspace(static_cast<unsigned char>(c)) ? 0 : 1;
      if (link_lists != nullptr && links_in_cur > 0 && cur_link * 2 >= text) link_lists->push_back(p);
      paras.push_back(std::move(p));
    }
    cur.clear();
    cur_link = 0;
    links_in_cur = 0;
  };
  // (node, leaving?) pairs: blocks flush on entry and exit; links count their text.
  std::vector<std::pair<const GumboNode*, bool>> stack{{root, false}};
  while (!stack.empty()) {
    auto [node, leaving] = stack.back();
    stack.pop_back();
    if (leaving) {
      if (node->type == GUMBO_NODE_ELEMENT && node->v.element.tag == GUMBO_TAG_A) {
        if (link_depth > 0) --link_depth;
      } else {
        flush();
      }
      continue;
    }
    switch (node->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_CDATA:
      case GUMBO_NODE_WHITESPACE: {
        std::string_view t = node->v.text.text;
        cur += t;
        if (link_depth > 0) {
          for (char c : t) cur_link += std::isspace(static_cast<unsigned char>(c)) ? 0 : 1;
        }
        break;
      }
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
          if (tag == GUMBO_TAG_A) {
            ++link_depth;
            ++links_in_cur;
            stack.push_back({node, true});
          }
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

// An upper estimate of how deep the page's elements nest, from its tags alone (no parse):
// start tags minus end tags, leaving out void elements, tags a later sibling closes implicitly
// (p, li, td, ...), and the insides of comments, scripts and styles. Gumbo's tree building costs
// time quadratic in the depth (40,000 nested <div>: 4 s; 500,000: minutes), so a page deeper than
// kMaxHtmlDepth is refused before it is parsed.
std::size_t estimated_depth(std::string_view html, std::size_t stop_at) {
  static const char* const kNotNesting[] = {
      "area",  "base",   "br",       "col",      "embed", "hr",     "img",      "input",   "link",  "meta",
      "param", "source", "track",    "wbr",      "p",     "li",     "dt",       "dd",      "tr",    "td",
      "th",    "option", "optgroup", "thead",    "tbody", "tfoot",  "colgroup", "caption", "rp",    "rt",
      "html",  "head",   "body",     "!doctype", "image", "keygen", "basefont", "bgsound", "frame", "menuitem"};
  std::size_t depth = 0, deepest = 0, i = 0;
  auto name_at = [&html](std::size_t at) {
    std::size_t e = at;
    while (e < html.size() && (std::isalnum(static_cast<unsigned char>(html[e])) || html[e] == '!' || html[e] == '-'))
      ++e;
    return ascii_lower(html.substr(at, e - at));
  };
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.compare(i, 4, "<!--") == 0) {
      std::size_t e = html.find("-->", i + 4);
      if (e == std::string_view::npos) break;
      i = e + 3;
      continue;
    }
    bool closing = i + 1 < html.size() && html[i + 1] == '/';
    std::size_t at = i + (closing ? 2 : 1);
    if (at >= html.size() || !(std::isalpha(static_cast<unsigned char>(html[at])) || html[at] == '!')) {
      ++i;
      continue;
    }
    std::string name = name_at(at);
    std::size_t gt = html.find('>', at);
    if (gt == std::string_view::npos) break;
    bool self_closing = gt > at && html[gt - 1] == '/';
    i = gt + 1;
    if (!closing && (name == "script" || name == "style" || name == "textarea" || name == "title")) {
      std::size_t e = html.find("</", i);
      while (e != std::string_view::npos && name_at(e + 2) != name) e = html.find("</", e + 2);
      if (e == std::string_view::npos) break;
      i = e;
      continue;
    }
    if (self_closing || std::find(std::begin(kNotNesting), std::end(kNotNesting), name) != std::end(kNotNesting)) {
      continue;
    }
    if (closing) {
      if (depth > 0) --depth;
    } else if (++depth > deepest) {
      deepest = depth;
      if (deepest > stop_at) break;
    }
  }
  return deepest;
}

// The primary language subtag of a BCP 47 tag ("en-GB" -> "en"), lower-case; "" unless it is two
// or three ASCII letters (fuzzing found `lang` cut inside a UTF-8 character).
std::string language_subtag(const std::string& tag) {
  std::string out;
  for (char c : tag) {
    if (c == '-' || c == '_') break;
    if (!std::isalpha(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) return {};
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out.size() == 2 || out.size() == 3 ? out : std::string();
}

struct Page {
  std::string og_title, title_tag, h1, date_meta, time_datetime, author, site_name, url, lang, section;
  std::vector<const GumboNode*> articles;
  std::vector<const GumboNode*> bodies;      // [itemprop=articleBody], class="article-body", ...
  std::vector<const GumboNode*> paragraphs;  // every <p>, for the fallback's scores
  const GumboNode* main = nullptr;
  const GumboNode* body = nullptr;
};

// An element that names itself the article's text: itemprop="articleBody", or a class a CMS
// gives the text's container (WordPress "entry-content", "article-body", "story-body", ...).
bool marks_article_body(const GumboNode* node) {
  if (ascii_lower(attr(node, "itemprop")) == "articlebody") return true;
  static const char* const kClasses[] = {"article-body",     "articlebody", "article__body", "article-content",
                                         "article__content", "story-body",  "story-content", "entry-content",
                                         "post-content",     "post-body",   "content-body",  "article-text"};
  std::string cls = ascii_lower(attr(node, "class"));
  if (cls.empty()) return false;
  std::size_t i = 0;
  while (i < cls.size()) {
    while (i < cls.size() && std::isspace(static_cast<unsigned char>(cls[i]))) ++i;
    std::size_t j = i;
    while (j < cls.size() && !std::isspace(static_cast<unsigned char>(cls[j]))) ++j;
    std::string_view token(cls.data() + i, j - i);
    for (const char* c : kClasses) {
      if (token == c) return true;
    }
    i = j;
  }
  return false;
}

// Readability's fallback for a page that marks no article: every paragraph of 25 characters or
// more scores its parent (1, a point per comma, a point per 100 characters up to 3) and half of
// that its grandparent; the element with the highest score holds the text.
const GumboNode* best_container(const std::vector<const GumboNode*>& paragraphs) {
  std::unordered_map<const GumboNode*, double> scores;
  auto add = [&scores](const GumboNode* n, double s) { scores[n] += s; };
  for (const GumboNode* p : paragraphs) {
    std::string text = visible_text(p);
    if (text.size() < 25 || p->parent == nullptr || p->parent->type != GUMBO_NODE_ELEMENT) continue;
    double s = 1.0 + static_cast<double>(std::count(text.begin(), text.end(), ',')) +
               std::min(3.0, static_cast<double>(text.size()) / 100.0);
    add(p->parent, s);
    if (p->parent->parent != nullptr && p->parent->parent->type == GUMBO_NODE_ELEMENT) add(p->parent->parent, s / 2);
    if (scores.size() > 2000) break;  // bounded work on a hostile page
  }
  const GumboNode* best = nullptr;
  double top = 0;
  for (const auto& [node, score] : scores) {
    if (score > top) {
      top = score;
      best = node;
    }
  }
  return best;
}

void collect(const GumboNode* root, Page& page) {
  // (node, inside an <article>?): a nested <article> is never larger than the one around it,
  // and measuring each of 40,000 nested ones cost quadratic time.
  std::vector<std::pair<const GumboNode*, bool>> stack{{root, false}};
  while (!stack.empty()) {
    auto [node, in_article] = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    GumboTag tag = node->v.element.tag;
    switch (tag) {
      case GUMBO_TAG_HTML:
        if (page.lang.empty()) page.lang = language_subtag(attr(node, "lang"));
        break;
      case GUMBO_TAG_META: {
        std::string key = ascii_lower(attr(node, "property"));
        if (key.empty()) key = ascii_lower(attr(node, "name"));
        if (key.empty()) key = ascii_lower(attr(node, "itemprop"));
        std::string content = squeeze(attr(node, "content"));
        if (content.empty()) break;
        if (key == "og:title" && page.og_title.empty()) page.og_title = content;
        if ((key == "article:published_time" || key == "og:published_time" || key == "datepublished" || key == "date" ||
             key == "pubdate" || key == "publishdate" || key == "dc.date" || key == "dc.date.issued" ||
             key == "dcterms.created") &&
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
        if (ascii_lower(attr(node, "rel")) == "canonical" && page.url.empty()) page.url = attr(node, "href");
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
        if (!in_article) page.articles.push_back(node);
        in_article = true;
        break;
      case GUMBO_TAG_MAIN:
        if (page.main == nullptr) page.main = node;
        break;
      case GUMBO_TAG_P:
        if (page.paragraphs.size() < 5000) page.paragraphs.push_back(node);
        break;
      case GUMBO_TAG_BODY:
        if (page.body == nullptr) page.body = node;
        break;
      default:
        if (page.main == nullptr && ascii_lower(attr(node, "role")) == "main") page.main = node;
        break;
    }
    if (page.bodies.size() < 100 && marks_article_body(node)) page.bodies.push_back(node);
    if (tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE) continue;
    const GumboVector& kids = node->v.element.children;
    for (unsigned i = kids.length; i > 0; --i) {
      stack.push_back({static_cast<const GumboNode*>(kids.data[i - 1]), in_article});
    }
  }
}

// The text (and its link lists) of the one of `nodes` with the most text.
std::string largest_text(const std::vector<const GumboNode*>& nodes, std::vector<std::string>& links) {
  std::string best;
  for (const GumboNode* n : nodes) {
    std::vector<std::string> l;
    std::string t = visible_text(n, &l);
    if (t.size() > best.size()) {
      best = std::move(t);
      links = std::move(l);
    }
  }
  return best;
}

// The main text of a collected page: the largest <article>, else <main>; inside it (or
// anywhere) an element that marks the article's text when it holds most of it; else the element
// Readability's scores pick; else the whole <body>.
std::string main_text(const Page& page, std::vector<std::string>& link_lists) {
  std::string body = largest_text(page.articles, link_lists);
  if (body.empty() && page.main != nullptr) body = visible_text(page.main, &link_lists);
  std::vector<std::string> marked_links;
  std::string marked = largest_text(page.bodies, marked_links);
  if (!marked.empty() && marked.size() * 5 >= body.size() * 2) {  // at least 40% of the article's
    body = std::move(marked);
    link_lists = std::move(marked_links);
  }
  if (body.empty()) {
    if (const GumboNode* best = best_container(page.paragraphs)) body = visible_text(best, &link_lists);
  }
  if (body.empty() && page.body != nullptr) body = visible_text(page.body, &link_lists);
  // A page of one paragraph is what it is.
  if (body.find("\n\n") == std::string::npos) link_lists.clear();
  return body;
}

// Parses `text` and collects its `page` and main text (with its link lists). False when Gumbo
// cannot parse it. The nodes `page` points to are freed on return: only its strings remain.
bool read_page(const std::string& text, Page& page, std::string& body, std::vector<std::string>& link_lists) {
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 100;  // we never read parse errors; do not let a broken page allocate millions
  GumboOutput* parsed = gumbo_parse_with_options(&options, text.data(), text.size());
  if (parsed == nullptr) return false;
  struct Free {
    GumboOptions* options;
    GumboOutput* parsed;
    ~Free() { gumbo_destroy_output(options, parsed); }
  } free_tree{&options, parsed};
  collect(parsed->root, page);
  body = main_text(page, link_lists);
  return true;
}

// The article's fields from the page's metadata (title, url, source, section, language,
// author, publication date); a date that does not parse is a warning in `problems`.
Article page_metadata(const Page& page, std::vector<Problem>& problems) {
  Article a;
  a.title = !page.og_title.empty() ? page.og_title : !page.title_tag.empty() ? squeeze(page.title_tag) : page.h1;
  a.url = page.url;
  a.source = page.site_name;
  a.section = page.section;
  a.lang = page.lang;
  if (!page.author.empty()) a.authors.push_back(page.author);
  for (std::string date : {page.date_meta, page.time_datetime}) {
    if (date.empty()) continue;
    if (!is_valid_utf8(date)) date = repair_utf8(date);  // see repair_fields: Gumbo's character references
    a.published = parse_date(date);
    if (a.published) break;
    problems.push_back({0, "unparseable date \"" + date + "\"", false});
  }
  return a;
}

// Whether `body` starts with the paragraph `heading`.
bool starts_with_heading(const std::string& body, const std::string& heading) {
  return !heading.empty() && body.compare(0, heading.size(), heading) == 0 &&
         (body.size() == heading.size() || body.compare(heading.size(), 2, "\n\n") == 0);
}

// The headline is usually repeated at the top of the article text: keep it once, as title.
void drop_repeated_headline(std::string& body, const std::string& title, const std::string& h1) {
  if (starts_with_heading(body, title)) {
    body.erase(0, std::min(body.size(), title.size() + 2));
  } else if (starts_with_heading(body, h1)) {
    body.erase(0, std::min(body.size(), h1.size() + 2));
  }
}

// Gumbo turns some out-of-range character references ("&#x2999999999999999999999") into bytes
// that are not UTF-8, in valid UTF-8 input: repair what it gives back.
void repair_fields(Article& a, std::vector<std::string>& link_lists) {
  auto repair = [](std::string& s) {
    if (!is_valid_utf8(s)) s = repair_utf8(s);
  };
  for (std::string* field : {&a.title, &a.body, &a.url, &a.source, &a.section, &a.lang}) repair(*field);
  for (std::string& author : a.authors) repair(author);
  for (std::string& l : link_lists) repair(l);
}

}  // namespace

FileContents read_html_article(const std::string& text, const std::string& id_base) {
  FileContents out;
  if (std::size_t depth = estimated_depth(text, kMaxHtmlDepth); depth > kMaxHtmlDepth) {
    out.problems.push_back({0,
                            "HTML elements nested deeper than " + std::to_string(kMaxHtmlDepth) +
                                " levels: not parsed (a page that deep is not an article)",
                            true});
    return out;
  }
  Page page;
  std::string body;
  std::vector<std::string> link_lists;
  if (!read_page(text, page, body, link_lists)) {
    out.problems.push_back({0, "cannot parse HTML", true});
    return out;
  }
  Article a = page_metadata(page, out.problems);
  drop_repeated_headline(body, a.title, page.h1);
  a.body = std::move(body);
  repair_fields(a, link_lists);
  if (a.title.empty() && a.body.empty()) {
    out.problems.push_back({0, "no article text in the page", true});
    return out;
  }
  if (a.id.empty()) a.id = !a.url.empty() ? a.url : id_base;
  out.articles.push_back({std::move(a), 1, std::move(link_lists)});
  return out;
}

}  // namespace gazette::indexer
