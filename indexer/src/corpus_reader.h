// SPDX-License-Identifier: GPL-2.0-or-later
// Corpus files -> Articles: file discovery and the readers for .txt, .json, .jsonl and .html.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gazette/common/article.h"

namespace gazette::indexer {

// A file to read, and the name articles from it get as an id when they have no id or URL.
struct SourceFile {
  std::string path;          // as found on disk
  std::string id_base;       // input folder's name + path inside it: "bbc/business/001.txt" (valid UTF-8)
  std::string problem = {};  // why it cannot be read (a FIFO, a broken link, ...); "" for a regular file
};

// A path as it may be printed: control characters and bytes that are not UTF-8 as \xNN, so a
// hostile file name can neither split a log line nor reach the terminal as an escape sequence.
std::string printable_path(std::string_view path);

// The path the articles of the file at `path` store: absolute and normal, so that --prune's
// existence check does not depend on the working directory (`path` itself when that fails).
std::string stored_path(const std::string& path);

enum class Format { kText, kJson, kJsonLines, kHtml, kUnsupported };

// The reader for a file name (by extension, case-insensitive).
Format format_of(const std::string& path);

// Walks `inputs` (files or folders, recursively), skipping hidden files and folders; symbolic
// links to files are followed, links to folders are not (no loops). Returns every regular file,
// sorted by path, whatever its format, and every other entry (FIFO, socket, device, broken link,
// unreadable folder) with its `problem`. Throws DataError naming the input when one does not
// exist.
std::vector<SourceFile> discover_files(const std::vector<std::string>& inputs);

struct Problem {
  int line = 0;  // 1-based; 0 when it concerns the whole file
  std::string message;
  bool error = true;  // false: a warning, the article is still indexed
};

struct ReadArticle {
  Article article;
  int line = 1;  // where the article starts in the file
  // Paragraphs of the body that are mostly link text (HTML: a list of related stories inside
  // the article), for clean_article to take out ("link list").
  std::vector<std::string> link_lists = {};
};

struct FileContents {
  std::vector<ReadArticle> articles;
  std::vector<Problem> problems;
};

// Reads every article of one file. Never throws for bad content: problems are returned with
// their line, and the articles that could be read are kept.
FileContents read_file(const SourceFile& file, std::uintmax_t max_bytes);

// What read_file makes of a file's contents once read: binary check, encoding detection and
// repair, then the reader for the extension of `file.path` (which is also stored as the articles'
// path; nothing is read from disk). Never throws for bad content.
FileContents read_file_bytes(const SourceFile& file, std::string bytes);

// A run of whole lines of a JSON Lines file: [offset, offset + length), starting at `first_line`.
struct LineChunk {
  std::uintmax_t offset = 0;
  std::uintmax_t length = 0;
  int first_line = 1;
};

// Cuts a JSON Lines file into runs of whole lines of about `chunk_bytes` each (one run when the
// file is smaller), streaming it: big files are read in pieces, on several threads, in bounded
// memory. Throws DataError naming the file when it cannot be read.
std::vector<LineChunk> plan_line_chunks(const std::string& path, std::uintmax_t chunk_bytes);

// Reads the articles of one run of a JSON Lines file (line numbers as in the whole file). A line
// longer than `max_line_bytes` is an error of its own. Never throws for bad content.
FileContents read_json_lines_chunk(const SourceFile& file, const LineChunk& chunk, std::uintmax_t max_line_bytes);

// Readers on decoded UTF-8 text, exposed for tests. `id_base` names articles without id/URL.
FileContents read_text_article(const std::string& text, const std::string& id_base);
FileContents read_json_document(const std::string& text, const std::string& id_base);
FileContents read_json_lines(const std::string& text, const std::string& id_base, int first_line = 1,
                             std::uintmax_t max_line_bytes = UINTMAX_MAX);
FileContents read_html_article(const std::string& text, const std::string& id_base);

}  // namespace gazette::indexer
