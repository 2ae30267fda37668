// SPDX-License-Identifier: GPL-2.0-or-later
#include "gazette/common/boilerplate.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string_view>

#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include "gazette/common/error.h"
#include "gazette/common/hash.h"
#include "gazette/common/text.h"
#include "gazette/common/varint.h"

namespace gazette {
namespace {

struct Pattern {
  const char* start;  // the line's first words, lower case, as normalise() leaves them
  const char* rule;
  bool opens_tail;  // the lines after it belong to the tail too
};

// The tails of WordPress, Blogger and news-site templates in English, German, French, Spanish,
// Portuguese, Italian and Dutch. A line matches when it starts with the pattern and is short
// (kMaxWords), so a paragraph of the article that happens to begin so is never taken.
constexpr Pattern kPatterns[] = {
    // Comment forms.
    {"leave a reply", "comment form", true},
    {"leave a comment", "comment form", true},
    {"post a comment", "comment form", true},
    {"add a comment", "comment form", true},
    {"comments are closed", "comment form", true},
    {"your email address will not be published", "comment form", true},
    {"required fields are marked", "comment form", true},
    {"this site uses akismet to reduce spam", "comment form", true},
    {"schreibe einen kommentar", "comment form", true},
    {"hinterlasse einen kommentar", "comment form", true},
    {"deine e-mail-adresse wird nicht veröffentlicht", "comment form", true},
    {"ihre e-mail-adresse wird nicht veröffentlicht", "comment form", true},
    {"erforderliche felder sind mit", "comment form", true},
    {"laisser un commentaire", "comment form", true},
    {"laisser une réponse", "comment form", true},
    {"votre adresse e-mail ne sera pas publiée", "comment form", true},
    {"votre adresse de messagerie ne sera pas publiée", "comment form", true},
    {"les champs obligatoires sont indiqués", "comment form", true},
    {"deja una respuesta", "comment form", true},
    {"deja un comentario", "comment form", true},
    {"tu dirección de correo electrónico no será publicada", "comment form", true},
    {"los campos obligatorios están marcados", "comment form", true},
    {"deixe um comentário", "comment form", true},
    {"deixe uma resposta", "comment form", true},
    {"o seu endereço de email não será publicado", "comment form", true},
    {"o seu endereço de e-mail não será publicado", "comment form", true},
    {"seu endereço de email não será publicado", "comment form", true},
    {"campos obrigatórios são marcados", "comment form", true},
    {"lascia un commento", "comment form", true},
    {"lascia una risposta", "comment form", true},
    {"il tuo indirizzo email non sarà pubblicato", "comment form", true},
    {"laat een reactie achter", "comment form", true},
    {"je e-mailadres wordt niet gepubliceerd", "comment form", true},
    // Share buttons.
    {"share this", "share", true},
    {"share on facebook", "share", true},
    {"share on twitter", "share", true},
    {"share on x", "share", true},
    {"share via email", "share", true},
    {"click to share", "share", true},
    {"teilen mit", "share", true},
    {"diesen artikel teilen", "share", true},
    {"partager cet article", "share", true},
    {"partager :", "share", true},
    {"compartir esto", "share", true},
    {"compartilhe isso", "share", true},
    {"compartilhe", "share", true},
    {"condividi", "share", true},
    {"delen:", "share", true},
    // Related links.
    {"related articles", "related", true},
    {"related posts", "related", true},
    {"related stories", "related", true},
    {"related:", "related", true},
    {"you may also like", "related", true},
    {"you might also like", "related", true},
    {"more from", "related", false},
    {"read more", "related", false},
    {"ähnliche beiträge", "related", true},
    {"das könnte sie auch interessieren", "related", true},
    {"articles similaires", "related", true},
    {"à lire aussi", "related", true},
    {"artículos relacionados", "related", true},
    {"noticias relacionadas", "related", true},
    {"posts relacionados", "related", true},
    {"leia também", "related", true},
    {"notícias relacionadas", "related", true},
    {"articoli correlati", "related", true},
    {"leggi anche", "related", true},
    {"gerelateerde artikelen", "related", true},
    // Newsletter prompts.
    {"subscribe to our newsletter", "subscribe", true},
    {"sign up for our newsletter", "subscribe", true},
    {"sign up to our newsletter", "subscribe", true},
    {"newsletter abonnieren", "subscribe", true},
    {"abonnez-vous à notre newsletter", "subscribe", true},
    {"inscrivez-vous à notre newsletter", "subscribe", true},
    {"suscríbete a nuestro boletín", "subscribe", true},
    {"suscríbete a nuestra newsletter", "subscribe", true},
    {"assine nossa newsletter", "subscribe", true},
    {"iscriviti alla newsletter", "subscribe", true},
    {"schrijf je in voor onze nieuwsbrief", "subscribe", true},
    // Cookie notices (start or end).
    {"we use cookies", "cookies", false},
    {"this website uses cookies", "cookies", false},
    {"this site uses cookies", "cookies", false},
    {"diese website verwendet cookies", "cookies", false},
    {"wir verwenden cookies", "cookies", false},
    {"ce site utilise des cookies", "cookies", false},
    {"nous utilisons des cookies", "cookies", false},
    {"este sitio web utiliza cookies", "cookies", false},
    {"utilizamos cookies", "cookies", false},
    {"este site utiliza cookies", "cookies", false},
    {"usamos cookies", "cookies", false},
    {"questo sito utilizza cookie", "cookies", false},
    {"deze website maakt gebruik van cookies", "cookies", false},
    // Copyright lines.
    {"©", "copyright", false},
    {"copyright ©", "copyright", false},
    {"all rights reserved", "copyright", false},
    {"alle rechte vorbehalten", "copyright", false},
    {"tous droits réservés", "copyright", false},
    {"todos los derechos reservados", "copyright", false},
    {"todos os direitos reservados", "copyright", false},
    {"tutti i diritti riservati", "copyright", false},
    {"alle rechten voorbehouden", "copyright", false},
    // Page furniture at the start.
    {"skip to content", "skip link", false},
    {"skip to main content", "skip link", false},
    {"zum inhalt springen", "skip link", false},
    {"aller au contenu", "skip link", false},
    {"saltar al contenido", "skip link", false},
    {"pular para o conteúdo", "skip link", false},
    {"advertisement", "advertisement", false},
    {"anzeige", "advertisement", false},
    {"publicité", "advertisement", false},
    {"publicidad", "advertisement", false},
    {"publicidade", "advertisement", false},
};

constexpr std::size_t kMaxWords = 40;        // a pattern line is short...
constexpr std::size_t kMoreWords = 12;       // ...and has at most this many words past the pattern
constexpr std::size_t kShortTailWords = 12;  // a line that may follow a tail's opener (a site name)
constexpr std::size_t kTailLines = 25;       // a tail opens within the body's last lines

struct Line {
  std::size_t start, end;  // bytes of the body, without the newline
  std::string norm;        // lower case, white space collapsed, trimmed
  std::size_t words;
};

std::string normalise(std::string_view line) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(line.data(), static_cast<int32_t>(line.size())));
  u.toLower();
  std::string lower;
  u.toUTF8String(lower);
  std::string out;
  bool space = false;
  for (std::size_t i = 0; i < lower.size(); ++i) {
    auto c = static_cast<unsigned char>(lower[i]);
    bool nbsp = c == 0xC2 && i + 1 < lower.size() && static_cast<unsigned char>(lower[i + 1]) == 0xA0;
    if (c == ' ' || c == '\t' || c == '\r' || nbsp) {
      space = !out.empty();
      if (nbsp) ++i;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

std::size_t count_words(std::string_view s) {
  std::size_t n = 0;
  bool in = false;
  for (char c : s) {
    bool w = c != ' ';
    if (w && !in) ++n;
    in = w;
  }
  return n;
}

const Pattern* match(const Line& l) {
  if (l.words > kMaxWords) return nullptr;
  for (const Pattern& p : kPatterns) {
    std::string_view start = p.start;
    if (l.norm.compare(0, start.size(), start) != 0) continue;
    // Little more than the pattern: "Share this story with a friend, the mayor urged residents
    // ..." is the article's.
    if (l.words > count_words(start) + kMoreWords) continue;
    // The pattern ends at a word boundary ("share this", not "share thistle"); "©" and patterns
    // ending in punctuation need none.
    if (l.norm.size() == start.size()) return &p;
    unsigned char last = static_cast<unsigned char>(start.back());
    char next = l.norm[start.size()];
    if (last >= 0x80 || !std::isalnum(last) || !std::isalnum(static_cast<unsigned char>(next))) return &p;
  }
  return nullptr;
}

bool ends_sentence(const std::string& norm) {
  if (norm.empty()) return false;
  char c = norm.back();
  return c == '.' || c == '!' || c == '?' || c == '"';
}

std::vector<Line> split_lines(const std::string& body) {
  std::vector<Line> lines;
  for (std::size_t pos = 0; pos <= body.size();) {
    std::size_t nl = body.find('\n', pos);
    if (nl == std::string::npos) nl = body.size();
    std::string norm = normalise(std::string_view(body).substr(pos, nl - pos));
    if (!norm.empty()) lines.push_back({pos, nl, norm, count_words(norm)});
    pos = nl + 1;
  }
  return lines;
}

// What a cleaning step decided for one line: kept, or removed by a rule; a dateline is a prefix.
struct Mark {
  bool removed = false;
  std::string rule, why;
  std::size_t cut = 0;  // bytes of a kept line's start taken out (a dateline)
};

// Marks the page's tail and head furniture (see remove_page_tails). Returns [head, tail): the
// lines left between them.
std::pair<std::size_t, std::size_t> mark_tails(const std::vector<Line>& lines, std::vector<Mark>& marks) {
  if (lines.size() < 2) return {0, lines.size()};
  // The tail: the earliest opener among the last lines after which every line is a pattern or
  // short and no sentence of prose. Never the first line.
  std::size_t tail = lines.size();
  std::size_t lowest = lines.size() > kTailLines ? lines.size() - kTailLines : 1;
  bool rest_is_tail = true;  // lines[i + 1 ..] are all tail-like
  std::vector<const Pattern*> matched(lines.size(), nullptr);
  for (std::size_t i = lines.size(); i-- > lowest;) {
    matched[i] = match(lines[i]);
    if (matched[i] != nullptr && matched[i]->opens_tail && rest_is_tail) tail = i;
    bool tail_like = matched[i] != nullptr || (lines[i].words <= kShortTailWords && !ends_sentence(lines[i].norm));
    rest_is_tail = rest_is_tail && tail_like;
  }
  // Without an opener, pattern lines at the very end still go, one by one.
  std::size_t end_run = lines.size();
  while (end_run > 1 && tail == lines.size() && matched[end_run - 1] != nullptr) --end_run;
  if (tail == lines.size()) tail = end_run;

  // Page furniture at the start: skip links, cookie notices, advertisement labels.
  std::size_t head = 0;
  while (head + 1 < tail) {
    const Pattern* p = match(lines[head]);
    if (p == nullptr || p->opens_tail) break;
    marks[head] = {true, p->rule, "a page's " + std::string(p->rule) + " line at the start of the body"};
    ++head;
  }
  for (std::size_t i = tail; i < lines.size(); ++i) {
    Mark m{true, matched[i] != nullptr ? matched[i]->rule : "after the tail", ""};
    if (matched[i] != nullptr && i == tail && matched[i]->opens_tail) {
      m.why = "opens the page's tail (" + std::string(matched[i]->rule) + ") at the end of the body";
    } else if (matched[i] != nullptr) {
      m.why = "a page's " + std::string(matched[i]->rule) + " line at the end of the body";
    } else {
      m.why = "a short line after the page's tail (a site name or button)";
    }
    marks[i] = std::move(m);
  }
  return {head, tail};
}

bool is_space_byte(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// Whether a line has a letter (any non-ASCII byte counts): a line of figures ("78,000", a
// table's row) recurs in a source's articles without being boilerplate.
bool has_letter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || std::isalpha(u) != 0;
  });
}

// The body without its removed lines (and dateline prefixes): kept lines joined by the white
// space that followed each in the body as read, nothing at either end. Returns the removals.
std::vector<Removal> apply_marks(std::string& body, const std::vector<Line>& lines, const std::vector<Mark>& marks) {
  std::vector<Removal> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Mark& m = marks[i];
    if (m.removed) {
      out.push_back(
          {lines[i].start, lines[i].end, m.rule, body.substr(lines[i].start, lines[i].end - lines[i].start), m.why});
    } else if (m.cut > 0) {
      out.push_back({lines[i].start, lines[i].start + m.cut, m.rule, body.substr(lines[i].start, m.cut), m.why});
    }
  }
  if (out.empty()) return out;
  std::string kept;
  kept.reserve(body.size());
  std::size_t prev = lines.size();  // the last kept line
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (marks[i].removed) continue;
    if (prev != lines.size()) kept.append(body, lines[prev].end, lines[prev + 1].start - lines[prev].end);
    std::size_t from = lines[i].start + marks[i].cut;
    while (from < lines[i].end && is_space_byte(body[from])) ++from;
    kept.append(body, from, lines[i].end - from);
    prev = i;
  }
  // No white space (nor a no-break space) left at either end.
  auto trailing_space = [](const std::string& s) {
    if (s.empty()) return false;
    if (is_space_byte(s.back())) return true;
    return s.size() >= 2 && static_cast<unsigned char>(s[s.size() - 2]) == 0xC2 &&
           static_cast<unsigned char>(s.back()) == 0xA0;
  };
  while (trailing_space(kept)) kept.resize(kept.back() == '\xA0' ? kept.size() - 2 : kept.size() - 1);
  std::size_t lead = 0;
  while (lead < kept.size() && is_space_byte(kept[lead])) ++lead;
  body = kept.substr(lead);
  return out;
}

