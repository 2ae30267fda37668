// SPDX-License-Identifier: GPL-2.0-or-later
// gazette._gazette: the Python binding of gazette::Searcher and the indexer (pybind11), the
// native half of the `gazette` package (python/gazette/__init__.py). Requests and answers cross
// as the JSON contract of the CLI and the HTTP server: keyword arguments become the request
// object request_from_json reads, and answers are the dicts and lists of the same JSON, so that
// every key, default and error message is the library's own. Xapian runs with the GIL released.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gazette/common/error.h"
#include "gazette/searcher/request_json.h"
#include "gazette/searcher/searcher.h"
#include "gazette/searcher/watches.h"
#include "indexer.h"
#include "indexer_json.h"

namespace py = pybind11;
using nlohmann::json;

namespace {

py::object to_py(const json& j) {
  switch (j.type()) {
    case json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case json::value_t::number_integer:
      return py::int_(j.get<std::int64_t>());
    case json::value_t::number_unsigned:
      return py::int_(j.get<std::uint64_t>());
    case json::value_t::number_float:
      return py::float_(j.get<double>());
    case json::value_t::string:
      return py::str(j.get_ref<const std::string&>());
    case json::value_t::array: {
      py::list out;
      for (const json& x : j) out.append(to_py(x));
      return out;
    }
    case json::value_t::object: {
      py::dict out;
      for (auto it = j.begin(); it != j.end(); ++it) out[py::str(it.key())] = to_py(it.value());
      return out;
    }
    default:
      return py::none();
  }
}

py::object parse_to_py(const std::string& text) { return to_py(json::parse(text)); }

// A Python value as JSON; `what` names it in the TypeError of a value JSON has no form for.
json to_json_value(const py::handle& v, const std::string& what) {
  if (v.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>();
  if (py::isinstance<py::int_>(v)) return v.cast<std::int64_t>();
  if (py::isinstance<py::float_>(v)) return v.cast<double>();
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    json out = json::array();
    for (const py::handle& x : v) out.push_back(to_json_value(x, what));
    return out;
  }
  if (py::isinstance<py::dict>(v)) {
    json out = json::object();
    for (const auto& [k, x] : v.cast<py::dict>()) out[py::str(k).cast<std::string>()] = to_json_value(x, what);
    return out;
  }
  throw py::type_error(what + ": a str, number, bool, list or dict is expected, not " +
                       py::str(py::type::of(v).attr("__name__")).cast<std::string>());
}

// A path-like argument as a string.
std::string path_of(const py::handle& p) { return py::str(py::module_::import("os").attr("fspath")(p)); }

// Runs `f` with the GIL released.
template <typename F>
auto unlocked(F&& f) {
  py::gil_scoped_release release;
  return f();
}

// The search keyword arguments (those not None) as the JSON request object.
std::string request_text(const std::string& q, const py::kwargs& options) {
  json r = json::object();
  r["q"] = q;
  for (const auto& [k, v] : options) {
    if (v.is_none()) continue;
    const std::string key = py::str(k);
    r[key] = to_json_value(v, key);
  }
  return r.dump();
}

class PySearcher {
 public:
  explicit PySearcher(const py::object& path) : path_(path_of(path)) {
    const std::string p = path_;
    searcher_ = unlocked([&] { return std::make_shared<gazette::Searcher>(p); });
  }

