// SPDX-License-Identifier: GPL-2.0-or-later
// gazette-eval-ranking: ranking quality of Gazette against a plain Xapian BM25 baseline.
//   convert --collection cisi|cacm|cran|med --docs F --queries F --qrels F --out DIR
//       SMART-format test collections -> DIR/docs.jsonl, DIR/topics.txt (TREC), DIR/qrels.txt (TREC)
//   run --db DB --topics F --qrels F [--depth N] [--field title|desc] [--variants all|SPECS] [--tsv F]
//       MAP, nDCG@10 and P@10 for Gazette (gazette::Searcher) and for Xapian's QueryParser with
//       the English stemmer, default OR and BM25 on the same index; with --variants, for each
//       ranking variant too ("all": each part of the shipped ranking alone and the alternatives;
//       or "name=k1=0.9,b=0.4;name=weighting=lm"); --tsv appends each row to F.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "gazette/common/article.h"
#include "gazette/common/error.h"
#include "gazette/common/schema.h"
#include "gazette/searcher/searcher.h"

namespace {

using Qrels = std::map<std::string, std::map<std::string, int>>;  // topic -> doc -> grade

std::string arg(int argc, char** argv, const std::string& name, const std::string& fallback = "") {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return fallback;
}

std::string squeeze(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// SMART records: ".I id" then ".X" field markers each followed by their lines.
std::vector<std::pair<std::string, std::map<char, std::string>>> read_smart(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw gazette::DataError(path + ": cannot open");
  std::vector<std::pair<std::string, std::map<char, std::string>>> records;
  std::string line;
  char field = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() >= 2 && line[0] == '.' && std::isupper(static_cast<unsigned char>(line[1])) &&
        (line.size() == 2 || line[2] == ' ')) {
      field = line[1];
      if (field == 'I') {
        records.push_back({squeeze(line.substr(2)), {}});
        field = 0;
      }
      continue;
    }
    if (field != 0 && !records.empty()) records.back().second[field] += line + "\n";
  }
  return records;
}

int convert(int argc, char** argv) {
  std::string collection = arg(argc, argv, "--collection"), out = arg(argc, argv, "--out");
  std::filesystem::create_directories(out);
  {
    std::ofstream docs(out + "/docs.jsonl");
    for (const auto& [id, fields] : read_smart(arg(argc, argv, "--docs"))) {
      nlohmann::json j = {{"id", id},
                          {"title", squeeze(fields.count('T') ? fields.at('T') : "")},
                          {"body", squeeze(fields.count('W') ? fields.at('W') : "")},
                          {"lang", "en"}};
      if (j["title"] == "" && j["body"] == "") continue;
      docs << j.dump() << '\n';
    }
  }
  {
    std::ofstream topics(out + "/topics.txt");
    int n = 0;
    for (const auto& [id, fields] : read_smart(arg(argc, argv, "--queries"))) {
      ++n;
      // CRAN's qrels number the queries 1..225, not by their .I ids.
      std::string num = collection == "cran" ? std::to_string(n) : std::to_string(std::atoi(id.c_str()));
      std::string text = squeeze(fields.count('W') ? fields.at('W') : fields.count('T') ? fields.at('T') : "");
      topics << "<top>\n<num> Number: " << num << "\n<title> " << text << "\n</top>\n\n";
    }
  }
  {
    std::ifstream in(arg(argc, argv, "--qrels"));
    std::ofstream qrels(out + "/qrels.txt");
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream f(line);
      std::vector<std::string> c;
      for (std::string x; f >> x;) c.push_back(x);
      if (c.size() < 2) continue;
      std::string q = std::to_string(std::atoi(c[0].c_str())), d, grade = "1";
      if (collection == "med") {  // already "topic 0 doc grade"
        d = c[2];
        grade = c[3];
      } else if (collection == "cran") {  // Cleverdon codes 1 (complete answer) .. 4 (minimal)
        d = c[1];
        int code = std::atoi(c[2].c_str());
        grade = std::to_string(code >= 1 && code <= 4 ? 5 - code : 0);
      } else {
        d = c[1];
      }
      qrels << q << " 0 " << std::atoi(d.c_str()) << ' ' << grade << '\n';
    }
  }
  std::printf("wrote %s/docs.jsonl, topics.txt, qrels.txt\n", out.c_str());
  return 0;
}

