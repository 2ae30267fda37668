// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the stored article record and the hit record (article_record.cc). Input that starts
// like a record ("G\x01", "G\x02", "H\x01") is decoded as one; any other input describes an article, which
// is encoded and decoded. Contract: decode(encode(x)) == x; a decoder given bytes throws DataError
// or returns what encodes back to exactly those bytes (it accepts only what the encoder writes);
// nothing else is thrown. A version-1 article record ("G\x01", before datelines) decodes to what
// the encoder writes as version 2 with an empty dateline and date given.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "fuzz_support.h"
#include "gazette/common/article.h"
#include "gazette/common/error.h"

namespace {

using gazette::Article;
using gazette::fuzz::check;
using gazette::fuzz::fail;

bool same_article(const Article& a, const Article& b) {
  if (a.id != b.id || a.url != b.url || a.title != b.title || a.body != b.body || a.published != b.published ||
      a.source != b.source || a.authors != b.authors || a.section != b.section || a.lang != b.lang ||
      a.path != b.path || a.dateline != b.dateline || a.date_given != b.date_given ||
      a.entities.size() != b.entities.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.entities.size(); ++i) {
    const gazette::Entity& x = a.entities[i];
    const gazette::Entity& y = b.entities[i];
    if (x.kind != y.kind || x.canonical != y.canonical || x.mentions.size() != y.mentions.size()) return false;
    for (std::size_t m = 0; m < x.mentions.size(); ++m) {
      const gazette::Mention& p = x.mentions[m];
      const gazette::Mention& q = y.mentions[m];
      if (p.field != q.field || p.start != q.start || p.end != q.end || p.surface != q.surface) return false;
    }
  }
  return true;
}

bool same_hit(const Article& a, const Article& b) {
  return a.id == b.id && a.url == b.url && a.title == b.title && a.source == b.source && a.lang == b.lang &&
         a.published == b.published;
}

// Decodes with `decode`; DataError is a rejection, anything else a broken contract.
template <typename Fn>
bool decodes(const char* what, Fn&& decode) {
  try {
    decode();
    return true;
  } catch (const gazette::DataError&) {
    return false;
  } catch (const std::exception& e) {
    fail(what, e.what());
  } catch (...) {
    fail(what, "a non-standard exception");
  }
}

// An article described by the input: strings, a date, authors, entities with mentions whose offsets
// may or may not lie inside the text.
Article article_from(gazette::fuzz::ByteReader& in) {
  Article a;
  for (std::string* s : {&a.id, &a.url, &a.title, &a.body, &a.source, &a.section, &a.lang, &a.path}) *s = in.string();
  if (in.flag()) a.published = static_cast<std::int64_t>(in.u64());
  for (int n = in.byte() % 4; n > 0; --n) a.authors.push_back(in.string());
  for (int n = in.byte() % 4; n > 0; --n) {
    gazette::Entity e;
    e.kind = static_cast<gazette::EntityKind>(in.byte() % 3);
    e.canonical = in.string();
    for (int m = in.byte() % 4; m > 0; --m) {
      gazette::Mention mention;
      mention.field = in.flag() ? gazette::TextField::kTitle : gazette::TextField::kBody;
      mention.start = in.byte();
      mention.end = in.flag() ? static_cast<std::size_t>(in.u64()) : mention.start + in.byte();
      const std::string& text = mention.field == gazette::TextField::kTitle ? a.title : a.body;
      if (mention.start <= mention.end && mention.end <= text.size()) {
        mention.surface = text.substr(mention.start, mention.end - mention.start);
      }
      e.mentions.push_back(std::move(mention));
    }
    a.entities.push_back(std::move(e));
  }
  a.dateline = in.string();
  a.date_given = in.string();
  return a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes = gazette::fuzz::as_string(data, size);
  const bool version1 = bytes.rfind(std::string("G\x01", 2), 0) == 0;
  if (version1 || bytes.rfind(std::string("G\x02", 2), 0) == 0) {
    Article a;
    if (decodes("deserialize_article threw something other than DataError",
                [&] { a = gazette::deserialize_article(bytes); })) {
      std::string again = gazette::serialize_article(a);
      // Version 1 as the encoder writes it now: version byte 2, and an empty dateline and date given.
      std::string expected = version1 ? "G\x02" + bytes.substr(2) + std::string(2, '\0') : bytes;
      check(!version1 || (a.dateline.empty() && a.date_given.empty()), "a version-1 record decoded with a dateline");
      check(again == expected, "deserialize_article accepted bytes the encoder does not write");
      check(same_article(gazette::deserialize_article(again), a), "a decoded article does not round-trip");
    }
    return 0;
  }
  if (bytes.rfind(std::string("H\x01", 2), 0) == 0) {
    Article a;
    std::string group;
    if (decodes("deserialize_hit_fields threw something other than DataError",
                [&] { a = gazette::deserialize_hit_fields(bytes, &group); })) {
      std::string again = gazette::serialize_hit_fields(a, group);
      check(again == bytes, "deserialize_hit_fields accepted bytes the encoder does not write");
      std::string other = gazette::hit_fields_with_group(bytes, group + "x");
      std::string other_group;
      check(same_hit(gazette::deserialize_hit_fields(other, &other_group), a) && other_group == group + "x",
            "hit_fields_with_group changed more than the group");
    }
    return 0;
  }
  gazette::fuzz::ByteReader in(data, size);
  Article a = article_from(in);
  std::string group = in.string();
  std::string record = gazette::serialize_article(a);
  Article back;
  if (!decodes("deserialize_article threw something other than DataError",
               [&] { back = gazette::deserialize_article(record); })) {
    fail("deserialize_article rejected what serialize_article wrote");
  }
  check(same_article(back, a), "decode(encode(article)) differs from the article");
  std::string hit = gazette::serialize_hit_fields(a, group);
  std::string back_group;
  Article hit_back;
  if (!decodes("deserialize_hit_fields threw something other than DataError",
               [&] { hit_back = gazette::deserialize_hit_fields(hit, &back_group); })) {
    fail("deserialize_hit_fields rejected what serialize_hit_fields wrote");
  }
  check(same_hit(hit_back, a) && back_group == group, "decode(encode(hit)) differs from the hit");
  // Every cut of a record is refused (a record never ends early by chance).
  for (std::size_t cut = 0; cut < record.size(); cut += 1 + record.size() / 16) {
    check(!decodes("deserialize_article threw something other than DataError",
                   [&] { (void)gazette::deserialize_article(std::string_view(record).substr(0, cut)); }),
          "a cut stored record was accepted");
  }
  return 0;
}
