// SPDX-License-Identifier: GPL-2.0-or-later
#include "gazette/common/boilerplate.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include <unicode/unistr.h>

namespace gazette {
namespace {

struct Pattern {
  const char* start;  // the line's first words, lower case, as normalise() leaves them
  const char* rule;
  bool opens_tail;    // the lines after it belong to the tail too
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

constexpr std::size_t kMaxWords = 40;       // a pattern line is short...
constexpr std::size_t kMoreWords = 12;      // ...and has at most this many words past the pattern
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

}  // namespace

std::vector<Removal> remove_page_tails(std::string& body) {
  std::vector<Line> lines;
  for (std::size_t pos = 0; pos <= body.size();) {
    std::size_t nl = body.find('\n', pos);
    if (nl == std::string::npos) nl = body.size();
    std::string norm = normalise(std::string_view(body).substr(pos, nl - pos));
    if (!norm.empty()) lines.push_back({pos, nl, norm, count_words(norm)});
    pos = nl + 1;
  }
  std::vector<Removal> out;
  if (lines.size() < 2) return out;

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
    out.push_back({lines[head].start, lines[head].end, p->rule,
                   body.substr(lines[head].start, lines[head].end - lines[head].start),
                   "a page's " + std::string(p->rule) + " line at the start of the body"});
    ++head;
  }
  for (std::size_t i = tail; i < lines.size(); ++i) {
    Removal r{lines[i].start, lines[i].end, matched[i] != nullptr ? matched[i]->rule : "after the tail",
              body.substr(lines[i].start, lines[i].end - lines[i].start), ""};
    if (matched[i] != nullptr && i == tail && matched[i]->opens_tail) {
      r.why = "opens the page's tail (" + std::string(matched[i]->rule) + ") at the end of the body";
    } else if (matched[i] != nullptr) {
      r.why = "a page's " + std::string(matched[i]->rule) + " line at the end of the body";
    } else {
      r.why = "a short line after the page's tail (a site name or button)";
    }
    out.push_back(std::move(r));
  }
  if (out.empty()) return out;

  // Cut: the tail first (from its first line to the end), then the head.
  std::string kept;
  std::size_t from = head > 0 ? lines[head].start : 0;
  std::size_t to = tail < lines.size() ? lines[tail].start : body.size();
  kept = body.substr(from, to - from);
  // No white space (nor a no-break space) left at either end.
  auto trailing_space = [](const std::string& s) {
    if (s.empty()) return false;
    char c = s.back();
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') return true;
    return s.size() >= 2 && static_cast<unsigned char>(s[s.size() - 2]) == 0xC2 &&
           static_cast<unsigned char>(s.back()) == 0xA0;
  };
  while (trailing_space(kept)) kept.resize(kept.back() == '\xA0' ? kept.size() - 2 : kept.size() - 1);
  std::size_t lead = 0;
  while (lead < kept.size() && (kept[lead] == ' ' || kept[lead] == '\n' || kept[lead] == '\t' || kept[lead] == '\r')) ++lead;
  body = kept.substr(lead);
  return out;
}

}  // namespace gazette