// --- The lead: section label, headline repeat, byline, dateline ---

// Words of a line as written (split on white space).
std::vector<std::string_view> words_of(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space_byte(s[i])) ++i;
    std::size_t j = i;
    while (j < s.size() && !is_space_byte(s[j])) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// The first code point of `w`, or 0.
UChar32 first_char(std::string_view w) {
  if (w.empty()) return 0;
  int32_t i = 0;
  UChar32 c = 0;
  U8_NEXT(reinterpret_cast<const uint8_t*>(w.data()), i, static_cast<int32_t>(w.size()), c);
  return c < 0 ? 0 : c;
}

// Letters only upper case, at least one letter ("RIGA", "D.C.", "SÃO", "NEW-YORK"); digits never.
bool all_caps_word(std::string_view w) {
  int32_t i = 0;
  const auto n = static_cast<int32_t>(w.size());
  bool letter = false;
  while (i < n) {
    UChar32 c = 0;
    U8_NEXT(reinterpret_cast<const uint8_t*>(w.data()), i, n, c);
    if (c < 0 || u_isdigit(c)) return false;
    if (u_isalpha(c)) {
      if (!u_isupper(c)) return false;
      letter = true;
    } else if (c != '.' && c != '-' && c != '\'' && c != 0x2019) {
      return false;
    }
  }
  return letter;
}

