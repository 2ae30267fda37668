// SPDX-License-Identifier: GPL-2.0-or-later
// Term and value helpers of the index schema.
#include "gazette/common/schema.h"

#include <cstdio>

#include "gazette/common/analyzer.h"
#include "gazette/common/dates.h"
#include "gazette/common/hash.h"

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
std::string source_term(std::string_view source) { return make_term(kSourcePrefix, fold_case(source)); }
std::string section_term(std::string_view section) { return make_term(kSectionPrefix, fold_case(section)); }
std::string author_term(std::string_view author) { return make_term(kAuthorPrefix, fold_case(author)); }
std::string language_term(std::string_view lang) { return make_term(kLanguagePrefix, fold_case(lang)); }

std::vector<std::string> date_terms(std::int64_t seconds) {
  CivilDate d = civil_from_seconds(seconds);
  char y[8], m[8], day[12];
  std::snprintf(y, sizeof y, "%04d", d.year);
  std::snprintf(m, sizeof m, "%04d%02d", d.year, d.month);
  std::snprintf(day, sizeof day, "%04d%02d%02d", d.year, d.month, d.day);
  return {make_term(kYearPrefix, y), make_term(kMonthPrefix, m), make_term(kDayPrefix, day)};
}

std::string encode_published(std::int64_t seconds) {
  return Xapian::sortable_serialise(static_cast<double>(seconds));
}

std::optional<std::int64_t> decode_published(const std::string& value) {
  if (value.empty()) return std::nullopt;
  return static_cast<std::int64_t>(Xapian::sortable_unserialise(value));
}

}  // namespace gazette::schema
