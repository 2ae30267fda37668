// SPDX-License-Identifier: GPL-2.0-or-later
// The HTTP server (cpp-httplib): its connection loop (deadlines, byte budgets, a bounded number of
// connections, 503 past it), routes, parameter parsing, errors, admission, CORS, access log.
// This is the only file that sees the HTTP library.
#include "server.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <httplib.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "admission.h"
#include "gazette/common/encoding.h"
#include "gazette/common/entities.h"
#include "gazette/common/error.h"
#include "gazette/searcher/request_json.h"
#include "gazette/searcher/request_params.h"
#include "gazette/searcher/searcher.h"
#include "gazette/searcher/watches.h"
#include "openapi_json.h"

namespace gazette::http {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A bad request parameter: the message names it.
struct BadParameter : InvalidRequest {
  using InvalidRequest::InvalidRequest;
};

void send_json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  send_json(res, status, error_json(code, message));
}

// An integer parameter (its range is the library's to check), or `fallback` when absent.
int int_param(const httplib::Request& req, const char* name, int fallback) {
  if (!req.has_param(name)) return fallback;
  return parse_integer(req.get_param_value(name), "parameter \"" + std::string(name) + "\"");
}

std::string date_param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return {};
  std::string v = req.get_param_value(name);
  bool ok = v.size() == 4 || v.size() == 7 || v.size() == 10;
  for (std::size_t i = 0; ok && i < v.size(); ++i) {
    ok = (i == 4 || i == 7) ? v[i] == '-' : (v[i] >= '0' && v[i] <= '9');
  }
  if (!ok)
    throw BadParameter("parameter \"" + std::string(name) + "\" must be YYYY, YYYY-MM or YYYY-MM-DD, not \"" + v +
                       "\"");
  return v;
}

// /api/search's query string, read through the one table of search parameters; `from` and `to`
// are the page's date range, and the time limit is the server's.
SearchRequest search_request(const httplib::Request& req, const ServerConfig& config) {
  SearchRequest r;
  for (const SearchParam& p : search_params()) {
    if (p.http.empty()) continue;
    const std::string name(p.http);
    const std::size_t given =
        p.type == ParamType::kRepeated ? req.get_param_value_count(name.c_str()) : req.has_param(name);
    for (std::size_t i = 0; i < given; ++i)
      set_param(r, p, req.get_param_value(name.c_str(), i), "parameter \"" + name + "\"");
  }
  std::string from = date_param(req, "from"), to = date_param(req, "to");
  if (!from.empty() || !to.empty()) r.query += " date:" + from + ".." + to;
  r.time_limit_ms = config.max_time_limit_ms;
  return r;
}

// The id in /api/articles/{id}[/similar], URL-decoded by the HTTP library.
std::string article_id(const httplib::Request& req) {
  return req.matches.size() > 1 ? std::string(req.matches[1]) : "";
}

std::string default_www_dir() {
  std::string data = default_data_dir();
  if (!data.empty() && fs::exists(fs::path(data) / "www" / "index.html")) return (fs::path(data) / "www").string();
  return {};
}

// Paths longer than this are refused before routing: std::regex (the router) recurses once per
// character of the path, and a long path overflowed the stack (SIGSEGV at ~8 KB under ASan).
constexpr std::size_t kMaxPathBytes = 2048;
// Connections refused with 503 that wait for the client's request bytes (so that closing does not
// reset the connection before the client read the answer); past it they are closed at once.
constexpr std::size_t kMaxLingering = 1024;
constexpr auto kLinger = std::chrono::milliseconds(1000);
// A connection that finds every thread taken waits this long for one before it is refused.
constexpr auto kMaxQueueWait = std::chrono::milliseconds(100);
// The longest a blocked connection thread sleeps before it looks at the server's stop flag.
constexpr int kPollSliceMs = 100;

// Why a connection stopped reading.
enum class Failure { kNone, kTimedOut, kHeaderTooLarge, kBodyTooLarge, kClosed, kStopped };

// A connection's socket as httplib reads and writes it, with the limits httplib does not have:
// each request must arrive whole before a deadline (a client trickling a byte at a time cannot
// extend it), its header and body have byte budgets, and a write waits at most write_timeout
// for a client that does not read. Reads are buffered (httplib reads headers a byte at a time).
// Used by one connection thread at a time.
class ConnectionStream final : public httplib::Stream {
 public:
  // crowded() says whether connection threads run short: a request then has a fifth of its time.
  ConnectionStream(int sock, const ServerConfig& config, const std::atomic<socket_t>& listener,
                   std::function<bool()> crowded)
      : sock_(sock), config_(config), listener_(listener), crowded_(std::move(crowded)) {}