bool is_dash(std::string_view w) { return w == "-" || w == "--" || w == "\xE2\x80\x94" || w == "\xE2\x80\x93"; }

// Separators between a byline's names and what follows them (a date, an agency).
bool is_byline_separator(std::string_view w) {
  return is_dash(w) || w == "|" || w == "/" || w == "\xC2\xB7" || w == "\xE2\x80\xA2" || w == "\xE2\x80\x94";
}

// "By" in the languages of the page-tail patterns (and the Nordic ones).
bool is_by(std::string_view w) {
  static const char* const kBy[] = {"by", "par", "von", "por", "di", "door", "av", "af", "de"};
  const std::string lw = ascii_lower(w);
  for (const char* b : kBy) {
    if (lw == b) return true;
  }
  return false;
}

bool is_name_joiner(std::string_view w) {
  return w == "and" || w == "&" || w == "et" || w == "und" || w == "y" || w == "e" || w == "en" || w == "och" ||
         w == "og";
}

bool is_name_particle(std::string_view w) {
  static const char* const kParticles[] = {"de",  "da",  "di", "del", "della", "do",  "dos", "das", "van", "von",
                                           "der", "den", "le", "la",  "du",    "bin", "al",  "el",  "ter", "ten"};
  for (const char* p : kParticles) {
    if (w == p) return true;
  }
  return false;
}

