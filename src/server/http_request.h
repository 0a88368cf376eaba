// From a request Boost.Beast parsed to the HttpIn the API takes (http_api.h): the method,
// target, body and the few headers the API reads (Authorization, X-Original-Method,
// X-Original-URI, Warden-Timing). Shared by the transport (http_server.cc) and the fuzzer
// (tests/fuzz/http_fuzzer.cc), so that what is fuzzed is what serves. The HttpIn holds views
// into `req`: it must outlive them. Pure function, thread-safe.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>

#include "server/http_api.h"

namespace warden::server {

HttpIn ToHttpIn(const boost::beast::http::request<boost::beast::http::string_body>& req, std::string client_address);

}  // namespace warden::server
