// SPDX-License-Identifier: GPL-2.0-or-later
// Term and value helpers of the index schema.
#include "gazette/common/schema.h"

#include <charconv>
#include <cstdio>

#include "gazette/common/analyzer.h"
#include "gazette/common/dates.h"
#include "gazette/common/error.h"
#include "gazette/common/hash.h"
#include "gazette/common/varint.h"

namespace gazette::schema {

std::string make_term(std::string_view prefix, std::string_view value) {
  std::string term;
  term.reserve(prefix.size() + value.size());
  term.append(prefix).append(value);
  if (term.size() <= kMaxTermBytes) return term;
  // Keep a readable head (cut on a UTF-8 boundary) and make it unique with a hash of the whole.
  std::size_t keep = kMaxTermBytes - 17;
  while (keep > prefix.size() && (static_cast<unsigned char>(term[keep]) & 0xC0) == 0x80) --keep;
  std::string shortened = term.substr(0, keep);
  shortened.push_back('#');
  shortened.append(hex64(fnv1a64(value)));
  return shortened;
}

std::string id_term(std::string_view id) { return make_term(kIdPrefix, id); }
std::uint64_t parse_last_run(std::string_view stored) {
  if (stored.empty()) return 0;
  std::uint64_t run = 0;
  auto [end, ec] = std::from_chars(stored.data(), stored.data() + stored.size(), run);
  if (ec != std::errc() || end != stored.data() + stored.size()) {
    throw IndexError("the database's last run number (" + std::string(kLastRunKey) + ") is not a number");
  }
  return run;
}

std::string run_term(std::uint64_t run) { return std::string(kRunPrefix) + std::to_string(run); }
std::string changed_run_term(std::uint64_t run) { return std::string(kChangedRunPrefix) + std::to_string(run); }

std::string source_term(std::string_view source) { return make_term(kSourcePrefix, fold_case(source)); }
std::string section_term(std::string_view section) { return make_term(kSectionPrefix, fold_case(section)); }
std::string author_term(std::string_view author) { return make_term(kAuthorPrefix, fold_case(author)); }
std::string language_term(std::string_view lang) { return make_term(kLanguagePrefix, fold_case(lang)); }

std::vector<std::string> date_terms(std::int64_t seconds) {
  CivilDate d = civil_from_seconds(seconds);
  char y[32], m[32], day[32];
  std::snprintf(y, sizeof y, "%04d", d.year);
  std::snprintf(m, sizeof m, "%04d%02d", d.year, d.month);
  std::snprintf(day, sizeof day, "%04d%02d%02d", d.year, d.month, d.day);
  return {make_term(kYearPrefix, y), make_term(kMonthPrefix, m), make_term(kDayPrefix, day)};
}

std::string_view entity_prefix(EntityKind kind) {
  switch (kind) {
    case EntityKind::kPerson:
      return kPersonPrefix;
    case EntityKind::kOrganization:
      return kOrganizationPrefix;
    case EntityKind::kPlace:
      return kPlacePrefix;
  }
  return kPersonPrefix;
}

Xapian::valueno entity_slot(EntityKind kind) {
  switch (kind) {
    case EntityKind::kPerson:
      return kPeopleSlot;
    case EntityKind::kOrganization:
      return kOrganizationsSlot;
    case EntityKind::kPlace:
      return kPlacesSlot;
  }
  return kPeopleSlot;
}

std::string entity_term(EntityKind kind, std::string_view canonical) {
  return make_term(entity_prefix(kind), fold_case(canonical));
}

namespace {
std::string alias_term(std::string_view prefix, std::string_view key, std::string_view name) {
  std::string t(prefix);
  t.append(key);
  t.push_back(kAliasSeparator);
  t.append(name);
  // Shortened terms (make_term) could not be read back: evidence that does not fit is dropped.
  if (t.size() > kMaxTermBytes || key.find(kAliasSeparator) != std::string_view::npos) return {};
  return t;
}
}  // namespace

char kind_letter(EntityKind kind) {
  return kind == EntityKind::kPerson ? 'P' : kind == EntityKind::kOrganization ? 'O' : 'L';
}

bool kind_of_letter(char letter, EntityKind& kind) {
  switch (letter) {
    case 'P':
      kind = EntityKind::kPerson;
      return true;
    case 'O':
      kind = EntityKind::kOrganization;
      return true;
    case 'L':
      kind = EntityKind::kPlace;
      return true;
    default:
      return false;
  }
}

std::string acronym_term(EntityKind kind, std::string_view acronym, std::string_view name) {
  std::string key(1, kind_letter(kind));
  key.append(acronym);
  return alias_term(kAcronymPrefix, key, name);
}
std::string full_name_term(std::string_view name) {
  std::string t(kFullNamePrefix);
  t.append(name);
  return t.size() > kMaxTermBytes ? std::string() : t;  // as alias_term: never shortened
}
std::string short_form_term(std::string_view word, std::string_view name) {
  return alias_term(kShortFormPrefix, word, name);
}

std::string encode_list(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    put_varint(out, v.size());
    out += v;
  }
  return out;
}

std::vector<std::string> decode_list(std::string_view encoded) {
  std::vector<std::string> out;
  for_each_listed(encoded, [&out](std::string_view v) { out.emplace_back(v); });
  return out;
}

std::string day_value(std::int64_t seconds) {
  CivilDate d = civil_from_seconds(seconds);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string encode_published(std::int64_t seconds) { return Xapian::sortable_serialise(static_cast<double>(seconds)); }

std::optional<std::int64_t> decode_published(const std::string& value) {
  if (value.empty()) return std::nullopt;
  double seconds = Xapian::sortable_unserialise(value);
  // A value encode_published did not write may decode to infinity, NaN or past int64: casting
  // those is undefined behaviour, so they are no time at all.
  if (!(seconds >= -0x1p63 && seconds < 0x1p63)) return std::nullopt;
  return static_cast<std::int64_t>(seconds);
}

}  // namespace gazette::schema
