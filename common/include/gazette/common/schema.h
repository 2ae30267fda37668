// SPDX-License-Identifier: GPL-2.0-or-later
// The index schema: every Xapian term prefix, value slot and weight, with their encodings.
// This is the one place they are written down; the indexer and the searcher both use it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "gazette/common/entities.h"
#include "gazette/common/varint.h"

namespace gazette::schema {

// Bump on any change below that a reader of the previous version would misread; the searcher
// refuses an index of another version. (Additions that old databases simply lack, such as the run
// terms, need none: a version-8 database indexed before them has no run to report yet.)
inline constexpr int kSchemaVersion = 8;  // 8: kEntitiesSlot (7: 16-bit MinHash, band terms "XDB" + letter + 6 digits)
// Database metadata keys.
inline constexpr std::string_view kSchemaVersionKey = "gazette:schema_version";
// The lines that recur in a source's articles (RecurringLines::records()), one metadata entry
// per source: this prefix + the hex64 hash of the source key.
inline constexpr std::string_view kRecurringLinesPrefix = "gazette:lines:";
// The number of the last gazette-index run that wrote to the database (decimal; absent: 0). Each
// run takes the next number and marks what it writes with it (kRunPrefix), so that watches
// (gazette/searcher/watches.h) are evaluated against the articles of the runs after their last
// evaluation, also after a run killed between its commit and that evaluation.
inline constexpr std::string_view kLastRunKey = "gazette:last_run";
// The stored kLastRunKey value as a number ("" -> 0). Throws IndexError when it is not one.
std::uint64_t parse_last_run(std::string_view stored);
// The run terms of an article written by `run` (kRunPrefix, kChangedRunPrefix).
std::string run_term(std::uint64_t run);
std::string changed_run_term(std::uint64_t run);

// --- Term prefixes (Omega conventions where one exists) ---
// Free text terms have no prefix: the unstemmed, folded word, with positions.
inline constexpr std::string_view kIdPrefix = "Q";         // boolean: unique article id
inline constexpr std::string_view kTitlePrefix = "S";      // title words, with positions
inline constexpr std::string_view kStemPrefix = "Z";       // stemmed form: "Z" + stem, or "Z" + field prefix + stem
inline constexpr std::string_view kAuthorPrefix = "A";     // boolean: folded author name
inline constexpr std::string_view kSourcePrefix = "XSRC";  // boolean: folded source name
inline constexpr std::string_view kSectionPrefix = "XSECTION";   // boolean: folded section
inline constexpr std::string_view kLanguagePrefix = "L";         // boolean: ISO 639-1 code
inline constexpr std::string_view kYearPrefix = "Y";             // boolean: "Y2025"
inline constexpr std::string_view kMonthPrefix = "M";            // boolean: "M202511"
inline constexpr std::string_view kDayPrefix = "D";              // boolean: "D20251103"
inline constexpr std::string_view kPersonPrefix = "XPER";        // boolean: folded canonical person name
inline constexpr std::string_view kOrganizationPrefix = "XORG";  // boolean: folded canonical organisation
inline constexpr std::string_view kPlacePrefix = "XLOC";         // boolean: folded canonical place name
// Alias evidence, one boolean term per article that gives it (so its term frequency counts the
// articles, and it stays current as articles are added, replaced and deleted, in every shard):
// an acronym the article defines, "XACR" + kind letter (P, O, L) + acronym + "\x01" + name;
// a person's full name (two words or more), "XFULL" + full name (the searcher splits it into its
// words); a single word the article uses for a person named in full, "XSHORT" + word + "\x01" +
// full name.
inline constexpr std::string_view kAcronymPrefix = "XACR";
inline constexpr std::string_view kFullNamePrefix = "XFULL";
inline constexpr std::string_view kShortFormPrefix = "XSHORT";
inline constexpr char kAliasSeparator = '\x01';
// Boolean: a MinHash LSH band, "XDB" + band letter (a, b, ...) + 36 bits of the band's hash in six
// URL-safe base64 digits (band_terms(), near_duplicates.h).
inline constexpr std::string_view kDupBandPrefix = "XDB";
inline constexpr std::string_view kDupGroupPrefix = "XDUP";  // boolean: near-duplicate group id
// Boolean: the run (kLastRunKey) that last wrote the article, added or changed: "XRUN" + decimal.
inline constexpr std::string_view kRunPrefix = "XRUN";
// Boolean, with kRunPrefix on an article that run changed (it was indexed before): "XCHG" + decimal.
inline constexpr std::string_view kChangedRunPrefix = "XCHG";

// --- Value slots ---
// Publication time: Xapian::sortable_serialise(seconds since the epoch, UTC).
inline constexpr Xapian::valueno kPublishedSlot = 0;
// Content signature of the article (16 hex digits of fnv1a64 over its stored form): an
// unchanged article is not re-indexed.
inline constexpr Xapian::valueno kContentHashSlot = 1;
// The file the article was read from (absolute and normalised, indexer's stored_path()): used by
// --prune.
inline constexpr Xapian::valueno kSourceFileSlot = 2;
// Facet slots. Entities: the article's canonical names of one kind, as a list (encode_list).
inline constexpr Xapian::valueno kPeopleSlot = 3;
inline constexpr Xapian::valueno kOrganizationsSlot = 4;
inline constexpr Xapian::valueno kPlacesSlot = 5;
// Display names of single-valued facets: source, section, language code.
inline constexpr Xapian::valueno kSourceSlot = 6;
inline constexpr Xapian::valueno kSectionSlot = 7;
inline constexpr Xapian::valueno kLanguageSlot = 8;
// Publication day "YYYY-MM-DD" (UTC): day, month and year facets are counted from it.
inline constexpr Xapian::valueno kDaySlot = 9;
// Near-duplicates: the MinHash signature (kMinHashSize little-endian uint16s) and the group id
// (16 hex digits: the hash of the group's first article id), the collapse key.
inline constexpr Xapian::valueno kDupSignatureSlot = 10;
inline constexpr Xapian::valueno kDupGroupSlot = 11;
// The fields a result list shows and the group, as serialize_hit_fields() (article.h): hits
// without snippets read this small value instead of inflating the whole stored article
// (document data), and a result page is collapsed by the group in it.
inline constexpr Xapian::valueno kHitSlot = 12;
// The three entity lists of an article together: encode_list of the encoded lists of slots 3, 4
// and 5 (people, organisations, places), absent when all three are empty. One value per
// document, so that Xapian's built-in ValueCountMatchSpy (the only kind remote shards served by
// xapian-tcpsrv can run) counts documents per combination of names, and the searcher applies the
// per-document rules of entity facets (aliases, a place that is a person) to each combination.
inline constexpr Xapian::valueno kEntitiesSlot = 13;
inline constexpr int kMinHashSize = 64;              // hash functions
inline constexpr int kMinHashBands = 16;             // LSH bands of kMinHashSize / kMinHashBands rows
inline constexpr int kShingleWords = 5;              // words per shingle
inline constexpr double kDuplicateSimilarity = 0.6;  // estimated Jaccard at which articles are duplicates

// --- Ranking and positions ---
// A title word counts this many times a body word (wdf), so BM25 ranks title matches higher.
inline constexpr Xapian::termcount kTitleWeight = 3;
// Position gap between title and body, so a phrase never spans the two.
inline constexpr Xapian::termpos kFieldGap = 100;
// Recency blending (--recency): the boost of an article published at the reference time; it
// halves every half-life. Comparable to one well-matched query word under BM25.
inline constexpr double kRecencyMaxWeight = 4.0;
// BM25's fixed parameters (Xapian's defaults); k1 and b are per request (RankingOptions, whose
// defaults scripts/eval-ranking chose).
inline constexpr double kBm25K2 = 0.0;
inline constexpr double kBm25K3 = 1.0;
inline constexpr double kBm25MinNormLen = 0.5;
// Words longer than this (in bytes) are not indexed: they are junk, and Xapian caps terms.
inline constexpr std::size_t kMaxWordBytes = 64;
// Terms above this length are shortened with a hash suffix (Xapian's limit is ~245 bytes).
inline constexpr std::size_t kMaxTermBytes = 240;

// Prefix + value, shortened to kMaxTermBytes with a hash suffix when too long.
std::string make_term(std::string_view prefix, std::string_view value);

std::string id_term(std::string_view id);
// A stemmed term: "Z" + stem, or "Z" + field prefix + stem (e.g. "ZS" + stem for a title word).
inline std::string stem_term(std::string_view stem, std::string_view field_prefix = {}) {
  std::string t(kStemPrefix);
  t.append(field_prefix).append(stem);
  return t;
}
// Whether a term carries a prefix: every prefix above starts with a capital A-Z, and free text
// terms (folded words) never do.
inline bool is_prefixed(std::string_view term) { return !term.empty() && term[0] >= 'A' && term[0] <= 'Z'; }
std::string source_term(std::string_view source);    // folded
std::string section_term(std::string_view section);  // folded
std::string author_term(std::string_view author);    // folded
std::string language_term(std::string_view lang);    // folded
// Y, M and D terms for a publication time.
std::vector<std::string> date_terms(std::int64_t seconds);

// Boolean term and list slot of an entity kind.
std::string_view entity_prefix(EntityKind kind);
Xapian::valueno entity_slot(EntityKind kind);
std::string entity_term(EntityKind kind, std::string_view canonical);  // folded
// Alias evidence terms (see kAcronymPrefix); "" when the names are too long for a term.
std::string acronym_term(EntityKind kind, std::string_view acronym, std::string_view name);
std::string full_name_term(std::string_view name);
std::string short_form_term(std::string_view word, std::string_view name);
char kind_letter(EntityKind kind);  // 'P', 'O', 'L'
// The kind of a kind letter; false for anything else.
bool kind_of_letter(char letter, EntityKind& kind);

// A list of strings in one value: each as a varint length then its bytes.
std::string encode_list(const std::vector<std::string>& values);
// Inverse of encode_list; stops at a malformed tail rather than throw.
std::vector<std::string> decode_list(std::string_view encoded);
// Calls fn(std::string_view) for each string of an encoded list, in place (no copies); stops at
// a malformed tail, as decode_list.
template <typename Fn>
void for_each_listed(std::string_view encoded, Fn&& fn) {
  std::size_t i = 0;
  std::uint64_t n = 0;
  while (i < encoded.size() && get_varint(encoded, i, n) && n <= encoded.size() - i) {
    fn(encoded.substr(i, static_cast<std::size_t>(n)));
    i += static_cast<std::size_t>(n);
  }
}

// "YYYY-MM-DD" of a publication time, for kDaySlot.
std::string day_value(std::int64_t seconds);

std::string encode_published(std::int64_t seconds);
// Inverse of encode_published; nullopt for an empty value or one that is no int64 time.
std::optional<std::int64_t> decode_published(const std::string& value);

}  // namespace gazette::schema