std::vector<std::pair<std::string, std::string>> read_topics(const std::string& path, const std::string& field) {
  std::ifstream in(path);
  if (!in) throw gazette::DataError(path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  std::vector<std::pair<std::string, std::string>> topics;
  for (std::size_t at = text.find("<top>"); at != std::string::npos; at = text.find("<top>", at + 5)) {
    std::size_t end = text.find("</top>", at);
    std::string top = text.substr(at, end - at);
    auto tag = [&top](const std::string& name) {
      std::size_t b = top.find("<" + name + ">");
      if (b == std::string::npos) return std::string();
      b += name.size() + 2;
      std::size_t e = top.find('<', b);
      return squeeze(top.substr(b, e == std::string::npos ? std::string::npos : e - b));
    };
    std::string num = tag("num");
    if (num.rfind("Number:", 0) == 0) num = squeeze(num.substr(7));
    std::string q = tag(field);
    if (q.rfind("Description:", 0) == 0) q = squeeze(q.substr(12));
    if (q.empty()) q = tag("title");
    topics.emplace_back(num, q);
  }
  return topics;
}

Qrels read_qrels(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw gazette::DataError(path + ": cannot open");
  Qrels q;
  std::string topic, iter, doc;
  int grade;
  while (in >> topic >> iter >> doc >> grade) q[topic][doc] = grade;
  return q;
}

struct Scores {
  double ap = 0, ndcg10 = 0, p10 = 0;
};

Scores score(const std::vector<std::string>& ranked, const std::map<std::string, int>& judged) {
  Scores s;
  std::size_t relevant = 0;
  for (const auto& [d, g] : judged) relevant += g > 0 ? 1 : 0;
  if (relevant == 0) return s;
  std::size_t hits = 0;
  double dcg = 0;
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    auto it = judged.find(ranked[i]);
    int g = it == judged.end() ? 0 : it->second;
    if (g > 0) {
      ++hits;
      s.ap += static_cast<double>(hits) / static_cast<double>(i + 1);
      if (i < 10) s.p10 += 0.1;
    }
    if (i < 10) dcg += (std::pow(2.0, g) - 1) / std::log2(static_cast<double>(i) + 2);
  }
  s.ap /= static_cast<double>(relevant);
  std::vector<int> ideal;
  for (const auto& [d, g] : judged) ideal.push_back(g);
  std::sort(ideal.rbegin(), ideal.rend());
  double idcg = 0;
  for (std::size_t i = 0; i < ideal.size() && i < 10; ++i)
    idcg += (std::pow(2.0, ideal[i]) - 1) / std::log2(static_cast<double>(i) + 2);
  s.ndcg10 = idcg > 0 ? dcg / idcg : 0;
  return s;
}

// A ranking variant: a name and the options it changes ("k1=0.9,b=0.4", "weighting=lm",
// "feedback=off").
struct Variant {
  std::string name;
  gazette::RankingOptions options;
  // What a long question means, emulated on the ranking (the first --depth hits): "" as shipped
  // (an OR, common words only ranking); "msm" keeps the articles with at least msm_share of the
  // question's words (Elasticsearch's minimum_should_match); "words" orders by how many of
  // them an article has, then by score (Meilisearch's "words" rule, which drops the least
  // important words one by one).
  std::string meaning;
  double msm_share = 0;
};

// The question's words an article has, by exact form or English stem; common words (in more
// than a fifth of the articles) and words no article has are not counted, as the searcher
// treats them.
struct WordCounter {
  Xapian::Database db;
  Xapian::Stem stem{"english"};
  std::vector<std::pair<std::string, std::string>> words(const std::string& text) const {
    std::vector<std::pair<std::string, std::string>> out;
    std::string w;
    std::set<std::string> seen;
    auto flush = [&] {
      if (!w.empty() && seen.insert(w).second) {
        Xapian::doccount tf = db.get_termfreq(w);
        std::string z = std::string(gazette::schema::kStemPrefix) + stem(w);
        Xapian::doccount ztf = db.get_termfreq(z);
        if ((tf > 0 || ztf > 0) && std::max(tf, ztf) <= 0.2 * db.get_doccount()) out.emplace_back(w, z);
      }
      w.clear();
    };
    for (char c : text) {
      if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
        w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      } else {
        flush();
      }
    }
    flush();
    return out;
  }
  std::size_t count(const std::string& id, const std::vector<std::pair<std::string, std::string>>& words) const {
    std::string idt = gazette::schema::id_term(id);
    Xapian::PostingIterator p = db.postlist_begin(idt);
    if (p == db.postlist_end(idt)) return 0;
    Xapian::Document doc = db.get_document(*p);
    std::size_t n = 0;
    for (const auto& [exact, z] : words) {
      bool has = false;
      for (const std::string& t : {exact, z}) {
        Xapian::TermIterator it = doc.termlist_begin();
        it.skip_to(t);
        has = has || (it != doc.termlist_end() && *it == t);
      }
      n += has ? 1 : 0;
    }
    return n;
  }
};