  // Waits until the next request's first byte is here, until `until` or until give_up() says so
  // (checked every kPollSliceMs). False when the client closed, time ran out or the server stops.
  template <typename GiveUp>
  bool wait_for_request(Clock::time_point until, GiveUp&& give_up) {
    while (off_ == len_) {
      if (listener_ == INVALID_SOCKET || give_up()) return false;
      ssize_t n = ::recv(sock_, buf_.data(), buf_.size(), MSG_DONTWAIT);
      if (n > 0) {
        off_ = 0;
        len_ = static_cast<std::size_t>(n);
        break;
      }
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return false;
      auto now = Clock::now();
      if (now >= until) return false;
      wait(POLLIN, until);
    }
    return true;
  }
  // Starts a request that began at `start` (its first byte, or the connection's accept): all of
  // it must be read by start + request_timeout, or by start + request_timeout / 5 while crowded.
  void start_request(Clock::time_point start) {
    deadline_ = start + std::chrono::milliseconds(config_.request_timeout_ms);
    crowded_deadline_ = start + std::chrono::milliseconds(config_.request_timeout_ms / 5);
    failure_ = Failure::kNone;
    in_header_ = true;
    tail_ = 0;
    header_bytes_ = body_bytes_ = written_ = 0;
  }
  Failure failure() const { return failure_; }
  std::size_t request_bytes() const { return header_bytes_ + body_bytes_; }
  std::size_t written() const { return written_; }
  // A handler asks for the connection to close after this response (e.g. an unread body).
  void close_after() { close_after_ = true; }
  bool closing() const { return close_after_; }

  // httplib asks before some reads; the same deadlines apply as in read().
  bool is_readable() const override {
    if (off_ < len_) return true;
    for (;;) {
      pollfd p{sock_, POLLIN, 0};
      if (::poll(&p, 1, 0) > 0) return true;  // data, or the end of it: read() tells which
      if (!wait_for_input()) return false;
    }
  }
  bool is_writable() const override { return poll_for(POLLOUT, Clock::now() + write_timeout()); }