// "By Maris Kalnins · 10.07.2025 09:00", "Par Camille Perrin et Luc Roy", "By JANE DOE, Reuters":
// the names, or none when the line is not a byline. A byline is short, starts with "by" (in one
// of several languages) and names one or more people by capitalised words; after them comes
// nothing, or a separator (· | — , /) and a few words (a date, an agency).
std::vector<std::string> byline_names(std::string_view line) {
  std::vector<std::string_view> w = words_of(line);
  if (w.size() < 2 || w.size() > 18 || !is_by(w[0])) return {};
  std::vector<std::string> names;
  std::string cur;
  std::size_t cur_words = 0;
  std::size_t i = 1;
  bool ended = false;  // a separator (or a comma) closed the names
  bool by_comma = false;
  for (; i < w.size(); ++i) {
    std::string_view word = w[i];
    if (is_byline_separator(word)) {
      ended = true;
      ++i;
      break;
    }
    bool comma = word.size() > 1 && word.back() == ',';
    if (comma) word.remove_suffix(1);
    if (is_name_joiner(word) && !cur.empty()) {
      names.push_back(cur);
      cur.clear();
      cur_words = 0;
      continue;
    }
    UChar32 c = first_char(word);
    bool capital = u_isupper(c) || u_istitle(c);
    if (!capital && !(is_name_particle(word) && !cur.empty())) return {};
    if (++cur_words > 4) return {};
    if (!cur.empty()) cur += ' ';
    cur += word;
    if (comma) {
      ended = true;
      by_comma = true;
      ++i;
      break;
    }
  }
  if (!cur.empty()) names.push_back(cur);
  // "By Monday, officials said." is a sentence: after a comma, an agency or a date, no full stop.
  if (by_comma && !line.empty() && line.back() == '.') return {};
  if (names.empty()) return {};
  // What follows the names is short and no sentence.
  if (ended && (w.size() - i > 8 || (!line.empty() && (line.back() == '.' && w.size() - i > 3)))) return {};
  if (!ended && i < w.size()) return {};
  for (const std::string& n : names) {
    if (words_of(n).size() < 2 && names.size() == 1 && !ended) return {};  // "By Tuesday": one word, nothing after
  }
  return names;
}