gazette::RankingOptions parse_options(const std::string& spec) {
  gazette::RankingOptions o;
  std::stringstream in(spec);
  std::string kv;
  while (std::getline(in, kv, ',')) {
    if (kv.empty()) continue;
    std::size_t eq = kv.find('=');
    if (eq == std::string::npos) throw gazette::DataError("variant option \"" + kv + "\" is not key=value");
    std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
    if (k == "meaning" || k == "msm") continue;  // read by variants()
    if (k == "weighting") o.weighting = v;
    else if (k == "k1") o.bm25_k1 = std::stod(v);
    else if (k == "b") o.bm25_b = std::stod(v);
    else if (k == "feedback") o.feedback = v;
    else if (k == "fb_docs") o.feedback_docs = std::stoi(v);
    else if (k == "fb_terms") o.feedback_terms = std::stoi(v);
    else if (k == "fb_weight") o.feedback_weight = std::stod(v);
    else if (k == "proximity") o.proximity = std::stod(v);
    else throw gazette::DataError("unknown variant option \"" + k + "\"");
  }
  return o;
}

// --variants all: the shipped ranking, then each part alone and the alternatives the issue
// names; --variants "name=spec;name=spec": those; default: the shipped ranking only.
std::vector<Variant> variants(const std::string& arg) {
  std::vector<std::pair<std::string, std::string>> specs;
  if (arg.empty()) {
    specs = {{"gazette", ""}};
  } else if (arg == "all") {
    specs = {{"gazette", ""},
             {"  feedback off", "feedback=off"},
             {"  feedback on every query", "feedback=on"},
             {"  feedback weight 0.5", "fb_weight=0.5"},
             {"  feedback 10 docs", "fb_docs=10"},
             {"  feedback 20 docs", "fb_docs=20"},
             {"  bm25 k1 1.2 (xapian's)", "k1=1.2"},
             {"  bm25 k1 1.2, feedback 10", "k1=1.2,fb_docs=10"},
             {"  bm25 k1 0.9 b 0.4", "k1=0.9,b=0.4"},
             {"  bm25 b 0.5", "b=0.5"},
             {"  bm25 b 0.9", "b=0.9"},
             {"  bm25 k1 2.5", "k1=2.5"},
             {"  words: at least half", "msm=0.5"},
             {"  words: at least 3 in 4", "msm=0.75"},
             {"  words: most words first", "meaning=words"},
             {"  proximity 0.1", "proximity=0.1"},
             {"  proximity 0.25", "proximity=0.25"},
             {"  dlh", "weighting=dlh"},
             {"  pl2", "weighting=pl2"},
             {"  lm (dirichlet)", "weighting=lm"},
             {"  lm, feedback off", "weighting=lm,feedback=off"}};
  } else {
    std::stringstream in(arg);
    std::string item;
    while (std::getline(in, item, ';')) {
      std::size_t eq = item.find('=');
      if (eq == std::string::npos) throw gazette::DataError("variant \"" + item + "\" is not name=options");
      specs.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    }
  }
  std::vector<Variant> out;
  for (const auto& [name, spec] : specs) {
    Variant v{name, parse_options(spec), "", 0};
    if (spec.find("meaning=words") != std::string::npos) v.meaning = "words";
    if (std::size_t m = spec.find("msm="); m != std::string::npos) {
      v.meaning = "msm";
      v.msm_share = std::stod(spec.substr(m + 4));
    }
    out.push_back(v);
  }
  return out;
}