  ssize_t read(char* ptr, std::size_t size) override {
    if (failure_ != Failure::kNone) return -1;
    if (off_ == len_ && !fill()) return -1;
    std::size_t n = std::min(size, len_ - off_);
    if (in_header_) {
      // Count the header's bytes up to the blank line that ends it; its budget applies to them.
      std::size_t i = 0;
      while (i < n && in_header_) {
        tail_ = (tail_ << 8) | static_cast<unsigned char>(buf_[off_ + i++]);
        if (++header_bytes_ > config_.max_header_bytes) {
          failure_ = Failure::kHeaderTooLarge;
          return -1;
        }
        if (tail_ == 0x0d0a0d0a) in_header_ = false;
      }
      n = i;
    } else if ((body_bytes_ += n) > config_.max_request_bytes) {
      failure_ = Failure::kBodyTooLarge;
      return -1;
    }
    std::memcpy(ptr, buf_.data() + off_, n);
    off_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, std::size_t size) override {
    const Clock::time_point until = Clock::now() + write_timeout();
    std::size_t done = 0;
    while (done < size) {
      ssize_t n = ::send(sock_, ptr + done, size - done, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && Clock::now() < until && listener_ != INVALID_SOCKET) {
        wait(POLLOUT, until);
        continue;
      }
      return -1;
    }
    written_ += size;
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { address(::getpeername, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address(::getsockname, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  std::chrono::milliseconds write_timeout() const { return std::chrono::milliseconds(config_.write_timeout_ms); }

  // Refills the buffer before the request's deadline; on failure says why.
  bool fill() {
    for (;;) {
      ssize_t n = ::recv(sock_, buf_.data(), buf_.size(), MSG_DONTWAIT);
      if (n > 0) {
        off_ = 0;
        len_ = static_cast<std::size_t>(n);
        return true;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
        failure_ = Failure::kClosed;
        return false;
      }
      if (!wait_for_input()) return false;
    }
  }

  // Waits for input until the request's deadline; false (failure_ says why) when the server
  // stops or the deadline passes first.
  bool wait_for_input() const {
    if (listener_ == INVALID_SOCKET) {
      failure_ = Failure::kStopped;
      return false;
    }
    if (expired()) {
      failure_ = Failure::kTimedOut;
      return false;
    }
    wait(POLLIN, deadline_);
    return true;
  }

  bool expired() const {
    auto now = Clock::now();
    return now >= deadline_ || (now >= crowded_deadline_ && crowded_());
  }

  // One poll of at most kPollSliceMs, so that a stop is noticed.
  int wait(short events, Clock::time_point until) const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count() + 1;
    pollfd p{sock_, events, 0};
    return ::poll(&p, 1, static_cast<int>(std::clamp<long long>(left, 0, kPollSliceMs)));
  }
  bool poll_for(short events, Clock::time_point until) const {
    for (;;) {
      pollfd p{sock_, events, 0};
      if (::poll(&p, 1, 0) > 0) return (p.revents & (POLLERR | POLLNVAL)) == 0;
      if (Clock::now() >= until || listener_ == INVALID_SOCKET) return false;
      wait(events, until);
    }
  }

  template <typename Fn>
  void address(Fn fn, std::string& ip, int& port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    ip.clear();
    port = -1;
    if (fn(sock_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return;
    char text[INET6_ADDRSTRLEN] = "";
    if (addr.ss_family == AF_INET) {
      const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
      ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof(text));
      port = ntohs(a->sin_port);
    } else if (addr.ss_family == AF_INET6) {
      const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
      ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof(text));
      port = ntohs(a->sin6_port);
    }
    ip = text;
  }

  const int sock_;
  const ServerConfig& config_;
  const std::atomic<socket_t>& listener_;
  std::array<char, 4096> buf_{};
  std::size_t off_ = 0, len_ = 0;
  std::function<bool()> crowded_;
  Clock::time_point deadline_ = Clock::now(), crowded_deadline_ = deadline_;
  mutable Failure failure_ = Failure::kNone;  // set by is_readable() too
  bool in_header_ = true;
  bool close_after_ = false;
  std::uint32_t tail_ = 0;  // the last four header bytes read, to find "\r\n\r\n"
  std::size_t header_bytes_ = 0, body_bytes_ = 0, written_ = 0;
};

// The connection being served on this thread, for the error handler and the access log.
thread_local ConnectionStream* t_stream = nullptr;
thread_local Clock::time_point t_started;
// Set while the pool's housekeeping thread runs a connection it could not give a thread to.
thread_local bool t_refusing = false;

// httplib's task queue, replaced: `threads` connection threads, each serving one connection at a
// time. httplib's own pool queues connections without bound, and a queued client waited
// unanswered behind slow ones. Here a connection that finds no free thread waits at most
// kMaxQueueWait (a thread that has just answered is about to be free), and at most threads / 8
// (at least 8) of them wait; past that the housekeeping thread runs it with t_refusing set, which
// answers 503 at once. The same thread closes refused and failed connections after the client's
// request has arrived (closing earlier can reset the connection before the client read the
// answer). Thread-safe.
class ConnectionPool final : public httplib::TaskQueue {
 public:
  explicit ConnectionPool(int threads)
      : threads_(threads),
        max_queued_(std::max<std::size_t>(8, threads / 8)),
        idle_(static_cast<std::size_t>(threads)) {
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
    housekeeper_ = std::thread([this] { housekeep(); });
  }
  ~ConnectionPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    std::lock_guard lock(mutex_);
    bool free = jobs_.size() < idle_;
    jobs_.push_back({std::move(fn), Clock::now()});
    if (!free) {
      // Refused by the housekeeper unless a thread takes it soon; at once past max_queued_.
      if (jobs_.size() > idle_ + max_queued_) jobs_.back().since = Clock::time_point::min();
      housekeeping_.notify_one();
    }
    work_ready_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      if (shutdown_) return;
      shutdown_ = true;
    }
    work_ready_.notify_all();
    housekeeping_.notify_all();
    for (auto& t : workers_) t.join();
    housekeeper_.join();
  }

  // Fewer than a quarter of the connection threads are free: connections get no keep-alive.
  bool crowded() const {
    std::lock_guard lock(mutex_);
    return (idle_ - std::min(idle_, jobs_.size())) * 4 < static_cast<std::size_t>(threads_);
  }
  int threads() const { return threads_; }

  // Takes a socket whose answer was written: closed when the client has sent its request (or
  // closed), or after kLinger.
  void linger(int sock) {
    {
      std::lock_guard lock(mutex_);
      if (!shutdown_ && lingering_.size() + held_ < kMaxLingering) {
        lingering_.push_back({sock, Clock::now() + kLinger});
        housekeeping_.notify_one();
        return;
      }
    }
    ::close(sock);
  }

 private:
  // A worker counts as idle from its start (so that no connection is refused while the pool
  // starts up) until it takes a connection, and again once it has served it.
  void work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mutex_);
        work_ready_.wait(lock, [this] { return !jobs_.empty() || shutdown_; });
        if (jobs_.empty()) return;  // shut down
        fn = std::move(jobs_.front().fn);
        jobs_.pop_front();
        --idle_;
      }
      fn();
      std::lock_guard lock(mutex_);
      ++idle_;
    }
  }

  // Refuses connections that waited too long for a thread; closes lingering sockets.
  void housekeep() {
    t_refusing = true;
    std::vector<Lingering> mine;
    std::vector<pollfd> polls;
    for (;;) {
      std::vector<std::function<void()>> refuse;
      {
        std::unique_lock lock(mutex_);
        auto waiting = [this] { return jobs_.size() > idle_; };
        if (mine.empty() && !waiting()) {
          housekeeping_.wait(lock, [&] { return !lingering_.empty() || waiting() || shutdown_; });
        }
        for (auto& l : lingering_) mine.push_back(l);
        lingering_.clear();
        if (shutdown_) break;
        // The oldest wait first: refuse while they have waited too long and no thread is free.
        auto now = Clock::now();
        while (waiting() && now - jobs_.front().since > kMaxQueueWait) {
          refuse.push_back(std::move(jobs_.front().fn));
          jobs_.pop_front();
        }
        // Past max_queued_, anywhere in the queue.
        for (auto j = jobs_.begin(); j != jobs_.end();) {
          if (j->since == Clock::time_point::min() && jobs_.size() > idle_) {
            refuse.push_back(std::move(j->fn));
            j = jobs_.erase(j);
          } else {
            ++j;
          }
        }
      }
      for (auto& fn : refuse) fn();  // -> GuardedServer::refuse: a 503, then linger()
      polls.clear();
      for (const auto& l : mine) polls.push_back({l.sock, POLLIN, 0});
      ::poll(polls.data(), polls.size(), 10);
      auto now = Clock::now();
      std::size_t kept = 0;
      for (std::size_t i = 0; i < mine.size(); ++i) {
        bool done = now >= mine[i].until;
        if (polls[i].revents != 0) {
          char sink[4096];
          ssize_t n = ::recv(mine[i].sock, sink, sizeof(sink), MSG_DONTWAIT);
          // Closed, failed, or the request is here: nothing more is coming that matters.
          done = done || n <= 0 || static_cast<std::size_t>(n) < sizeof(sink);
        }
        if (done) {
          ::close(mine[i].sock);
        } else {
          mine[kept++] = mine[i];
        }
      }
      mine.resize(kept);
      std::lock_guard lock(mutex_);
      held_ = mine.size();
    }
    for (const auto& l : mine) ::close(l.sock);
    std::lock_guard lock(mutex_);
    for (const auto& l : lingering_) ::close(l.sock);
    lingering_.clear();
  }

  struct Lingering {
    int sock;
    Clock::time_point until;
  };
  struct Job {
    std::function<void()> fn;
    Clock::time_point since;  // when it was accepted; min(): refuse now
  };
  const int threads_;
  const std::size_t max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable work_ready_, housekeeping_;
  std::deque<Job> jobs_;
  std::size_t idle_;
  bool shutdown_ = false;
  std::vector<std::thread> workers_;
  std::vector<Lingering> lingering_;  // handed over, not yet polled
  std::size_t held_ = 0;              // lingering sockets the housekeeper polls
  std::thread housekeeper_;
};