  py::object search(const std::string& q, const py::kwargs& options) const {
    gazette::SearchRequest req = gazette::request_from_json(request_text(q, options));
    return parse_to_py(unlocked([&] { return gazette::to_json(searcher_->search(req)); }));
  }
  py::object document(const std::string& id) const {
    std::optional<std::string> text = unlocked([&]() -> std::optional<std::string> {
      std::optional<gazette::Article> a = searcher_->document(id);
      if (!a) return std::nullopt;
      return gazette::to_json(*a);
    });
    return text ? parse_to_py(*text) : py::none();
  }
  py::object similar(const std::string& id, int limit) const {
    return parse_to_py(unlocked([&] { return gazette::to_json(searcher_->similar(id, limit)); }));
  }
  py::object entities(const std::string& kind, const std::string& prefix, int limit) const {
    gazette::EntityListRequest r;
    r.kind = kind;
    r.prefix = prefix;
    r.limit = limit;
    return parse_to_py(unlocked([&] { return gazette::to_json(searcher_->entities(r)); }))["entities"];
  }
  py::object related(const std::string& entity, int limit) const {
    return parse_to_py(unlocked([&] { return gazette::to_json(searcher_->related(entity, limit)); }));
  }
  py::object suggest(const std::string& text, int limit) const {
    return parse_to_py(unlocked([&] { return gazette::to_json(searcher_->suggest(text, limit)); }))["suggestions"];
  }
  py::object summary() const {
    return parse_to_py(unlocked([&] { return gazette::to_json(searcher_->summary()); }));
  }
  void reopen() {
    unlocked([&] {
      searcher_->reopen();
      return 0;
    });
  }
  std::uint64_t article_count() const {
    return unlocked([&] { return searcher_->article_count(); });
  }
  std::uint64_t last_run() const {
    return unlocked([&] { return searcher_->last_run(); });
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::shared_ptr<gazette::Searcher> searcher_;
};

// gazette.index's options, checked and copied into the indexer's configuration.
struct IndexOptions {
  unsigned threads = 0, shards = 0;
  bool keep_shards = false, prune = false, rebuild = false, entities = true, keep_boilerplate = false;
  bool watches = true;
  std::string default_language = "en", synonyms;
  std::optional<std::uint64_t> max_file_size, max_article_size, batch_size;
  std::optional<double> max_file_seconds;
  long max_errors = -1;
  double min_entity_confidence = 0;
};

void apply(const IndexOptions& o, gazette::indexer::IndexerConfig& c) {
  c.threads = o.threads;
  c.shards = o.shards;
  c.keep_shards = o.keep_shards;
  c.prune = o.prune;
  c.rebuild = o.rebuild;
  c.extract_entities = o.entities;
  c.remove_boilerplate = !o.keep_boilerplate;
  c.default_language = o.default_language;
  c.synonyms_path = o.synonyms;
  c.max_errors = o.max_errors;
  if (o.min_entity_confidence < 0 || o.min_entity_confidence > 1) {
    throw gazette::InvalidRequest("min_entity_confidence: must be between 0 and 1");
  }
  c.min_entity_confidence = static_cast<float>(o.min_entity_confidence);
  if (o.max_file_size) c.max_file_bytes = *o.max_file_size;
  if (o.max_article_size) {
    if (*o.max_article_size < 1024 || *o.max_article_size > (std::uint64_t{1} << 30)) {
      throw gazette::InvalidRequest("max_article_size: must be between 1024 and 1073741824 bytes");
    }
    c.max_article_bytes = *o.max_article_size;
  }
  if (o.max_file_seconds) {
    if (*o.max_file_seconds < 0 || *o.max_file_seconds > 86400) {
      throw gazette::InvalidRequest("max_file_seconds: must be between 0 and 86400");
    }
    c.max_file_seconds = *o.max_file_seconds;
  }
  if (o.batch_size) {
    if (*o.batch_size == 0) throw gazette::InvalidRequest("batch_size: must be at least 1");
    c.batch_articles = *o.batch_size;
  }
}

// A Python callback called by the indexer: with the GIL; an exception it raises (or a pending
// KeyboardInterrupt) stops the run and is raised again when run_indexer has returned.
struct Callbacks {
  py::object progress, log;
  std::atomic<bool> stop{false};
  std::optional<py::error_already_set> error;
  py::list problems;  // the problem lines, when there is no log callback