// The length in bytes of a dateline opening `line`, up to and with its dash and the space after
// it, and the dateline itself ("SEOUL, Jan 4 (Reuters)"); 0 when there is none. A dateline is a
// place in capitals ("RIGA", "NEW YORK", "WASHINGTON, D.C."; or capitalised when a source in
// brackets follows: "Paris (Reuters)"), then optionally a comma and a few words (a date, a
// region), optionally a source in brackets, then a dash; the paragraph goes on after it.
std::size_t dateline_length(std::string_view line, std::string& dateline) {
  std::vector<std::string_view> w = words_of(line);
  std::size_t i = 0, place_words = 0;
  bool caps = true;
  for (; i < w.size() && i < 5; ++i) {
    std::string_view word = w[i];
    if (word.front() == '(' || is_dash(word)) break;
    bool comma = word.back() == ',';
    if (comma) word.remove_suffix(1);
    if (word.empty()) return 0;
    if (!all_caps_word(word)) {
      if (!u_isupper(first_char(word))) return 0;
      caps = false;
    }
    ++place_words;
    if (comma) {
      ++i;
      break;
    }
  }
  if (place_words == 0) return 0;
  // After a comma: a few words (a date, a region), none ending a sentence.
  std::size_t extra = 0;
  while (i < w.size() && w[i].front() != '(' && !is_dash(w[i])) {
    if (++extra > 4 || (w[i].back() == '.' && w[i].size() > 4)) return 0;
    ++i;
  }
  bool source = false;
  if (i < w.size() && w[i].front() == '(') {
    std::size_t j = i;
    while (j < w.size() && w[j].back() != ')' && j - i < 5) ++j;
    if (j >= w.size() || w[j].back() != ')') return 0;
    source = true;
    i = j + 1;
  }
  if (!caps && !source) return 0;
  if (i >= w.size() || !is_dash(w[i]) || i + 1 >= w.size()) return 0;
  // Bytes: up to the dash's end.
  std::size_t dash_end = static_cast<std::size_t>(w[i].data() - line.data()) + w[i].size();
  dateline = std::string(line.substr(0, static_cast<std::size_t>(w[i].data() - line.data())));
  while (!dateline.empty() && is_space_byte(dateline.back())) dateline.pop_back();
  return dash_end;
}