// One access-log line: METHOD PATH STATUS TIMEms, the time since the request's first byte. The
// path is cut at 200 bytes and its control bytes escaped (a decoded %0A must not forge a line).
void log_line(const std::string& method, const std::string& path, int status) {
  std::string shown;
  for (std::size_t i = 0; i < path.size() && i < 200; ++i) {
    unsigned char c = static_cast<unsigned char>(path[i]);
    if (c < 0x20 || c == 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof(hex), "%%%02X", c);
      shown += hex;
    } else {
      shown += static_cast<char>(c);
    }
  }
  if (path.size() > 200) shown += "...";
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - t_started).count();
  std::fprintf(stderr, "%s %s %d %.1fms\n", method.empty() ? "-" : method.c_str(), shown.empty() ? "-" : shown.c_str(),
               status, ms);
}

// A whole response written by hand, for connections httplib never parsed a request from.
std::string raw_response(int status, const char* reason, const std::string& code, const std::string& message,
                         const char* extra_headers = "") {
  std::string body = error_json(code, message);
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n" + extra_headers + "\r\n" + body;
}

// httplib::Server with its connection loop replaced (process_and_close_socket is virtual; the
// request parsing and routing, process_request, stay httplib's): our stream with deadlines and
// byte budgets, keep-alive only while connection threads are plentiful, 503 when none is free.
class GuardedServer final : public httplib::Server {
 public:
  explicit GuardedServer(const ServerConfig& config, int threads)
      : config_(config),
        threads_(threads),
        refusal_(raw_response(503, "Service Unavailable", "overloaded",
                              "all " + std::to_string(threads) + " connections are busy; retry shortly",
                              "Retry-After: 1\r\n")) {
    new_task_queue = [this] {
      auto* pool = new ConnectionPool(threads_);
      pool_ = pool;
      return pool;
    };
  }
  // httplib listens with a backlog of 5; a burst of connections would then wait for SYN retries.
  void widen_backlog() { ::listen(svr_sock_, 1024); }

