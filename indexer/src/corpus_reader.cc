// SPDX-License-Identifier: GPL-2.0-or-later
// File discovery, decoding, and the plain-text and JSON readers.
#include "corpus_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "gazette/common/dates.h"
#include "gazette/common/encoding.h"
#include "gazette/common/error.h"
#include "gazette/common/text.h"

namespace gazette::indexer {
namespace fs = std::filesystem;
namespace {

// An open file descriptor of a regular file, opened without blocking (a FIFO or a device
// renamed into the corpus must never hang a run); closed on destruction.
struct RegularFile {
  int fd = -1;
  std::uintmax_t size = 0;
  std::string error;  // why it could not be opened
  explicit RegularFile(const std::string& path) {
    fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
      error = std::string("cannot open: ") + std::strerror(errno);
      return;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      error = "not a regular file";
      ::close(fd);
      fd = -1;
      return;
    }
    size = static_cast<std::uintmax_t>(st.st_size);
  }
  ~RegularFile() {
    if (fd >= 0) ::close(fd);
  }
  RegularFile(const RegularFile&) = delete;
  RegularFile& operator=(const RegularFile&) = delete;
  // Reads [offset, offset + length) into `out`. Returns "", or why it could not: the file did
  // not open, a read error, a short file.
  std::string read(std::uintmax_t offset, std::uintmax_t length, std::string& out) const {
    if (fd < 0) return error;
    out.assign(static_cast<std::size_t>(length), '\0');
    std::size_t got = 0;
    while (got < out.size()) {
      ssize_t n = ::pread(fd, out.data() + got, out.size() - got, static_cast<off_t>(offset + got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return "cannot read file";
      got += static_cast<std::size_t>(n);
    }
    return {};
  }
};

// What kind of non-regular entry a path is, for the report.
std::string special_kind(const fs::path& p) {
  std::error_code ec;
  fs::file_status link = fs::symlink_status(p, ec);
  fs::file_status target = fs::status(p, ec);
  if (fs::is_symlink(link) && !fs::exists(target)) return "a broken or looping symbolic link";
  if (fs::is_fifo(target)) return "a FIFO, not a regular file";
  if (fs::is_socket(target)) return "a socket, not a regular file";
  if (fs::is_block_file(target) || fs::is_character_file(target)) return "a device, not a regular file";
  return "not a regular file";
}

// Copies `s` with every byte written as `prefix` + two hex `digits` unless it is part of a valid
// UTF-8 sequence that `keep` accepts (ASCII bytes are sequences of one).
template <typename Keep>
std::string escape_bytes(std::string_view s, std::string_view prefix, const char* digits, Keep keep) {
  std::string out;
  auto hex = [&](unsigned char c) {
    out += prefix;
    out += digits[c >> 4];
    out += digits[c & 15];
  };
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size() || (len > 1 && !is_valid_utf8(s.substr(i, len)))) {
      hex(c);  // not UTF-8
      ++i;
      continue;
    }
    std::string_view seq = s.substr(i, len);
    if (keep(seq)) {
      out.append(seq);
    } else {
      for (char b : seq) hex(static_cast<unsigned char>(b));
    }
    i += len;
  }
  return out;
}

// `name` made valid UTF-8 without control characters: other bytes as %XX (an id must be
// something `doc` can be asked for).
std::string id_safe(const std::string& name) {
  return escape_bytes(name, "%", "0123456789ABCDEF", [](std::string_view seq) {
    auto c = static_cast<unsigned char>(seq[0]);
    return seq.size() > 1 || (c >= 0x20 && c != 0x7F);
  });
}

bool hidden(const fs::path& p) {
  std::string name = p.filename().string();
  return !name.empty() && name[0] == '.' && name != "." && name != "..";
}

// Lines ended by \n, \r\n, or (when `lone_cr`) a \r alone, as old Mac files have. JSON Lines
// counts \n only, as its streaming planner does, so both agree on line numbers.
std::vector<std::string> split_lines(const std::string& text, bool lone_cr = true) {
  std::vector<std::string> lines;
  std::string cur;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r' && !lone_cr && !(i + 1 < text.size() && text[i + 1] == '\n')) {
      cur.push_back(c);
    } else if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      lines.push_back(std::move(cur));
      cur.clear();
    } else if (c == '\n') {
      lines.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) lines.push_back(std::move(cur));
  return lines;
}

