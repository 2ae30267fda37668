// SPDX-License-Identifier: GPL-2.0-or-later
// The ICU side of the analyser: word segmentation, NFKC case folding, diacritic folding.
#include "gazette/common/analyzer.h"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>

#include <unicode/brkiter.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>
#include <xapian.h>

#include "gazette/common/error.h"
#include "gazette/common/text.h"

namespace gazette {
namespace {

// One of ICU's normalisers (owned by ICU); throws Error when ICU cannot provide it (missing data).
using NormalizerGetter = const icu::Normalizer2* (*)(UErrorCode&);
const icu::Normalizer2& normalizer(NormalizerGetter get, const char* name) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = get(status);
  if (U_FAILURE(status) || n == nullptr)
    throw Error(std::string("ICU ") + name + " unavailable: " + u_errorName(status));
  return *n;
}
const icu::Normalizer2& nfkc_casefold() {
  static const icu::Normalizer2& instance = normalizer(&icu::Normalizer2::getNFKCCasefoldInstance, "NFKC_Casefold");
  return instance;
}
const icu::Normalizer2& nfd() {
  static const icu::Normalizer2& instance = normalizer(&icu::Normalizer2::getNFDInstance, "NFD");
  return instance;
}
const icu::Normalizer2& nfc() {
  static const icu::Normalizer2& instance = normalizer(&icu::Normalizer2::getNFCInstance, "NFC");
  return instance;
}

// Throws Error for an ICU call that failed on a text (bad text never fails: invalid UTF-8 reads
// as U+FFFD; what fails is ICU itself, out of memory or given a text over 2 GiB).
void check_text_call(UErrorCode status, const char* what, std::string_view text) {
  if (U_FAILURE(status)) {
    throw Error(std::string("ICU ") + what + " failed on a text of " + std::to_string(text.size()) +
                " bytes: " + u_errorName(status));
  }
}

// `text` normalised by `n` (`name` for errors).
std::string normalize(const icu::Normalizer2& n, const char* name, std::string_view text) {
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  UErrorCode status = U_ZERO_ERROR;
  n.normalizeUTF8(0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), sink, nullptr, status);
  check_text_call(status, name, text);
  return out;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string icu_fold(std::string_view s) {
  if (is_ascii(s)) return ascii_lower(s);
  return normalize(nfkc_casefold(), "NFKC_Casefold", s);
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  std::size_t pos = s.find(from);
  if (pos == std::string::npos) return;
  std::string out;
  std::size_t done = 0;
  for (; pos != std::string::npos; pos = s.find(from, done)) {
    out.append(s, done, pos - done).append(to);
    done = pos + from.size();
  }
  out.append(s, done, std::string::npos);
  s = std::move(out);
}

// Word-level clean-up after folding: apostrophes, possessives, acronyms, digit grouping.
std::string tidy_word(std::string term) {
  replace_all(term, "\xE2\x80\x99", "'");  // U+2019 right single quotation mark
  replace_all(term, "\xCA\xBC", "'");      // U+02BC modifier letter apostrophe
  if (term.size() > 2 && term.compare(term.size() - 2, 2, "'s") == 0) term.resize(term.size() - 2);
  while (!term.empty() && term.back() == '\'') term.pop_back();
  while (!term.empty() && term.front() == '\'') term.erase(0, 1);
  if (term.find('.') != std::string::npos) {
    // "u.s" / "u.s.a" -> "us" / "usa": single letters joined by dots are an acronym.
    bool acronym = term.size() >= 3;
    for (std::size_t i = 0; i < term.size() && acronym; ++i) {
      bool letter_slot = (i % 2 == 0);
      char c = term[i];
      acronym = letter_slot ? (c >= 'a' && c <= 'z') : c == '.';
    }
    if (acronym) term.erase(std::remove(term.begin(), term.end(), '.'), term.end());
  }
  if (term.find(',') != std::string::npos &&
      std::all_of(term.begin(), term.end(), [](char c) { return (c >= '0' && c <= '9') || c == ','; })) {
    term.erase(std::remove(term.begin(), term.end(), ','), term.end());
  }
  return term;
}

enum class Script { kOther, kHangul, kNoStem };

Script script_of(std::string_view term) {
  int32_t i = 0;
  UChar32 c = 0;
  U8_NEXT(reinterpret_cast<const uint8_t*>(term.data()), i, static_cast<int32_t>(term.size()), c);
  if (c < 0) return Script::kOther;
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode sc = uscript_getScript(c, &status);
  switch (sc) {
    case USCRIPT_HANGUL:
      return Script::kHangul;
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_THAI:
    case USCRIPT_LAO:
    case USCRIPT_KHMER:
    case USCRIPT_MYANMAR:
      return Script::kNoStem;
    default:
      return u_isdigit(c) ? Script::kNoStem : Script::kOther;
  }
}

// Korean has no Snowball stemmer; stripping the common particles (josa) from a word
// ("서울에서" -> "서울") gives most of what stemming gives other languages.
std::string strip_korean_particle(std::string_view term) {
  static const std::vector<std::string> particles = [] {
    std::vector<std::string> p = {"에서는", "에서도", "으로는", "에게서", "까지는", "부터는", "에서", "에게",
                                  "으로",   "까지",   "부터",   "처럼",   "보다",   "이나",   "에는", "와의",
                                  "과의",   "은",     "는",     "이",     "가",     "을",     "를",   "에",
                                  "의",     "로",     "와",     "과",     "도",     "만"};
    std::sort(p.begin(), p.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    return p;
  }();
  for (const std::string& p : particles) {
    // Keep at least two syllables (6 bytes) of stem so short nouns are not mangled.
    if (term.size() >= p.size() + 6 && term.compare(term.size() - p.size(), p.size(), p) == 0) {
      return std::string(term.substr(0, term.size() - p.size()));
    }
  }
  return std::string(term);
}

}  // namespace

struct Analyzer::Impl {
  std::unique_ptr<icu::BreakIterator> words;
  std::map<std::string, std::optional<Xapian::Stem>, std::less<>> stemmers;
  // Recent stems by language + '\0' + word: words repeat (Zipf), Snowball costs ~10x a lookup.
  std::unordered_map<std::string, std::string> stem_cache;
  std::string stem_key;
  static constexpr std::size_t kStemCacheSize = 1u << 17;