 private:
  bool process_and_close_socket(socket_t sock) override {
    if (t_refusing) {
      refuse(sock);
      return false;
    }
    ConnectionStream strm(sock, config_, svr_sock_, [this] { return pool_->crowded(); });
    t_stream = &strm;
    const Clock::time_point accepted = Clock::now();  // the first request's time counts from here
    bool ok = true, linger = false;
    for (int served = 0; served < config_.keep_alive_max; ++served) {
      Clock::time_point until = served == 0 ? accepted + std::chrono::milliseconds(config_.request_timeout_ms)
                                            : Clock::now() + std::chrono::milliseconds(config_.keep_alive_ms);
      if (!strm.wait_for_request(until, [&] {
            // An idle keep-alive connection gives its thread up when threads run short; so does a
            // new connection that has sent nothing for a fifth of the request time.
            return (served > 0 ||
                    Clock::now() - accepted > std::chrono::milliseconds(config_.request_timeout_ms / 5)) &&
                   pool_->crowded();
          })) {
        break;
      }
      t_started = Clock::now();
      strm.start_request(served == 0 ? accepted : t_started);
      bool close = served + 1 == config_.keep_alive_max || pool_->crowded();
      bool closed = false;
      ok = process_request(strm, close, closed, [](httplib::Request& req) {
        // Byte ranges of API answers are of no use, and many ranges multiply a response's size.
        req.ranges.clear();
      });
      Failure failure = strm.failure();
      if (failure == Failure::kTimedOut || failure == Failure::kHeaderTooLarge || failure == Failure::kBodyTooLarge) {
        if (strm.written() == 0 && strm.request_bytes() > 0) answer_unparsed(strm, failure);
        linger = true;  // the client may still be sending
        break;
      }
      if (!ok || closed || close || strm.closing()) {
        linger = strm.closing();
        break;
      }
    }
    t_stream = nullptr;
    if (linger) {
      ::shutdown(sock, SHUT_WR);
      pool_->linger(sock);
    } else {
      ::shutdown(sock, SHUT_RDWR);
      ::close(sock);
    }
    return ok;
  }

  // A request that failed before httplib could parse its first line gets its answer here.
  void answer_unparsed(ConnectionStream& strm, Failure failure) {
    int status = failure == Failure::kTimedOut ? 408 : failure == Failure::kBodyTooLarge ? 413 : 431;
    std::string response =
        status == 408 ? raw_response(408, "Request Timeout", "request_timeout", request_timeout_message(config_))
        : status == 413
            ? raw_response(413, "Payload Too Large", "payload_too_large", payload_message(config_))
            : raw_response(431, "Request Header Fields Too Large", "header_too_large", header_message(config_));
    strm.write(response.data(), response.size());
    if (config_.access_log) log_line("-", "-", status);
  }

  void refuse(int sock) {
    t_started = Clock::now();
    (void)!::send(sock, refusal_.data(), refusal_.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::shutdown(sock, SHUT_WR);
    if (config_.access_log) log_line("-", "-", 503);
    pool_->linger(sock);
  }

 public:
  static std::string request_timeout_message(const ServerConfig& c) {
    return "the request did not arrive in time (" + std::to_string(c.request_timeout_ms) + " ms, " +
           std::to_string(c.request_timeout_ms / 5) + " ms while all but a quarter of the connections are taken)";
  }
  static std::string header_message(const ServerConfig& c) {
    return "the request line and headers are longer than " + std::to_string(c.max_header_bytes) + " bytes";
  }
  static std::string payload_message(const ServerConfig& c) {
    return "the request body is longer than " + std::to_string(c.max_request_bytes) + " bytes";
  }

 private:
  const ServerConfig& config_;
  const int threads_;
  const std::string refusal_;
  ConnectionPool* pool_ = nullptr;  // owned by httplib's listen loop; set before any connection
};

}  // namespace

// A search is heavy when its cost can grow far past an ordinary one's before the time limit can
// cut it: wildcards expand to many terms, and each word adds posting lists to merge.
bool is_heavy_query(const std::string& q) {
  if (q.find('*') != std::string::npos) return true;
  int words = 0;
  bool in_word = false;
  for (char c : q) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '+';
    if (!space && !in_word && ++words > kHeavyQueryWords) return true;
    in_word = !space;
  }
  return false;
}

std::vector<std::string> routes() {
  return {"GET /api/search",
          "GET /api/articles/{id}",
          "GET /api/articles/{id}/similar",
          "GET /api/suggest",
          "GET /api/entities",
          "GET /api/stats",
          "GET /api/watches",
          "POST /api/watches",
          "GET /api/watches/{name}",
          "DELETE /api/watches/{name}",
          "GET /api/watches/{name}/matches",
          "POST /api/watches/{name}/seen",
          "GET /api/openapi.json",
          "GET /healthz",
          "GET /"};
}

const std::string& openapi_json() {
  static const std::string doc = kOpenApiJson;
  return doc;
}

namespace {

// CORS: the Origin, echoed when it is one the server allows.
void allow_origin(const ServerConfig& config, const httplib::Request& req, httplib::Response& res) {
  std::string origin = req.get_header_value("Origin");
  if (!origin.empty() &&
      std::find(config.cors_origins.begin(), config.cors_origins.end(), origin) != config.cors_origins.end()) {
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Vary", "Origin");
  }
}

// What every API handler runs through: admission, CORS, reopening, error mapping.
struct Api {
  Searcher& searcher;
  Admission& admission;
  const ServerConfig& config;

