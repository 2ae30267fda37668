// SPDX-License-Identifier: GPL-2.0-or-later
// The stored form of an article (Xapian document data): a compact binary record that decodes
// without a parser, because every search hit decodes one.
// Layout: 'G' 0x01, then varint-length strings id url title body source section lang path,
// a published flag byte (+ 8 bytes, little-endian, when set), a varint author count and the
// authors, a varint entity count and per entity: kind byte, name, varint mention count and per
// mention: field byte, varint start, varint end; then (version 2, 'G' 0x02) varint-length
// strings dateline and date_given. Version 1 records (no dateline, no date given) still decode.
// The hit record (serialize_hit_fields): 'H' 0x01, then varint-length strings id url title source
// lang, and the published flag byte (+ 8 bytes).
#include <cstring>

#include "gazette/common/article.h"
#include "gazette/common/error.h"
#include "gazette/common/varint.h"

namespace gazette {
namespace {

void put_string(std::string& out, const std::string& s) {
  put_varint(out, s.size());
  out += s;
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  // Only the shortest form, as put_varint writes it: a last byte of 0 after others, or bits
  // past 64, are not a record of ours.
  std::uint64_t varint() {
    std::uint64_t n = 0;
    if (!get_varint(data_, pos_, n)) fail();
    return n;
  }
  std::string string() {
    std::uint64_t n = varint();
    if (n > data_.size() - pos_) fail();
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  unsigned char byte() {
    if (pos_ >= data_.size()) fail();
    return static_cast<unsigned char>(data_[pos_++]);
  }
  // A byte the encoder writes as 0 or 1 (a flag, a mention's field).
  bool flag() {
    unsigned char b = byte();
    if (b > 1) fail();
    return b == 1;
  }
  // The whole record was read: trailing bytes mean it is not one we wrote.
  void end() const {
    if (pos_ != data_.size()) fail();
  }
  std::int64_t int64() {
    if (data_.size() - pos_ < 8) fail();
    std::uint64_t v = 0;
    for (int b = 0; b < 8; ++b) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(data_[pos_++])) << (8 * b);
    return static_cast<std::int64_t>(v);
  }
  // A count of items each at least one byte long: bounded by what is left.
  std::uint64_t count() {
    std::uint64_t n = varint();
    if (n > data_.size() - pos_) fail();
    return n;
  }

 private:
  [[noreturn]] static void fail() { throw DataError("malformed stored article record"); }
  std::string_view data_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string serialize_article(const Article& a) {
  std::string out("G\x02", 2);
  out.reserve(a.body.size() + a.title.size() + 256);
  for (const std::string* s : {&a.id, &a.url, &a.title, &a.body, &a.source, &a.section, &a.lang, &a.path}) {
    put_string(out, *s);
  }
  out.push_back(a.published ? 1 : 0);
  if (a.published) {
    auto v = static_cast<std::uint64_t>(*a.published);
    for (int b = 0; b < 8; ++b) out.push_back(static_cast<char>((v >> (8 * b)) & 0xFF));
  }
  put_varint(out, a.authors.size());
  for (const std::string& au : a.authors) put_string(out, au);
  put_varint(out, a.entities.size());
  for (const Entity& e : a.entities) {
    out.push_back(static_cast<char>(e.kind));
    put_string(out, e.canonical);
    put_varint(out, e.mentions.size());
    for (const Mention& m : e.mentions) {
      out.push_back(m.field == TextField::kTitle ? 0 : 1);
      put_varint(out, m.start);
      put_varint(out, m.end);
    }
  }
  put_string(out, a.dateline);
  put_string(out, a.date_given);
  return out;
}

Article deserialize_article(std::string_view data) {
  if (data.size() < 2 || data[0] != 'G' || (data[1] != '\x01' && data[1] != '\x02')) {
    throw DataError("not a stored article record");
  }
  const bool version2 = data[1] == '\x02';
  Reader r(data.substr(2));
  Article a;
  for (std::string* s : {&a.id, &a.url, &a.title, &a.body, &a.source, &a.section, &a.lang, &a.path}) *s = r.string();
  if (r.flag()) a.published = r.int64();
  for (std::uint64_t n = r.count(); n > 0; --n) a.authors.push_back(r.string());
  for (std::uint64_t n = r.count(); n > 0; --n) {
    Entity e;
    unsigned char kind = r.byte();
    if (kind > static_cast<unsigned char>(EntityKind::kPlace)) throw DataError("malformed stored article record");
    e.kind = static_cast<EntityKind>(kind);
    e.canonical = r.string();
    for (std::uint64_t m = r.count(); m > 0; --m) {
      Mention mention;
      mention.field = r.flag() ? TextField::kBody : TextField::kTitle;
      mention.start = r.varint();
      mention.end = r.varint();
      const std::string& text = mention.field == TextField::kTitle ? a.title : a.body;
      if (mention.start <= mention.end && mention.end <= text.size()) {
        mention.surface = text.substr(mention.start, mention.end - mention.start);
      }
      e.mentions.push_back(std::move(mention));
    }
    a.entities.push_back(std::move(e));
  }
  if (version2) {
    a.dateline = r.string();
    a.date_given = r.string();
  }
  r.end();
  return a;
}

std::string serialize_hit_fields(const Article& a, std::string_view group) {
  std::string out("H\x01", 2);
  for (const std::string* s : {&a.id, &a.url, &a.title, &a.source, &a.lang}) put_string(out, *s);
  out.push_back(a.published ? 1 : 0);
  if (a.published) {
    auto v = static_cast<std::uint64_t>(*a.published);
    for (int b = 0; b < 8; ++b) out.push_back(static_cast<char>((v >> (8 * b)) & 0xFF));
  }
  put_string(out, std::string(group));
  return out;
}

Article deserialize_hit_fields(std::string_view data, std::string* group) {
  if (data.size() < 2 || data[0] != 'H' || data[1] != '\x01') throw DataError("not a stored hit record");
  Reader r(data.substr(2));
  Article a;
  for (std::string* s : {&a.id, &a.url, &a.title, &a.source, &a.lang}) *s = r.string();
  if (r.flag()) a.published = r.int64();
  std::string g = r.string();
  r.end();
  if (group != nullptr) *group = std::move(g);
  return a;
}

std::string hit_fields_with_group(std::string_view data, std::string_view group) {
  return serialize_hit_fields(deserialize_hit_fields(data), group);
}

}  // namespace gazette