// Gives an article without an explicit id its id: the URL, else the file's name (+ "#N").
void assign_id(Article& a, const std::string& id_base, const std::string& suffix) {
  if (!a.id.empty()) return;
  a.id = !a.url.empty() ? a.url : id_base + suffix;
}

bool has_text(const Article& a) { return !trim(a.title).empty() || !trim(a.body).empty(); }

// Header keys of a .txt file, lower-cased.
enum class Key { kTitle, kDate, kSource, kUrl, kAuthor, kSection, kLanguage, kId, kNone };

Key header_key(const std::string& line, std::string& value) {
  std::size_t colon = line.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 20) return Key::kNone;
  std::string key = ascii_lower(trim(std::string_view(line).substr(0, colon)));
  value = trim(std::string_view(line).substr(colon + 1));
  static const std::vector<std::pair<std::string, Key>> kKeys = {
      {"title", Key::kTitle},       {"headline", Key::kTitle},  {"date", Key::kDate},
      {"published", Key::kDate},    {"source", Key::kSource},   {"url", Key::kUrl},
      {"link", Key::kUrl},          {"author", Key::kAuthor},   {"authors", Key::kAuthor},
      {"byline", Key::kAuthor},     {"section", Key::kSection}, {"category", Key::kSection},
      {"language", Key::kLanguage}, {"lang", Key::kLanguage},   {"id", Key::kId}};
  for (const auto& [name, k] : kKeys) {
    if (key == name) return k;
  }
  return Key::kNone;
}

std::vector<std::string> split_authors(const std::string& value) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(value);
  while (std::getline(in, cur, value.find(';') != std::string::npos ? ';' : ',')) {
    std::string_view t = trim(cur);
    if (!t.empty()) out.emplace_back(t);
  }
  return out;
}

// Joins the lines of each paragraph with spaces; paragraphs are separated by "\n\n".
std::string paragraphs(const std::vector<std::string>& lines, std::size_t from) {
  std::string body;
  std::string para;
  auto flush = [&] {
    if (para.empty()) return;
    if (!body.empty()) body += "\n\n";
    body += para;
    para.clear();
  };
  for (std::size_t i = from; i < lines.size(); ++i) {
    std::string_view t = trim(lines[i]);
    if (t.empty()) {
      flush();
    } else {
      if (!para.empty()) para.push_back(' ');
      para += t;
    }
  }
  flush();
  return body;
}

// Publication dates that cannot be true: later than a day after now (the time of indexing), or
// before 1800 (a site's placeholder, a typo, year 0001). The article is indexed without a
// publication date (no date facet, no date filter, no recency), keeps the date as given in its
// stored record (date_given), and a warning names its line.
void drop_impossible_dates(std::vector<ReadArticle>& articles, std::vector<Problem>& problems) {
  constexpr std::int64_t kEarliest = -5364662400;  // 1800-01-01T00:00:00Z
  const std::int64_t latest =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() +
      86400;
  for (ReadArticle& r : articles) {
    if (!r.article.published) continue;
    std::int64_t t = *r.article.published;
    if (t >= kEarliest && t <= latest) continue;
    problems.push_back({r.line,
                        "date " + format_iso8601(t) + (t > latest ? " is in the future" : " is before 1800") +
                            ": not used as the publication date (kept as date_given)",
                        false});
    r.article.date_given = format_iso8601(t);
    r.article.published.reset();
  }
}

// The contents of a file that could not be read: one error.
FileContents one_problem(int line, std::string message) {
  FileContents out;
  out.problems.push_back({line, std::move(message), true});
  return out;
}

// Why a file of `size` bytes is not read whole, or "".
std::string size_problem(std::uintmax_t size, std::uintmax_t max_bytes) {
  if (size == 0) return "empty file";
  if (size > max_bytes) {
    return "file is " + std::to_string(size) + " bytes, over the limit of " + std::to_string(max_bytes) +
           " (--max-file-size)";
  }
  return {};
}

// What decoding did to a text that was not plain valid UTF-8, as a warning at `line`.
std::optional<Problem> encoding_note(const DecodedText& decoded, int line) {
  if (decoded.repaired) return Problem{line, "invalid UTF-8 repaired (bytes replaced by U+FFFD)", false};
  if (decoded.charset != "UTF-8") return Problem{line, "decoded from " + decoded.charset, false};
  return std::nullopt;
}