  template <typename Cost, typename Body>
  httplib::Server::Handler guarded(Cost cost, Body body) {
    return [this, cost, body](const httplib::Request& req, httplib::Response& res) {
      allow_origin(config, req, res);
      Admission::Ticket ticket = admission.enter(cost(req));
      if (!ticket) {
        res.set_header("Retry-After", "1");
        return send_error(res, 503, "overloaded",
                          "too many expensive searches (wildcards, many words) are waiting; retry shortly");
      }
      try {
        // Pick up commits made by a concurrent gazette-index without a restart.
        searcher.reopen();
        body(req, res);
      } catch (const InvalidRequest& e) {
        send_error(res, 400, "invalid_request", e.what());
      } catch (const IndexError& e) {
        send_error(res, 503, "index_unavailable", e.what());
      } catch (const std::exception& e) {
        // The cause is for the operator's log, not for the caller (it may name files and internals).
        std::fprintf(stderr, "gazette-search: internal error on %s: %s\n", req.path.c_str(), e.what());
        send_error(res, 500, "internal_error", "internal error (the server's log has the cause)");
      }
    };
  }
};

void add_api_routes(GuardedServer& server, Api& api) {
  using Cost = Admission::Cost;
  Searcher& searcher = api.searcher;
  const ServerConfig& config = api.config;
  auto light = [](const httplib::Request&) { return Cost::kLight; };
  auto heavy_if_query = [](const httplib::Request& req) {
    return req.has_param("q") && is_heavy_query(req.get_param_value("q")) ? Cost::kHeavy : Cost::kLight;
  };
  // Similar articles: an OR of the article's 40 most telling terms.
  auto heavy = [](const httplib::Request&) { return Cost::kHeavy; };

  server.Get("/api/search",
             api.guarded(heavy_if_query, [&config, &searcher](const httplib::Request& req, httplib::Response& res) {
               send_json(res, 200, to_json(searcher.search(search_request(req, config))));
             }));
  server.Get(R"(/api/articles/(.+)/similar)",
             api.guarded(heavy, [&searcher](const httplib::Request& req, httplib::Response& res) {
               std::string id = article_id(req);
               int limit = int_param(req, "limit", kDefaultSimilarLimit);
               check_limit(limit, 1, kMaxLimit);  // named before the id is looked up
               if (!searcher.document(id))
                 return send_error(res, 404, "not_found", "no article with id \"" + id + "\"");
               send_json(res, 200, to_json(searcher.similar(id, limit)));
             }));
  server.Get(R"(/api/articles/(.+))",
             api.guarded(light, [&searcher](const httplib::Request& req, httplib::Response& res) {
               std::string id = article_id(req);
               std::optional<Article> a = searcher.document(id);
               if (!a) return send_error(res, 404, "not_found", "no article with id \"" + id + "\"");
               send_json(res, 200, to_json(*a));
             }));
  server.Get("/api/suggest", api.guarded(light, [&searcher](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_param("q")) throw BadParameter("parameter \"q\" is required");
    send_json(res, 200,
              to_json(searcher.suggest(req.get_param_value("q"), int_param(req, "limit", kDefaultSuggestLimit))));
  }));
  server.Get("/api/entities", api.guarded(light, [&searcher](const httplib::Request& req, httplib::Response& res) {
    EntityListRequest r;
    if (req.has_param("kind")) r.kind = req.get_param_value("kind");
    if (req.has_param("prefix")) r.prefix = req.get_param_value("prefix");
    r.limit = int_param(req, "limit", r.limit);
    send_json(res, 200, to_json(searcher.entities(r)));
  }));
  server.Get("/api/stats", api.guarded(light, [&searcher](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, to_json(searcher.summary()));
  }));
  server.Get("/api/openapi.json", api.guarded(light, [](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, openapi_json());
  }));
  server.Get("/healthz", api.guarded(light, [&searcher](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, "{\"status\":\"ok\",\"articles\":" + std::to_string(searcher.article_count()) + "}");
  }));
}

// The watch routes' methods other than GET: POST /api/watches and /api/watches/{name}/seen,
// DELETE /api/watches/{name}.
bool is_watch_change(const ServerConfig& config, const httplib::Request& req) {
  if (config.watches != "on" || req.path.rfind("/api/watches", 0) != 0) return false;
  const std::string rest = req.path.substr(std::string("/api/watches").size());
  const bool one = rest.size() > 1 && rest[0] == '/' && rest.find('/', 1) == std::string::npos;
  if (req.method == "POST") return rest.empty() || (rest.size() > 6 && rest.compare(rest.size() - 5, 5, "/seen") == 0);
  return req.method == "DELETE" && one;
}

// The name in /api/watches/{name}[/...], URL-decoded by the HTTP library.
std::string watch_name(const httplib::Request& req) {
  return req.matches.size() > 1 ? std::string(req.matches[1]) : "";
}

// `changes`: whether this server adds, removes and marks watches seen (--watches on).
std::string watch_list_json(const WatchStore& store, const Searcher& searcher, bool changes) {
  std::string out = "{\"last_run\":" + std::to_string(searcher.last_run()) +
                    ",\"changes\":" + (changes ? "true" : "false") + ",\"watches\":[";
  const std::vector<Watch> all = store.list();
  for (std::size_t i = 0; i < all.size(); ++i) out += (i ? "," : "") + watch_to_json(all[i]);
  return out + "]}";
}

