#include "server/http_request.h"

#include <boost/beast/http/field.hpp>

namespace warden::server {

namespace http = boost::beast::http;

namespace {
std::string_view View(boost::beast::string_view s) { return {s.data(), s.size()}; }
}  // namespace

HttpIn ToHttpIn(const http::request<http::string_body>& req, std::string client_address) {
  HttpIn in;
  in.method = View(req.method_string());
  in.target = View(req.target());
  in.body = req.body();
  in.client_address = std::move(client_address);
  if (auto it = req.find(http::field::authorization); it != req.end()) in.authorization = View(it->value());
  if (auto it = req.find("X-Original-Method"); it != req.end()) in.original_method = View(it->value());
  if (auto it = req.find("X-Original-URI"); it != req.end()) in.original_uri = View(it->value());
  if (auto it = req.find("Warden-Timing"); it != req.end()) in.want_timing = it->value() == "1";
  return in;
}

}  // namespace warden::server