// The one way bytes read from a file become its contents: decoded to UTF-8 (what that took is
// the first problem, at `line`), read by `reader` (decoded text -> FileContents), then every
// article gets the file's stored path and loses a publication date that cannot be true.
template <typename Reader>
FileContents read_decoded(const SourceFile& file, std::string bytes, int line, Reader&& reader) {
  DecodedText decoded = decode_to_utf8(bytes);
  bytes.clear();
  bytes.shrink_to_fit();
  std::optional<Problem> note = encoding_note(decoded, line);
  FileContents out = reader(decoded.text);
  if (note) out.problems.insert(out.problems.begin(), std::move(*note));
  const std::string path = stored_path(file.path);
  for (ReadArticle& r : out.articles) r.article.path = path;
  drop_impossible_dates(out.articles, out.problems);
  return out;
}

// The name a folder's articles start their ids with: its own name, also when given as "." or "..".
std::string folder_id_base(const fs::path& root) {
  fs::path base = root.lexically_normal();
  std::string name = (base.filename().empty() ? base.parent_path() : base).filename().string();
  if (name.empty() || name == "." || name == "..") {
    std::error_code ec;
    fs::path absolute = fs::absolute(base, ec).lexically_normal();
    name = absolute.filename().string();
    if (name.empty()) name = absolute.parent_path().filename().string();
  }
  return name;
}

// Walks the folder `input` recursively into `files` (see discover_files). A folder that cannot
// be read is an entry with its problem; so is the folder given when the walk cannot go on (a
// folder vanished, no file descriptors left): what was found before is kept.
void walk_folder(const std::string& input, std::vector<SourceFile>& files) {
  const fs::path root(input);
  const std::string base_name = folder_id_base(root);
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) throw DataError(printable_path(input) + ": cannot read folder: " + ec.message());
  fs::path last;  // the entry the walk was at when it stopped
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    last = entry.path();
    std::error_code kind_ec;
    if (hidden(entry.path())) {
      if (entry.is_directory(kind_ec)) it.disable_recursion_pending();
      continue;
    }
    if (entry.is_directory(kind_ec)) {
      // Links to folders are not followed: a link to an ancestor would loop for ever.
      if (entry.is_symlink(kind_ec)) {
        it.disable_recursion_pending();  // never followed (the iterator does not either)
      } else if (::access(entry.path().c_str(), R_OK | X_OK) != 0) {
        files.push_back({entry.path().string(), {}, "cannot read folder: " + std::string(std::strerror(errno))});
        it.disable_recursion_pending();
      }
      continue;
    }
    std::string rel = entry.path().lexically_relative(root).generic_string();
    std::string problem = entry.is_regular_file(kind_ec) ? std::string() : special_kind(entry.path());
    files.push_back({entry.path().string(), id_safe(base_name + "/" + rel), std::move(problem)});
  }
  // A failed step ends the iterator: the error is only in `ec`.
  if (ec) {
    files.push_back(
        {root.string(),
         {},
         "cannot read the whole folder (stopped after " + printable_path(last.string()) + "): " + ec.message()});
  }
}

}  // namespace

std::string printable_path(std::string_view path) {
  return escape_bytes(path, "\\x", "0123456789abcdef", [](std::string_view seq) {
    auto c = static_cast<unsigned char>(seq[0]);
    if (seq.size() == 1) return c >= 0x20 && c != 0x7F && c != '\\';
    // C1 controls (U+0080..U+009F) are terminal escapes too.
    return !(seq.size() == 2 && c == 0xC2 && static_cast<unsigned char>(seq[1]) < 0xA0);
  });
}

std::string stored_path(const std::string& path) {
  std::error_code ec;
  std::string absolute = fs::absolute(fs::path(path), ec).lexically_normal().string();
  return ec ? path : absolute;
}

Format format_of(const std::string& path) {
  std::string ext = ascii_lower(fs::path(path).extension().string());
  if (ext == ".txt" || ext == ".text") return Format::kText;
  if (ext == ".json") return Format::kJson;
  if (ext == ".jsonl" || ext == ".ndjson") return Format::kJsonLines;
  if (ext == ".html" || ext == ".htm" || ext == ".xhtml") return Format::kHtml;
  return Format::kUnsupported;
}