bool ends_prose(const std::string& norm) {
  if (norm.empty()) return false;
  char c = norm.back();
  return c == '.' || c == '!' || c == '?' || c == ':' || c == ';';
}

constexpr std::size_t kLeadLines = 4;          // the lead's furniture is among the first lines
constexpr std::size_t kSectionLabelWords = 5;  // "Energy & Environment", "Music & Nightlife"

// Marks the lead's furniture among lines [head, tail) and the dateline of its first kept line.
void mark_lead(Article& a, const std::string& body, const std::vector<Line>& lines, std::vector<Mark>& marks,
               std::size_t head, std::size_t tail) {
  if (tail <= head + 1) return;  // a one-line body is all article
  const std::string title = normalise(a.title);
  const std::size_t last = std::min(tail - 1, head + kLeadLines);  // never the last line left
  // The headline repeated: every short line before it is a section label.
  std::size_t title_at = tail;
  for (std::size_t i = head; i < last && !title.empty(); ++i) {
    // The headline alone, or as a page's title gives it ("Headline | Site", "You are reading:
    // Headline"): up to 8 words around it.
    if (lines[i].norm == title || (title.size() >= 20 && lines[i].words <= count_words(title) + 8 &&
                                   lines[i].norm.find(title) != std::string::npos)) {
      title_at = i;
      break;
    }
    if (lines[i].words > kSectionLabelWords || ends_prose(lines[i].norm)) break;
  }
  std::size_t next = head;
  if (title_at != tail) {
    for (std::size_t i = head; i < title_at; ++i) {
      marks[i] = {true, "section label", "a short label before the headline repeated at the start of the body"};
    }
    marks[title_at] = {true, "title repeat", "the headline, repeated at the start of the body"};
    next = title_at + 1;
  } else if (!a.section.empty() && lines[head].norm == normalise(a.section)) {
    marks[head] = {true, "section label", "the article's section, at the start of the body"};
    next = head + 1;
  }
  // A byline, among the next lines (before any paragraph of prose).
  for (std::size_t i = next; i < std::min(tail - 1, next + 2); ++i) {
    std::string_view text(body.data() + lines[i].start, lines[i].end - lines[i].start);
    std::vector<std::string> names = byline_names(text);
    bool author_line = !names.empty();
    if (!author_line) {
      for (const std::string& au : a.authors) author_line = author_line || lines[i].norm == normalise(au);
    }
    if (author_line) {
      if (a.authors.empty()) a.authors = names;
      marks[i] = {true, "byline", "the byline, at the start of the body (its names are the authors)"};
      next = i + 1;
      break;
    }
    if (lines[i].words > 12 || ends_prose(lines[i].norm)) break;
  }
  // A dateline opening the first paragraph left.
  std::size_t first = next;
  while (first < tail && marks[first].removed) ++first;
  if (first >= tail) return;
  std::string_view text(body.data() + lines[first].start, lines[first].end - lines[first].start);
  std::string dateline;
  if (std::size_t n = dateline_length(text, dateline); n > 0 && a.dateline.empty()) {
    a.dateline = dateline;
    marks[first].cut = n;
    marks[first].rule = "dateline";
    marks[first].why = "the dateline opening the first paragraph (kept as the article's dateline)";
  }
}

}  // namespace

std::vector<Removal> remove_page_tails(std::string& body) {
  std::vector<Line> lines = split_lines(body);
  std::vector<Mark> marks(lines.size());
  mark_tails(lines, marks);
  return apply_marks(body, lines, marks);
}