int run(int argc, char** argv) {
  std::string db_path = arg(argc, argv, "--db");
  int depth = std::atoi(arg(argc, argv, "--depth", "1000").c_str());
  auto topics = read_topics(arg(argc, argv, "--topics"), arg(argc, argv, "--field", "title"));
  Qrels qrels = read_qrels(arg(argc, argv, "--qrels"));
  std::vector<Variant> vs = variants(arg(argc, argv, "--variants"));
  std::string tsv = arg(argc, argv, "--tsv");

  gazette::Searcher searcher(db_path);
  Xapian::Database db(db_path);
  WordCounter counter{db};
  Xapian::QueryParser parser;
  parser.set_database(db);
  parser.set_stemmer(Xapian::Stem("english"));
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  parser.set_default_op(Xapian::Query::OP_OR);

  struct Row {
    std::string name;
    Scores sum;
    double ms = 0;
  };
  std::vector<Row> rows(vs.size() + 1);
  rows[0].name = "xapian bm25 (QueryParser)";
  for (std::size_t v = 0; v < vs.size(); ++v) rows[v + 1].name = vs[v].name;
  std::size_t n = 0;
  auto add = [](Row& r, const Scores& s) {
    r.sum.ap += s.ap;
    r.sum.ndcg10 += s.ndcg10;
    r.sum.p10 += s.p10;
  };
  for (const auto& [num, text] : topics) {
    auto judged = qrels.find(num);
    if (judged == qrels.end()) continue;
    ++n;
    auto t0 = std::chrono::steady_clock::now();
    Xapian::Enquire enquire(db);
    enquire.set_query(parser.parse_query(text, Xapian::QueryParser::FLAG_DEFAULT));
    Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(depth));
    std::vector<std::string> base;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      base.push_back(gazette::deserialize_article(it.get_document().get_data()).id);
    }
    rows[0].ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    add(rows[0], score(base, judged->second));
    for (std::size_t v = 0; v < vs.size(); ++v) {
      t0 = std::chrono::steady_clock::now();
      gazette::SearchRequest req;
      req.query = text;
      req.limit = std::min(depth, gazette::kMaxLimit);
      req.snippet_chars = 0;
      req.lang = arg(argc, argv, "--lang");
      req.ranking = vs[v].options;
      std::vector<std::string> ranked;
      try {
        gazette::SearchResponse resp = searcher.search(req);
        for (const gazette::Hit& h : resp.hits) ranked.push_back(h.id);
        if (!vs[v].meaning.empty() && !resp.optional_words.empty()) {
          auto words = counter.words(text);
          std::vector<std::pair<std::size_t, std::string>> counted;
          for (const std::string& id : ranked) counted.emplace_back(counter.count(id, words), id);
          ranked.clear();
          if (vs[v].meaning == "words") {
            std::stable_sort(counted.begin(), counted.end(),
                             [](const auto& a, const auto& b) { return a.first > b.first; });
          }
          auto need = static_cast<std::size_t>(std::ceil(vs[v].msm_share * static_cast<double>(words.size())));
          for (const auto& [n, id] : counted) {
            if (vs[v].meaning != "msm" || n >= need) ranked.push_back(id);
          }
        }
      } catch (const gazette::Error& e) {
        std::fprintf(stderr, "topic %s: %s\n", num.c_str(), e.what());
      }
      rows[v + 1].ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      add(rows[v + 1], score(ranked, judged->second));
    }
  }
  if (n == 0) {
    std::fprintf(stderr, "no topic has judgements\n");
    return 1;
  }
  auto avg = [n](double x) { return x / static_cast<double>(n); };
  auto pct = [](double x, double base) { return base > 0 ? 100.0 * (x / base - 1) : 0.0; };
  std::printf("%zu judged topics\n", n);
  std::printf("%-28s %7s %7s %9s %7s %7s %10s\n", "system", "MAP", "vs bm25", "nDCG@10", "vs bm25", "P@10", "ms/query");
  std::FILE* out = tsv.empty() ? nullptr : std::fopen(tsv.c_str(), "a");
  for (const Row& r : rows) {
    double map = avg(r.sum.ap), ndcg = avg(r.sum.ndcg10);
    std::printf("%-28s %7.4f %+6.1f%% %9.4f %+6.1f%% %7.4f %10.2f\n", r.name.c_str(), map,
                pct(map, avg(rows[0].sum.ap)), ndcg, pct(ndcg, avg(rows[0].sum.ndcg10)), avg(r.sum.p10), avg(r.ms));
    if (out != nullptr)
      std::fprintf(out, "%s\t%.6f\t%.6f\t%.6f\t%.4f\n", r.name.c_str(), map, ndcg, avg(r.sum.p10), avg(r.ms));
  }
  if (out != nullptr) std::fclose(out);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "convert") return convert(argc, argv);
    if (cmd == "run") return run(argc, argv);
    std::fprintf(stderr,
                 "usage: gazette-eval-ranking convert --collection NAME --docs F --queries F --qrels F --out DIR\n"
                 "       gazette-eval-ranking run --db DB --topics F --qrels F [--depth N] [--field title|desc]\n"
                 "                                [--variants all|NAME=OPTIONS;...] [--tsv FILE]\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gazette-eval-ranking: %s\n", e.what());
    return 1;
  }
}