// Watches (gazette/searcher/watches.h), stored beside the database: read by anyone who may
// search; added, removed and marked seen unless ServerConfig::watches says "read".
void add_watch_routes(GuardedServer& server, Api& api) {
  if (api.config.watches == "off") return;
  Searcher& searcher = api.searcher;
  auto store = std::make_shared<WatchStore>(api.config.db_path);
  auto light = [](const httplib::Request&) { return Admission::Cost::kLight; };
  auto not_found = [](httplib::Response& res, const std::string& name) {
    send_error(res, 404, "not_found", "no watch named \"" + name + "\"");
  };
  const bool changes = api.config.watches == "on";
  server.Get("/api/watches",
             api.guarded(light, [store, &searcher, changes](const httplib::Request&, httplib::Response& res) {
               send_json(res, 200, watch_list_json(*store, searcher, changes));
             }));
  server.Get(R"(/api/watches/([^/]+))",
             api.guarded(light, [store, not_found](const httplib::Request& req, httplib::Response& res) {
               std::optional<Watch> w = store->get(watch_name(req));
               if (!w) return not_found(res, watch_name(req));
               send_json(res, 200, watch_to_json(*w));
             }));
  server.Get(R"(/api/watches/([^/]+)/matches)",
             api.guarded(light, [store, not_found](const httplib::Request& req, httplib::Response& res) {
               const std::string name = watch_name(req);
               std::optional<std::int64_t> since;
               if (req.has_param("since")) since = parse_since(req.get_param_value("since"), "parameter \"since\"");
               int limit = int_param(req, "limit", 100);
               check_limit(limit, 1, kMaxLimit);
               if (!store->get(name) && store->matches(name).empty()) return not_found(res, name);
               std::string out = "{\"watch\":" + nlohmann::json(name).dump() + ",\"matches\":[";
               std::vector<WatchMatch> found = store->matches(name, since, static_cast<std::size_t>(limit));
               for (std::size_t i = 0; i < found.size(); ++i) out += (i ? "," : "") + match_to_json(found[i]);
               send_json(res, 200, out + "]}");
             }));
  if (api.config.watches != "on") return;
  server.Post("/api/watches",
              api.guarded(light, [store, &searcher](const httplib::Request& req, httplib::Response& res) {
                Watch w = store->add(watch_from_json(req.body), searcher);
                res.set_header("Location", "/api/watches/" + w.name);
                send_json(res, 201, watch_to_json(w));
              }));
  server.Delete(R"(/api/watches/([^/]+))",
                api.guarded(light, [store, not_found](const httplib::Request& req, httplib::Response& res) {
                  if (!store->remove(watch_name(req))) return not_found(res, watch_name(req));
                  send_json(res, 200, "{\"removed\":" + nlohmann::json(watch_name(req)).dump() + "}");
                }));
  server.Post(R"(/api/watches/([^/]+)/seen)",
              api.guarded(light, [store, not_found](const httplib::Request& req, httplib::Response& res) {
                if (!store->get(watch_name(req))) return not_found(res, watch_name(req));
                store->mark_seen(watch_name(req));
                send_json(res, 200, watch_to_json(*store->get(watch_name(req))));
              }));
}

// CORS preflight and the search page's files.
void add_page_routes(GuardedServer& server, const ServerConfig& config) {
  server.Options(R"(/api/.*)", [&config](const httplib::Request& req, httplib::Response& res) {
    std::string origin = req.get_header_value("Origin");
    if (std::find(config.cors_origins.begin(), config.cors_origins.end(), origin) == config.cors_origins.end()) {
      return send_error(res, 403, "forbidden", "cross-origin calls are not allowed from this origin");
    }
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Access-Control-Allow-Methods",
                   config.watches == "on" ? "GET, POST, DELETE, OPTIONS" : "GET, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", "Content-Type");
    res.set_header("Vary", "Origin");
    res.status = 204;
  });
  std::string www = config.www_dir.empty() ? default_www_dir() : config.www_dir;
  if (!www.empty()) server.set_mount_point("/", www);
  if (www.empty()) {
    server.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(
          "<!doctype html><title>Gazette</title><p>The search page is not installed; the API is at /api/search.",
          "text/html; charset=utf-8");
    });
  }
}