  void call(const py::object& f, const py::object& arg) {
    py::gil_scoped_acquire gil;
    if (error) return;
    try {
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      if (f) f(arg);
    } catch (py::error_already_set& e) {
      error = std::move(e);
      stop = true;
    }
  }
};

py::object index(const py::object& db, const py::object& paths, const IndexOptions& options, const py::object& progress,
                 const py::object& log) {
  gazette::indexer::IndexerConfig config;
  config.db_path = path_of(db);
  if (py::isinstance<py::str>(paths) || py::hasattr(paths, "__fspath__")) {
    config.inputs.push_back(path_of(paths));
  } else {
    for (const py::handle& p : paths) config.inputs.push_back(path_of(p));
  }
  if (config.inputs.empty()) throw gazette::InvalidRequest("paths: no files or folders to index");
  apply(options, config);
  Callbacks cb;
  cb.progress = progress.is_none() ? py::object() : progress;
  cb.log = log.is_none() ? py::object() : log;
  config.stop = &cb.stop;
  config.on_progress = [&cb](const gazette::indexer::IndexProgress& p) {
    py::gil_scoped_acquire gil;
    py::dict d;
    d["files_done"] = p.files_done;
    d["files_total"] = p.files_total;
    d["articles"] = p.articles;
    d["seconds"] = p.seconds;
    d["final"] = p.final;
    cb.call(cb.progress, d);
  };
  config.log = [&cb](std::string_view line) {
    py::gil_scoped_acquire gil;
    if (cb.log) {
      cb.call(cb.log, py::str(std::string(line)));
    } else {
      cb.problems.append(py::str(std::string(line)));
    }
  };
  std::optional<gazette::WatchRun> watched;
  const gazette::indexer::IndexStats stats = unlocked([&] {
    gazette::indexer::IndexStats s = gazette::indexer::run_indexer(config);
    if (options.watches && !s.interrupted && gazette::WatchStore(config.db_path).exists()) {
      watched = gazette::run_watches(config.db_path, config.threads);
    }
    return s;
  });
  if (cb.error) throw std::move(*cb.error);
  py::dict out = parse_to_py(gazette::indexer::stats_to_json(stats));
  if (watched) out["watches"] = parse_to_py(gazette::watch_run_to_json(*watched));
  if (!cb.log) out["problems"] = cb.problems;
  return out;
}

}  // namespace

PYBIND11_MODULE(_gazette, m) {
  m.doc() = "The native half of the gazette package: see help(gazette).";
  // Most derived last: pybind11 tries the translators newest first.
  py::exception<gazette::Error>& error = py::register_exception<gazette::Error>(m, "Error");
  py::register_exception<gazette::InvalidRequest>(m, "RequestError", error.ptr());
  py::register_exception<gazette::IndexError>(m, "IndexError", error.ptr());
  py::register_exception<gazette::DataError>(m, "DataError", error.ptr());

  py::class_<PySearcher>(m, "Searcher")
      .def(py::init<const py::object&>(), py::arg("path"))
      .def("search", &PySearcher::search, py::arg("q") = "")
      .def("document", &PySearcher::document, py::arg("id"))
      .def("similar", &PySearcher::similar, py::arg("id"), py::arg("limit") = gazette::kDefaultSimilarLimit)
      .def("entities", &PySearcher::entities, py::kw_only(), py::arg("kind") = "", py::arg("prefix") = "",
           py::arg("limit") = 20)
      .def("related", &PySearcher::related, py::arg("entity"), py::arg("limit") = 10)
      .def("suggest", &PySearcher::suggest, py::arg("text"), py::arg("limit") = gazette::kDefaultSuggestLimit)
      .def("summary", &PySearcher::summary)
      .def("reopen", &PySearcher::reopen)
      .def("article_count", &PySearcher::article_count)
      .def_property_readonly("last_run", &PySearcher::last_run)
      .def_property_readonly("path", &PySearcher::path);

  m.def(
      "index",
      [](const py::object& db, const py::object& paths, unsigned threads, unsigned shards, bool keep_shards, bool prune,
         bool rebuild, bool entities, bool keep_boilerplate, const std::string& default_language,
         const std::optional<std::string>& synonyms, std::optional<std::uint64_t> max_file_size,
         std::optional<std::uint64_t> max_article_size, std::optional<double> max_file_seconds, long max_errors,
         std::optional<std::uint64_t> batch_size, double min_entity_confidence, bool watches,
         const py::object& progress, const py::object& log) {
        IndexOptions o;
        o.threads = threads;
        o.shards = shards;
        o.keep_shards = keep_shards;
        o.prune = prune;
        o.rebuild = rebuild;
        o.entities = entities;
        o.keep_boilerplate = keep_boilerplate;
        o.default_language = default_language;
        o.synonyms = synonyms.value_or("");
        o.max_file_size = max_file_size;
        o.max_article_size = max_article_size;
        o.max_file_seconds = max_file_seconds;
        o.max_errors = max_errors;
        o.batch_size = batch_size;
        o.min_entity_confidence = min_entity_confidence;
        o.watches = watches;
        return index(db, paths, o, progress, log);
      },
      py::arg("db"), py::arg("paths"), py::kw_only(), py::arg("threads") = 0, py::arg("shards") = 0,
      py::arg("keep_shards") = false, py::arg("prune") = false, py::arg("rebuild") = false, py::arg("entities") = true,
      py::arg("keep_boilerplate") = false, py::arg("default_language") = "en", py::arg("synonyms") = py::none(),
      py::arg("max_file_size") = py::none(), py::arg("max_article_size") = py::none(),
      py::arg("max_file_seconds") = py::none(), py::arg("max_errors") = -1, py::arg("batch_size") = py::none(),
      py::arg("min_entity_confidence") = 0.0, py::arg("watches") = true, py::arg("progress") = py::none(),
      py::arg("log") = py::none());
}
