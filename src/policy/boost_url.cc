// The one translation unit that compiles Boost.URL. Debian 12 ships its headers with
// libboost1.81-dev; used header-only like this, no libboost_url package or link is needed
// (docs/DEPENDENCIES.md). No other file may include <boost/url/src.hpp>.
#include <boost/url/src.hpp>
