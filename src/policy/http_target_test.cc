#include "policy/http_target.h"

#include <gtest/gtest.h>

namespace warden::policy {
namespace {

HttpTarget Url(std::string_view text) {
  auto t = ParseHttpUrl(text, "'url'");
  EXPECT_TRUE(t.ok()) << text << ": " << t.status().message();
  return t.ok() ? *t : HttpTarget{};
}

TEST(HttpTargetTest, SplitsAndNormalizesAUrl) {
  HttpTarget t = Url("HTTPS://Docs.Example.COM./a/./b/../c?q=1&r=%7e#frag");
  EXPECT_EQ(t.method, "GET");
  EXPECT_EQ(t.scheme, "https");
  EXPECT_EQ(t.host, "docs.example.com");
  EXPECT_EQ(t.port, 443);
  EXPECT_EQ(t.path, "/a/c");
  EXPECT_EQ(t.query, "q=1&r=~");
  EXPECT_EQ(t.url, "https://docs.example.com/a/c?q=1&r=~");
  EXPECT_EQ(t.ip.family, 0);
}

TEST(HttpTargetTest, PortsAndDefaults) {
  EXPECT_EQ(Url("http://h").port, 80);
  EXPECT_EQ(Url("http://h").path, "/");
  EXPECT_EQ(Url("http://h").url, "http://h/");
  EXPECT_EQ(Url("http://h:8080/x").port, 8080);
  EXPECT_EQ(Url("http://h:8080/x").url, "http://h:8080/x");
  EXPECT_EQ(Url("https://h:443/x").url, "https://h/x");  // the default port is not written
  EXPECT_EQ(Url("http://h:/x").port, 80);
}

TEST(HttpTargetTest, PathsCannotDodgeRules) {
  EXPECT_EQ(Url("http://h//admin///users").path, "/admin/users");
  EXPECT_EQ(Url("http://h/public/../admin").path, "/admin");
  EXPECT_EQ(Url("http://h/public/%2e%2e/admin").path, "/admin");
  EXPECT_EQ(Url("http://h/%61dmin").path, "/admin");  // unreserved characters are decoded
  EXPECT_EQ(Url("http://h/a%2fb").path, "/a/b");  // an encoded '/' is one, as nginx's $uri sees it
  EXPECT_EQ(Url("http://h/public/x%2F..%2F..%2Fadmin").path, "/admin");
  EXPECT_EQ(Url("http://h/a%3Fb%5cc").path, "/a%3Fb%5Cc");  // the rest keep (normalized) encoding
  EXPECT_EQ(Url("http://h/a/b/").path, "/a/b/");
  EXPECT_EQ(Url("http://h/a/b/..").path, "/a/");
  EXPECT_EQ(Url("http://h/../../etc").path, "/etc");
}

TEST(HttpTargetTest, IpAddressesInEverySpelling) {
  for (const char* url : {"http://169.254.169.254/", "http://0xa9fea9fe/", "http://2852039166/", "http://0251.0376.0251.0376/",
                          "http://169.254.43518/", "http://[::ffff:169.254.169.254]/", "http://%31%36%39.254.169.254/"}) {
    HttpTarget t = Url(url);
    EXPECT_EQ(t.host, "169.254.169.254") << url;
    EXPECT_EQ(t.ip.family, 4) << url;
  }
  EXPECT_EQ(Url("http://127.1/").host, "127.0.0.1");
  EXPECT_EQ(Url("http://0/").host, "0.0.0.0");
  HttpTarget v6 = Url("http://[FD00:EC2:0:0:0:0:0:254]:8080/latest");
  EXPECT_EQ(v6.host, "fd00:ec2::254");
  EXPECT_EQ(v6.ip.family, 6);
  EXPECT_EQ(v6.url, "http://[fd00:ec2::254]:8080/latest");
  EXPECT_EQ(Url("http://[::1]/").host, "::1");
}

TEST(HttpTargetTest, CredentialsAndFragmentsAreDropped) {
  HttpTarget t = Url("https://user:hunter2@example.com/x#top");
  EXPECT_EQ(t.host, "example.com");
  EXPECT_EQ(t.url, "https://example.com/x");
  EXPECT_EQ(t.url.find("hunter2"), std::string::npos);
  // The authority ends at the first '/', so "@" later in the path is no user part.
  EXPECT_EQ(Url("http://169.254.169.254/@example.com").host, "169.254.169.254");
  EXPECT_EQ(Url("http://example.com@169.254.169.254/").host, "169.254.169.254");
  EXPECT_EQ(Url("http://a:b@c@example.com/").host, "example.com");
  // A name that merely starts like an address is a name.
  EXPECT_EQ(Url("http://1.2.3.4.example.com/x").host, "1.2.3.4.example.com");
  EXPECT_EQ(Url("http://1.2.3.4.example.com/x").path, "/x");
}

TEST(HttpTargetTest, CharactersClientsSendUnencodedAreEncoded) {
  HttpTarget t = Url("https://de.wikipedia.org/wiki/M\xc3\xbcller?q={a}&b[]=1");
  EXPECT_EQ(t.path, "/wiki/M%C3%BCller");
  EXPECT_EQ(t.query, "q=%7Ba%7D&b%5B%5D=1");
}

TEST(HttpTargetTest, BadUrlsNameTheFieldAndNotTheUrl) {
  struct Case {
    const char* url;
    const char* needle;
  } cases[] = {
      {"", "is empty"},
      {"example.com/x", "absolute URL"},
      {"/relative", "absolute URL"},
      {"ftp://example.com/", "http or https URL, not ftp:"},
      {"file:///etc/passwd", "http or https URL, not file:"},
      {"http:example.com", "absolute URL"},
      {"http://exa mple.com/", "whitespace"},
      {"http://example.com/a\tb", "whitespace"},
      {"http://example.com\\@169.254.169.254/", "backslash"},
      {"http://example.com/%zz?token=s3cret", "'%'"},
      {"http:///path", "no host"},
      {"http://h:0/", "bad port"},
      {"http://h:65536/", "bad port"},
      {"http://[fe80::1%25eth0]/", "bad IPv6 address"},
      {"http://[v1.x]/", "bad IPv6 address"},
      {"http://[::1/", "'[' without ']'"},
      {"http://[::1]x/", "text after its IPv6 host"},
      {"http://h:8o/", "bad port"},
      {"http://1.2.3.4.5/", "looks like an IPv4 address"},
      {"http://4294967296/", "looks like an IPv4 address"},
      {"http://b\xc3\xbc" "cher.de/", "xn--"},
      {"http://a..b/", "empty or overlong label"},
      {"http://a$b.com/", "characters a DNS name cannot have"},
  };
  for (const auto& c : cases) {
    auto t = ParseHttpUrl(c.url, "'url'");
    ASSERT_FALSE(t.ok()) << c.url;
    EXPECT_EQ(t.status().message().rfind("'url' ", 0), 0u) << t.status().message();
    EXPECT_NE(t.status().message().find(c.needle), std::string::npos) << c.url << " → " << t.status().message();
    EXPECT_EQ(t.status().message().find("s3cret"), std::string::npos);
  }
  std::string huge = "http://h/" + std::string(kMaxUrlBytes, 'a');
  EXPECT_FALSE(ParseHttpUrl(huge, "'url'").ok());
}

TEST(HttpTargetTest, NormalizedTargetsParseBackToThemselves) {
  // The daemon protocol sends the normalized URL; it must mean the same on the other side.
  for (const char* url : {"HTTPS://Docs.Example.COM./a/./b/../c?q=1&r=%7e#frag", "http://0x7f.1:8080//x/%2e%2e/y/",
                          "https://u:p@[::FFFF:10.0.0.1]:443/M\xc3\xbcller?a[]={1}", "http://[fe80::1]/%2F%2Fz?%41=%zz%25",
                          "http://h/a%20b?x=%2F"}) {
    auto first = ParseHttpUrl(url, "'url'");
    if (!first.ok()) continue;  // the %zz one is refused: that is tested elsewhere
    auto again = ParseHttpUrl(first->url, "'url'");
    ASSERT_TRUE(again.ok()) << first->url << ": " << again.status().message();
    EXPECT_EQ(again->url, first->url);
    EXPECT_EQ(again->host, first->host);
    EXPECT_EQ(again->path, first->path);
    EXPECT_EQ(again->query, first->query);
  }
  auto path = ParseHttpPath("/v1//a/../b?x=%7e&y=[1]", "'path'");
  ASSERT_TRUE(path.ok());
  auto again = ParseHttpPath(path->url, "'path'");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->url, path->url);
}

TEST(HttpTargetTest, PathAlone) {
  auto t = ParseHttpPath("/v1//users/../admin?x=1", "'path'");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->path, "/v1/admin");
  EXPECT_EQ(t->query, "x=1");
  EXPECT_EQ(t->url, "/v1/admin?x=1");
  EXPECT_FALSE(t->has_host());
  EXPECT_EQ(t->port, 0);
  EXPECT_EQ(t->scheme, "");
  EXPECT_FALSE(ParseHttpPath("v1/users", "'path'").ok());
  EXPECT_FALSE(ParseHttpPath("", "'path'").ok());
  EXPECT_FALSE(ParseHttpPath("/a b", "'path'").ok());
}