std::vector<SourceFile> discover_files(const std::vector<std::string>& inputs) {
  std::vector<SourceFile> files;
  for (const std::string& input : inputs) {
    fs::path root(input);
    std::error_code ec;
    fs::file_status st = fs::status(root, ec);
    if (ec && fs::is_symlink(fs::symlink_status(root))) {
      throw DataError(printable_path(input) + ": " + special_kind(root));
    }
    if (ec || !fs::exists(st)) throw DataError(printable_path(input) + ": no such file or folder");
    if (fs::is_regular_file(st)) {
      files.push_back({root.string(), id_safe(root.filename().string()), {}});
      continue;
    }
    if (!fs::is_directory(st)) throw DataError(printable_path(input) + ": " + special_kind(root));
    walk_folder(input, files);
  }
  std::sort(files.begin(), files.end(), [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
  files.erase(std::unique(files.begin(), files.end(),
                          [](const SourceFile& a, const SourceFile& b) { return a.path == b.path; }),
              files.end());
  return files;
}

FileContents read_text_article(const std::string& text, const std::string& id_base) {
  FileContents out;
  std::vector<std::string> lines = split_lines(text);
  std::size_t i = 0;
  while (i < lines.size() && trim(lines[i]).empty()) ++i;

  // A header block: consecutive "Key: value" lines with known keys, ended by a blank line.
  std::size_t j = i;
  std::string value;
  while (j < lines.size() && !trim(lines[j]).empty() && header_key(lines[j], value) != Key::kNone) ++j;
  bool header = j > i && (j == lines.size() || trim(lines[j]).empty());

  Article a;
  if (header) {
    for (std::size_t k = i; k < j; ++k) {
      switch (header_key(lines[k], value)) {
        case Key::kTitle:
          a.title = value;
          break;
        case Key::kSource:
          a.source = value;
          break;
        case Key::kUrl:
          a.url = value;
          break;
        case Key::kAuthor:
          a.authors = split_authors(value);
          break;
        case Key::kSection:
          a.section = value;
          break;
        case Key::kLanguage:
          a.lang = ascii_lower(value);
          break;
        case Key::kId:
          a.id = value;
          break;
        case Key::kDate:
          a.published = parse_date(value);
          if (!a.published && !value.empty()) {
            out.problems.push_back({static_cast<int>(k) + 1, "unparseable date \"" + value + "\"", false});
          }
          break;
        case Key::kNone:
          break;
      }
    }
    i = j;
  }
  if (a.title.empty()) {
    while (i < lines.size() && trim(lines[i]).empty()) ++i;
    if (i < lines.size()) a.title = trim(lines[i++]);
  }
  a.body = paragraphs(lines, i);
  if (!has_text(a)) {
    out.problems.push_back({0, "no article text", true});
    return out;
  }
  assign_id(a, id_base, "");
  out.articles.push_back({std::move(a), 1});
  return out;
}

FileContents read_json_document(const std::string& text, const std::string& id_base) {
  FileContents out;
  std::vector<CorpusRecord> records;
  try {
    records = parse_corpus_json_document(text);
  } catch (const DataError& e) {
    out.problems.push_back({e.line(), e.reason(), true});
    return out;
  }
  bool many = records.size() > 1;
  for (std::size_t n = 0; n < records.size(); ++n) {
    CorpusRecord& r = records[n];
    std::string where = many ? "object " + std::to_string(n + 1) + ": " : "";
    for (const std::string& w : r.warnings) out.problems.push_back({0, where + w, false});
    if (!r.article) {
      out.problems.push_back({0, where + r.error, true});
      continue;
    }
    if (!has_text(*r.article)) {
      out.problems.push_back({0, where + "no title or body", true});
      continue;
    }
    assign_id(*r.article, id_base, many ? "#" + std::to_string(n + 1) : "");
    out.articles.push_back({std::move(*r.article), 1});
  }
  return out;
}

FileContents read_json_lines(const std::string& text, const std::string& id_base, int first_line,
                             std::uintmax_t max_line_bytes) {
  FileContents out;
  std::vector<std::string> lines = split_lines(text, /*lone_cr=*/false);
  for (std::size_t n = 0; n < lines.size(); ++n) {
    int line = static_cast<int>(n) + first_line;
    if (trim(lines[n]).empty()) continue;
    if (looks_binary(lines[n])) {
      out.problems.push_back({line, "binary data, not a JSON record", true});
      continue;
    }
    if (lines[n].size() > max_line_bytes) {
      out.problems.push_back({line,
                              "record is " + std::to_string(lines[n].size()) + " bytes, over the limit of " +
                                  std::to_string(max_line_bytes) + " (--max-file-size)",
                              true});
      continue;
    }
    std::vector<std::string> warnings;
    try {
      Article a = article_from_corpus_json(lines[n], warnings);
      for (const std::string& w : warnings) out.problems.push_back({line, w, false});
      if (!has_text(a)) {
        out.problems.push_back({line, "no title or body", true});
        continue;
      }
      assign_id(a, id_base, "#" + std::to_string(line));
      out.articles.push_back({std::move(a), line});
    } catch (const DataError& e) {
      out.problems.push_back({line, e.what(), true});
    }
  }
  return out;
}

std::vector<LineChunk> plan_line_chunks(const std::string& path, std::uintmax_t chunk_bytes) {
  RegularFile in(path);
  if (in.fd < 0) throw DataError(printable_path(path) + ": " + in.error);
  std::vector<LineChunk> chunks;
  LineChunk cur;
  std::uintmax_t pos = 0;
  int line = 1;
  std::vector<char> buf(1 << 20);
  bool bad = false;
  for (;;) {
    ssize_t n = ::read(in.fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) bad = true;
    if (n <= 0) break;
    std::size_t got = static_cast<std::size_t>(n);
    const char* p = buf.data();
    const char* end = p + got;
    while (const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) {
      ++line;
      std::uintmax_t after = pos + static_cast<std::uintmax_t>(nl + 1 - buf.data());
      if (after - cur.offset >= chunk_bytes) {
        cur.length = after - cur.offset;
        chunks.push_back(cur);
        cur = LineChunk{after, 0, line};
      }
      p = nl + 1;
    }
    pos += got;
  }
  if (bad) throw DataError(printable_path(path) + ": cannot read file");
  if (pos > cur.offset || chunks.empty()) {
    cur.length = pos - cur.offset;
    chunks.push_back(cur);
  }
  return chunks;
}

FileContents read_json_lines_chunk(const SourceFile& file, const LineChunk& chunk, std::uintmax_t max_line_bytes) {
  RegularFile in(file.path);
  std::string bytes;
  if (std::string why = in.read(chunk.offset, chunk.length, bytes); !why.empty()) {
    return one_problem(chunk.first_line, std::move(why));
  }
  // No whole-chunk binary check: one line of control bytes must not reject its good neighbours
  // (read_json_lines checks each line).
  return read_decoded(file, std::move(bytes), chunk.first_line, [&](const std::string& text) {
    return read_json_lines(text, file.id_base, chunk.first_line, max_line_bytes);
  });
}

FileContents read_file(const SourceFile& file, std::uintmax_t max_bytes) {
  if (!file.problem.empty()) return one_problem(0, file.problem);
  RegularFile in(file.path);
  std::string why = in.fd < 0 ? in.error : size_problem(in.size, max_bytes);
  std::string bytes;
  if (why.empty()) why = in.read(0, in.size, bytes);
  if (!why.empty()) return one_problem(0, std::move(why));
  return read_file_bytes(file, std::move(bytes));
}

FileContents read_file_bytes(const SourceFile& file, std::string bytes) {
  Format format = format_of(file.path);
  if (bytes.empty()) return one_problem(0, "empty file");
  if (format != Format::kJsonLines && looks_binary(bytes)) return one_problem(0, "binary file, not text");
  return read_decoded(file, std::move(bytes), 0, [&](const std::string& text) {
    switch (format) {
      case Format::kText:
        return read_text_article(text, file.id_base);
      case Format::kJson:
        return read_json_document(text, file.id_base);
      case Format::kJsonLines:
        return read_json_lines(text, file.id_base);
      case Format::kHtml:
        return read_html_article(text, file.id_base);
      case Format::kUnsupported:
        break;
    }
    return FileContents{};
  });
}

}  // namespace gazette::indexer
