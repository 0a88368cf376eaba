// The HTTP transport of `warden serve --http ADDR:PORT`: Boost.Beast on the daemon's Asio
// io_context (so one I/O thread per core serves the socket and HTTP alike), HTTP/1.1
// keep-alive, optional TLS (OpenSSL). It reads requests within limits and hands them to the
// HttpApi (http_api.h); everything about what a request means is there.
//
// Limits, each answered the way a client can understand:
//   headers over max_header_bytes → 431; a body over max_body_bytes → 413; a malformed
//   request → 400; all three close the connection.
//   A request (headers and body) must arrive within `request_timeout` of the previous answer
//   (or of the connection's start): slow-header clients are cut off, and an idle keep-alive
//   connection is closed after the same time.
//   At most `max_connections` connections at once. At the limit, the connection that has
//   waited longest for a request is closed to admit the new one (idle keep-alive clients
//   cannot starve active ones); only when every connection is busy does the newcomer get 503
//   with Retry-After.
//
// Graceful shutdown: Shutdown stops accepting, closes idle connections, lets requests being
// served finish and calls `done` once no connection is left (or after `drain`).
//
// Thread-safety: Start and Shutdown from the controlling thread or any I/O thread; sessions run
// on their own strands.
#pragma once

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "server/http_api.h"

namespace warden::server {

struct HttpServerOptions {
  std::string listen;  // "127.0.0.1:8181", "[::1]:8181"
  std::string tls_cert;  // PEM files; both or neither
  std::string tls_key;
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 64 * 1024;
  std::chrono::milliseconds request_timeout{10'000};
  size_t max_connections = 4096;
  std::chrono::milliseconds drain{5'000};
};

struct HttpServerCounts {
  std::atomic<uint64_t> accepted{0}, refused_full{0}, timed_out{0}, bad_requests{0}, open{0};
  std::atomic<uint64_t> streams{0}, streams_dropped{0};  // /v1/events: started, cut off for not keeping up
  std::atomic<uint64_t> evicted{0};  // waiting connections closed at the limit to admit a new one
};

// "host:port" → address and port, with a clear error.
Status ParseListenAddress(const std::string& text, std::string* host, uint16_t* port);

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, const HttpApi* api, HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  Status Start();
  void Shutdown(std::function<void()> done);
  std::string local_endpoint() const;  // "127.0.0.1:8181" (the port is real when 0 was asked)
  const HttpServerCounts& counts() const;

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace warden::server