std::string source_key(const Article& a) {
  if (!a.source.empty()) return "source:" + normalise(a.source);
  if (std::size_t scheme = a.url.find("://"); scheme != std::string::npos) {
    std::size_t from = scheme + 3;
    std::size_t to = a.url.find_first_of("/?#", from);
    std::string host = a.url.substr(from, to == std::string::npos ? std::string::npos : to - from);
    if (std::size_t at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
    if (std::size_t colon = host.find(':'); colon != std::string::npos) host.resize(colon);
    host = ascii_lower(host);
    if (host.rfind("www.", 0) == 0) host.erase(0, 4);
    if (!host.empty()) return "site:" + host;
  }
  // The folder by its last two names: the same whether the corpus was given by a relative or an
  // absolute path.
  std::string_view p = a.path;
  std::size_t slash = p.find_last_of('/');
  std::string_view dir = slash == std::string_view::npos ? std::string_view() : p.substr(0, slash);
  std::size_t s1 = dir.find_last_of('/');
  if (s1 != std::string_view::npos) {
    std::size_t s2 = dir.find_last_of('/', s1 == 0 ? 0 : s1 - 1);
    dir = s2 == std::string_view::npos || s1 == 0 ? dir : dir.substr(s2 + 1);
  }
  return "folder:" + std::string(dir);
}

std::uint64_t RecurringLines::signature(std::string_view line) {
  std::string norm = normalise(line);
  std::string out;
  out.reserve(norm.size());
  for (char c : norm) {
    if (c >= '0' && c <= '9') {
      if (out.empty() || out.back() != '0') out.push_back('0');
    } else {
      out.push_back(c);
    }
  }
  return fnv1a64(out);
}

std::vector<std::uint64_t> RecurringLines::signatures(std::string_view body) {
  std::vector<std::uint64_t> out;
  for (std::size_t pos = 0; pos <= body.size();) {
    std::size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) nl = body.size();
    std::string_view line = body.substr(pos, nl - pos);
    pos = nl + 1;
    std::size_t words = 0;
    bool in = false;
    for (char c : line) {
      bool w = !is_space_byte(c);
      if (w && !in) ++words;
      in = w;
    }
    if (words == 0 || words > kMaxLineWords || !has_letter(line)) continue;
    out.push_back(signature(line));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void RecurringLines::add(const std::string& key, const std::vector<std::uint64_t>& signatures) {
  Source& s = sources_[key];
  ++s.articles;
  for (std::uint64_t sig : signatures) ++s.lines[sig];
}

void RecurringLines::merge(const RecurringLines& other) {
  for (const auto& [key, src] : other.sources_) {
    Source& s = sources_[key];
    s.articles += src.articles;
    for (const auto& [sig, n] : src.lines) s.lines[sig] += n;
  }
}

std::uint32_t RecurringLines::count(const std::string& key, std::uint64_t sig) const {
  auto it = sources_.find(key);
  if (it == sources_.end()) return 0;
  auto l = it->second.lines.find(sig);
  return l == it->second.lines.end() ? 0 : l->second;
}

std::uint32_t RecurringLines::articles(const std::string& key) const {
  auto it = sources_.find(key);
  return it == sources_.end() ? 0 : it->second.articles;
}

namespace {
bool recurs_in(std::uint32_t n, std::uint32_t articles) {
  return n >= RecurringLines::kMinArticles && static_cast<double>(n) >= RecurringLines::kMinShare * articles;
}
}  // namespace

bool RecurringLines::recurs(const std::string& key, std::uint64_t sig) const {
  auto it = sources_.find(key);
  if (it == sources_.end()) return false;
  auto l = it->second.lines.find(sig);
  return l != it->second.lines.end() && recurs_in(l->second, it->second.articles);
}

std::size_t RecurringLines::recurring() const {
  std::size_t n = 0;
  for (const auto& [key, s] : sources_) {
    for (const auto& [sig, c] : s.lines) n += recurs_in(c, s.articles) ? 1 : 0;
  }
  return n;
}

// A record: varint key length, key, varint articles, varint line count, then per line 8 bytes
// of signature (little-endian) and a varint count.
std::vector<std::pair<std::string, std::string>> RecurringLines::records() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, s] : sources_) {
    std::vector<std::pair<std::uint64_t, std::uint32_t>> kept;
    for (const auto& [sig, c] : s.lines) {
      if (c >= 2) kept.emplace_back(sig, c);
    }
    std::sort(kept.begin(), kept.end());
    std::string r;
    put_varint(r, key.size());
    r += key;
    put_varint(r, s.articles);
    put_varint(r, kept.size());
    for (const auto& [sig, c] : kept) {
      for (int b = 0; b < 8; ++b) r.push_back(static_cast<char>((sig >> (8 * b)) & 0xFF));
      put_varint(r, c);
    }
    out.emplace_back(key, std::move(r));
  }
  std::sort(out.begin(), out.end());
  return out;
}