  Impl() {
    UErrorCode status = U_ZERO_ERROR;
    words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status) || !words) {
      throw Error(std::string("cannot create ICU word break iterator: ") + u_errorName(status));
    }
  }

  const Xapian::Stem* stemmer(std::string_view lang) {
    auto it = stemmers.find(lang);
    if (it == stemmers.end()) {
      std::optional<Xapian::Stem> stem;
      if (!lang.empty()) {
        try {
          stem.emplace(std::string(lang));
        } catch (const Xapian::Error&) {
          // No Snowball stemmer for this language: words are indexed unstemmed only.
        }
      }
      it = stemmers.emplace(std::string(lang), std::move(stem)).first;
    }
    return it->second ? &*it->second : nullptr;
  }
};

Analyzer::Analyzer() : impl_(std::make_unique<Impl>()) {}
Analyzer::~Analyzer() = default;
Analyzer::Analyzer(Analyzer&&) noexcept = default;
Analyzer& Analyzer::operator=(Analyzer&&) noexcept = default;

std::vector<Token> Analyzer::tokenize(std::string_view text) {
  std::vector<Token> tokens;
  if (text.empty()) return tokens;
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  check_text_call(status, "utext_openUTF8", text);
  icu::BreakIterator& bi = *impl_->words;
  bi.setText(ut, status);
  if (U_FAILURE(status)) utext_close(ut);
  check_text_call(status, "word segmentation", text);
  int32_t start = bi.first();
  for (int32_t end = bi.next(); end != icu::BreakIterator::DONE; start = end, end = bi.next()) {
    if (bi.getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;  // spaces, punctuation
    std::string_view word = text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start));
    std::string term = tidy_word(icu_fold(word));
    if (term.empty()) continue;
    tokens.push_back(Token{std::move(term), static_cast<std::size_t>(start), static_cast<std::size_t>(end)});
  }
  utext_close(ut);
  return tokens;
}

std::string Analyzer::stem(std::string_view term, std::string_view lang) {
  if (term.empty()) return {};
  switch (script_of(term)) {
    case Script::kNoStem:
      return {};
    case Script::kHangul:
      return strip_korean_particle(term);
    case Script::kOther:
      break;
  }
  std::string& key = impl_->stem_key;
  key.assign(lang);
  key.push_back('\0');
  key.append(term);
  auto cached = impl_->stem_cache.find(key);
  if (cached != impl_->stem_cache.end()) return cached->second;
  const Xapian::Stem* stemmer = impl_->stemmer(lang);
  if (stemmer == nullptr) return {};
  std::string stemmed = (*stemmer)(std::string(term));
  if (!is_ascii(stemmed)) stemmed = fold_latin_diacritics(stemmed);
  if (impl_->stem_cache.size() >= Impl::kStemCacheSize) impl_->stem_cache.clear();  // bounded memory
  impl_->stem_cache.emplace(key, stemmed);
  return stemmed;
}

std::string fold_case(std::string_view text) { return std::string(trim(icu_fold(text), " \t\r\n")); }

std::string fold_latin_diacritics(std::string_view text) {
  if (is_ascii(text)) return std::string(text);
  const std::string decomposed = normalize(nfd(), "NFD", text);
  std::string stripped;
  stripped.reserve(decomposed.size());
  bool after_latin = false;
  const auto* bytes = reinterpret_cast<const uint8_t*>(decomposed.data());
  int32_t length = static_cast<int32_t>(decomposed.size());
  for (int32_t i = 0; i < length;) {
    int32_t begin = i;
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (u_charType(c) == U_NON_SPACING_MARK) {
      if (after_latin) continue;
    } else {
      UErrorCode sc_status = U_ZERO_ERROR;
      after_latin = uscript_getScript(c, &sc_status) == USCRIPT_LATIN;
    }
    stripped.append(decomposed, static_cast<std::size_t>(begin), static_cast<std::size_t>(i - begin));
  }
  return normalize(nfc(), "NFC", stripped);
}

bool has_stemmer(std::string_view lang) {
  if (lang.empty()) return false;
  try {
    Xapian::Stem stem{std::string(lang)};
    return true;
  } catch (const Xapian::Error&) {
    return false;
  }
}

}  // namespace gazette