// Before routing (and before the page's files), what no route may see; after it, errors that
// httplib answers itself, and the access log.
void add_guards(GuardedServer& server, const ServerConfig& config) {
  server.set_pre_routing_handler([&config](const httplib::Request& req, httplib::Response& res) {
    auto refuse = [&](int status, const std::string& code, const std::string& message) {
      allow_origin(config, req, res);
      send_error(res, status, code, message);
      return httplib::Server::HandlerResponse::Handled;
    };
    const bool change = is_watch_change(config, req);
    if (req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS" && !change) {
      res.set_header("Allow", "GET, HEAD, OPTIONS");
      if (t_stream) t_stream->close_after();  // its body, if any, is not read
      return refuse(405, "method_not_allowed", "method " + req.method + " is not allowed; use GET");
    }
    if (req.method != "POST" && ((req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0") ||
                                 req.has_header("Transfer-Encoding"))) {
      // httplib does not read a GET's body; it would be parsed as the next request.
      if (t_stream) t_stream->close_after();
      return refuse(400, "invalid_request", "a " + req.method + " request carries no body");
    }
    if (req.path.size() > kMaxPathBytes) {
      return refuse(414, "uri_too_long", "the path is longer than " + std::to_string(kMaxPathBytes) + " bytes");
    }
    bool api = req.path.rfind("/api/", 0) == 0;
    if (!is_valid_utf8(req.path)) return refuse(400, "invalid_request", "the path is not valid UTF-8");
    if (!api && (req.path.find("..") != std::string::npos || req.path.find('\\') != std::string::npos ||
                 req.path.find('\0') != std::string::npos)) {
      return refuse(404, "not_found", "HTTP 404");  // never a file outside the page's folder
    }
    if (req.params.size() > config.max_params) {
      return refuse(400, "invalid_request", "too many parameters (at most " + std::to_string(config.max_params) + ")");
    }
    for (const auto& [name, value] : req.params) {
      if (!is_valid_utf8(name)) return refuse(400, "invalid_request", "a parameter name is not valid UTF-8");
      if (!is_valid_utf8(value)) return refuse(400, "invalid_request", "parameter \"" + name + "\" is not valid UTF-8");
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.set_error_handler([&config](const httplib::Request&, httplib::Response& res) {
    // httplib answers 400 when reading the request failed: say why, if it was one of our limits.
    Failure failure = t_stream ? t_stream->failure() : Failure::kNone;
    if (res.status == 400 && failure == Failure::kTimedOut) {
      res.status = 408;
      return send_error(res, 408, "request_timeout", GuardedServer::request_timeout_message(config));
    }
    if (res.status == 400 && failure == Failure::kHeaderTooLarge) {
      return send_error(res, 431, "header_too_large", GuardedServer::header_message(config));
    }
    if ((res.status == 400 || res.status == 413) && failure == Failure::kBodyTooLarge) {
      return send_error(res, 413, "payload_too_large", GuardedServer::payload_message(config));
    }
    if (res.body.empty()) {
      // httplib's own 400s (a malformed request line or header): what follows cannot be trusted.
      if (res.status == 400 && t_stream) t_stream->close_after();
      send_error(res, res.status, res.status == 404 ? "not_found" : "http_error", "HTTP " + std::to_string(res.status));
    }
  });
  if (config.access_log) {
    // The connection loop stamps t_started when a request's first byte arrives.
    server.set_logger(
        [](const httplib::Request& req, const httplib::Response& res) { log_line(req.method, req.path, res.status); });
  }
}

int listen_until_stopped(GuardedServer& server, const ServerConfig& config, const std::atomic<bool>& stop,
                         const std::function<void(int port)>& on_listening) {
  int port = config.port;
  if (port == 0) {
    port = server.bind_to_any_port(config.host);
    if (port < 0) throw Error("cannot bind " + config.host + " to any port");
  } else if (!server.bind_to_port(config.host, port)) {
    throw Error("cannot listen on " + config.host + ":" + std::to_string(port) + " (in use, or not allowed)");
  }
  server.widen_backlog();
  std::atomic<bool> finished{false};
  std::thread watcher([&server, &stop, &finished] {
    while (!stop.load() && !finished.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    server.stop();
  });
  if (on_listening) on_listening(port);
  bool ok = server.listen_after_bind();
  finished = true;
  watcher.join();
  return ok ? 0 : 1;
}

}  // namespace

int serve(const ServerConfig& config, const std::atomic<bool>& stop,
          const std::function<void(int port)>& on_listening) {
  Searcher searcher(config.db_path);  // throws IndexError with the path when unusable
  // A thread per open connection, each bounded by deadlines (see ServerConfig), so threads are
  // cheap to have many of; connections recycled after keep_alive_max requests or keep_alive_ms
  // idle, and not kept alive at all while threads run short.
  const int threads = config.threads > 0 ? config.threads : 256;
  GuardedServer server(config, threads);
  server.set_payload_max_length(config.max_request_bytes);
  // Small JSON answers must not wait for the peer's delayed ACK (Nagle): that alone cost 40 ms.
  server.set_tcp_nodelay(true);
  // What the Keep-Alive header announces; the connection loop enforces it.
  server.set_keep_alive_timeout(std::max(1, config.keep_alive_ms / 1000));
  server.set_keep_alive_max_count(static_cast<std::size_t>(std::max(1, config.keep_alive_max)));
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  Admission admission(std::max(4, 4 * cores), config.heavy_slots);
  Api api{searcher, admission, config};
  add_api_routes(server, api);
  add_watch_routes(server, api);
  add_page_routes(server, config);
  add_guards(server, config);
  return listen_until_stopped(server, config, stop, on_listening);
}

}  // namespace gazette::http