TEST(HttpTargetTest, Methods) {
  EXPECT_TRUE(CheckHttpMethod("GET", "'method'").ok());
  EXPECT_TRUE(CheckHttpMethod("PROPFIND", "'method'").ok());
  EXPECT_TRUE(CheckHttpMethod("M-SEARCH", "'method'").ok());
  EXPECT_NE(CheckHttpMethod("get", "'method'").message().find("uppercase"), std::string::npos);
  EXPECT_NE(CheckHttpMethod("GE T", "'method'").message().find("'method'"), std::string::npos);
  EXPECT_FALSE(CheckHttpMethod("", "'method'").ok());
  EXPECT_FALSE(CheckHttpMethod(std::string(kMaxMethodBytes + 1, 'A'), "'method'").ok());
}

TEST(HttpTargetTest, Networks) {
  auto ten = ParseIpNetwork("10.0.0.0/8");
  ASSERT_TRUE(ten.has_value());
  EXPECT_TRUE(ten->Contains(*ParseIpAddress("10.200.1.2")));
  EXPECT_FALSE(ten->Contains(*ParseIpAddress("11.0.0.1")));
  EXPECT_FALSE(ten->Contains(*ParseIpAddress("::1")));
  auto private172 = ParseIpNetwork("172.16.0.0/12");
  ASSERT_TRUE(private172.has_value());
  EXPECT_TRUE(private172->Contains(*ParseIpAddress("172.31.255.255")));
  EXPECT_FALSE(private172->Contains(*ParseIpAddress("172.32.0.0")));
  auto ula = ParseIpNetwork("[fc00::]/7");
  ASSERT_TRUE(ula.has_value());
  EXPECT_TRUE(ula->Contains(*ParseIpAddress("fd00:ec2::254")));
  EXPECT_FALSE(ula->Contains(*ParseIpAddress("fe80::1")));
  auto host_bits = ParseIpNetwork("192.168.1.7/16");  // host bits are cleared
  ASSERT_TRUE(host_bits.has_value());
  EXPECT_TRUE(host_bits->Contains(*ParseIpAddress("192.168.200.1")));
  EXPECT_TRUE(ParseIpNetwork("0.0.0.0/0")->Contains(*ParseIpAddress("8.8.8.8")));
  for (const char* bad : {"10.0.0.0", "10.0.0.0/33", "::/129", "10.0.0/8", "x/8", "10.0.0.0/", "10.0.0.0/-1"}) {
    EXPECT_FALSE(ParseIpNetwork(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatIpAddress(*ParseIpAddress("0:0:0:0:0:0:0:1")), "::1");
  EXPECT_FALSE(ParseIpAddress("127.1").has_value());  // strict: rules write addresses plainly
}

}  // namespace
}  // namespace warden::policy