void RecurringLines::add_record(std::string_view r) {
  std::size_t pos = 0;
  auto fail = [] { throw DataError("malformed recurring-lines record"); };
  auto varint = [&]() -> std::uint64_t {
    std::uint64_t n = 0;
    if (!get_varint(r, pos, n)) fail();
    return n;
  };
  std::uint64_t klen = varint();
  if (klen > r.size() - pos) fail();
  std::string key(r.substr(pos, klen));
  pos += klen;
  std::uint64_t articles = varint();
  std::uint64_t n = varint();
  if (n > (r.size() - pos) / 9) fail();
  Source& s = sources_[key];
  s.articles += static_cast<std::uint32_t>(std::min<std::uint64_t>(articles, UINT32_MAX));
  for (std::uint64_t k = 0; k < n; ++k) {
    if (r.size() - pos < 8) fail();
    std::uint64_t sig = 0;
    for (int b = 0; b < 8; ++b) sig |= static_cast<std::uint64_t>(static_cast<unsigned char>(r[pos++])) << (8 * b);
    s.lines[sig] += static_cast<std::uint32_t>(std::min<std::uint64_t>(varint(), UINT32_MAX));
  }
  if (pos != r.size()) fail();
}

std::vector<Removal> clean_article(Article& a, const RecurringLines* recurring,
                                   const std::vector<std::string>& link_lists) {
  std::vector<Line> lines = split_lines(a.body);
  std::vector<Mark> marks(lines.size());
  auto [head, tail] = mark_tails(lines, marks);
  mark_lead(a, a.body, lines, marks, head, tail);
  if (!link_lists.empty()) {
    std::size_t left = 0;
    for (const Mark& m : marks) left += m.removed ? 0 : 1;
    for (std::size_t i = 0; i < lines.size() && left > 1; ++i) {
      if (marks[i].removed || marks[i].cut > 0) continue;
      std::string_view text(a.body.data() + lines[i].start, lines[i].end - lines[i].start);
      if (std::find(link_lists.begin(), link_lists.end(), text) == link_lists.end()) continue;
      marks[i] = {true, "link list", "a paragraph that is mostly links (the page's, not the article's)"};
      --left;
    }
  }
  if (recurring != nullptr && !recurring->empty()) {
    const std::string key = source_key(a);
    std::size_t words = 0, recurring_words = 0;
    std::vector<std::pair<std::size_t, std::uint64_t>> found;  // line, signature
    for (std::size_t i = head; i < tail; ++i) {
      if (marks[i].removed) continue;
      words += lines[i].words;
      std::string_view text(a.body.data() + lines[i].start, lines[i].end - lines[i].start);
      if (marks[i].cut > 0 || lines[i].words > RecurringLines::kMaxLineWords || !has_letter(text)) continue;
      if (std::uint64_t sig = RecurringLines::signature(text); recurring->recurs(key, sig)) {
        found.emplace_back(i, sig);
        recurring_words += lines[i].words;
      }
    }
    // Half of the article or more: the article itself recurs (a story republished), keep it.
    if (!found.empty() && recurring_words * 2 < words) {
      for (const auto& [i, sig] : found) {
        std::uint32_t n = recurring->count(key, sig);
        marks[i] = {true, "recurring line",
                    "recurs in " + std::to_string(n) + " of the " + std::to_string(recurring->articles(key)) +
                        " articles of " + key};
      }
    }
  }
  // Pattern lines ("Read more: ...", "Advertisement") that border what went at either end go
  // with it: the page's furniture ends where the article's first or last line is.
  auto absorb = [&](std::size_t i, const char* where) {
    if (marks[i].removed) return true;
    const Pattern* p = marks[i].cut == 0 ? match(lines[i]) : nullptr;
    if (p == nullptr) return false;
    marks[i] = {
        true, p->rule,
        "a page's " + std::string(p->rule) + " line next to the boilerplate removed at the " + where + " of the body"};
    return true;
  };
  bool any_removed = std::any_of(marks.begin(), marks.end(), [](const Mark& m) { return m.removed; });
  if (any_removed && lines.size() > 1) {
    for (std::size_t i = lines.size(); i-- > 1 && absorb(i, "end");) {
    }
    for (std::size_t i = 0; i + 1 < lines.size() && absorb(i, "start"); ++i) {
    }
  }
  return apply_marks(a.body, lines, marks);
}

}  // namespace gazette
