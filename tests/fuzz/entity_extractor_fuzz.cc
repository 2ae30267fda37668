// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the entity extractor (tagger, rules, gazetteer, canonical names) on arbitrary UTF-8,
// with the shipped gazetteer and model (found as the indexer finds them: GAZETTE_DATA_DIR or the
// build's share/gazette). The first byte picks the article's language; the first line of the rest
// is the title, the others the body. Input that is not valid UTF-8 is skipped: the readers repair
// text before extraction ever sees it. Contract: nothing is thrown; every entity has a canonical
// name in valid UTF-8, and each mention's offsets lie in its field on character boundaries, its
// surface being that text; the stored record keeps the entities.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "fuzz_support.h"
#include "gazette/common/article.h"
#include "gazette/common/encoding.h"
#include "gazette/common/entities.h"

namespace {

const gazette::EntityExtractor& extractor() {
  static std::shared_ptr<const gazette::EntityExtractor> e = [] {
    auto loaded = gazette::EntityExtractor::load_default();
    if (loaded->tagger_name() != "perceptron") gazette::fuzz::fail("no tagger model found (is share/gazette built?)");
    return loaded;
  }();
  return *e;
}

const char* const kLanguages[] = {"", "en", "de", "fr", "es", "it", "nl", "zh", "ja"};

bool boundary(const std::string& text, std::size_t at) {
  return at == text.size() || (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  extractor();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using gazette::fuzz::check;
  using gazette::fuzz::fail;
  gazette::fuzz::ByteReader in(data, size);
  gazette::Article a;
  a.lang = kLanguages[in.byte() % (sizeof kLanguages / sizeof kLanguages[0])];
  std::string text = in.rest();
  if (!gazette::is_valid_utf8(text)) return 0;
  std::size_t nl = text.find('\n');
  a.title = text.substr(0, nl);
  a.body = nl == std::string::npos ? "" : text.substr(nl + 1);
  a.id = "fuzz";
  std::vector<gazette::Entity> entities;
  try {
    entities = extractor().extract(a);
  } catch (const std::exception& e) {
    fail("EntityExtractor::extract threw", e.what());
  } catch (...) {
    fail("EntityExtractor::extract threw a non-standard exception");
  }
  std::set<std::pair<int, std::string>> seen;
  for (const gazette::Entity& e : entities) {
    check(!e.canonical.empty() && gazette::is_valid_utf8(e.canonical), "an entity name that is empty or not UTF-8",
          e.canonical);
    check(seen.insert({static_cast<int>(e.kind), e.canonical}).second, "an entity listed twice", e.canonical);
    check(!e.mentions.empty(), "an entity without mentions", e.canonical);
    for (const gazette::Mention& m : e.mentions) {
      const std::string& field = m.field == gazette::TextField::kTitle ? a.title : a.body;
      check(m.start < m.end && m.end <= field.size(), "a mention outside its field", e.canonical);
      check(boundary(field, m.start) && boundary(field, m.end), "a mention that cuts a character", e.canonical);
      check(m.surface == field.substr(m.start, m.end - m.start), "a mention's surface is not its text", m.surface);
    }
  }
  a.entities = entities;
  gazette::Article back = gazette::deserialize_article(gazette::serialize_article(a));
  check(back.entities.size() == entities.size(), "the stored record lost entities");
  for (std::size_t i = 0; i < entities.size(); ++i) {
    check(back.entities[i].canonical == entities[i].canonical &&
              back.entities[i].mentions.size() == entities[i].mentions.size(),
          "the stored record changed an entity");
    for (std::size_t m = 0; m < entities[i].mentions.size(); ++m) {
      check(back.entities[i].mentions[m].surface == entities[i].mentions[m].surface,
            "the stored record changed a mention");
    }
  }
  return 0;
}
