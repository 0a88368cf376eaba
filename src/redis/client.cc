#include "redis/client.h"

#include <hiredis/async.h>
#include <pthread.h>
#include <signal.h>
#include <hiredis/hiredis.h>
#include <openssl/evp.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <thread>

namespace warden::redis {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

Reply Convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING: out.type = Reply::Type::kString; out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_STATUS: out.type = Reply::Type::kStatus; out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_ERROR: out.type = Reply::Type::kError; out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_INTEGER: out.type = Reply::Type::kInteger; out.integer = r->integer; break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default: break;  // nil
  }
  return out;
}

}  // namespace

// Everything below runs on the client's own thread (io_), the only one that touches hiredis.
struct Client::Impl : std::enable_shared_from_this<Client::Impl> {
  Impl(Client* owner, ClientOptions o)
      : owner(owner), opt(std::move(o)), work(io.get_executor()), reconnect_timer(io), connect_timer(io) {}

  Client* owner;
  ClientOptions opt;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::thread thread;
  asio::steady_timer reconnect_timer;
  asio::steady_timer connect_timer;
  std::chrono::milliseconds backoff{0};
  bool stopping = false;

  redisAsyncContext* ac = nullptr;
  bool ready = false;  // connected, AUTH and SELECT answered
  std::unique_ptr<asio::posix::stream_descriptor> sd;
  bool want_read = false, want_write = false, reading = false, writing = false;

  // Commands in flight: a reply, a lost connection or the timer ends each, once.
  struct Op {
    Done done;
    std::unique_ptr<asio::steady_timer> timer;
  };
  std::map<uint64_t, Op> ops;
  uint64_t next_op = 1;

  std::vector<std::string> channels;
  OnMessage on_message;

  struct Periodic {
    std::chrono::milliseconds interval;
    std::function<void()> fn;
    std::unique_ptr<asio::steady_timer> timer;
  };
  std::vector<std::shared_ptr<Periodic>> periodic;
  void Arm(const std::shared_ptr<Periodic>& p) {
    p->timer->expires_after(p->interval);
    p->timer->async_wait([self = shared_from_this(), p](const boost::system::error_code& ec) {
      if (ec || self->stopping) return;
      p->fn();
      self->Arm(p);
    });
  }

  // ---- the Asio adapter ---------------------------------------------------------------------

  static Impl* Of(void* p) { return static_cast<Impl*>(p); }
  static void AddRead(void* p) {
    Impl* s = Of(p);
    s->want_read = true;
    s->ArmRead();
  }
  static void DelRead(void* p) { Of(p)->want_read = false; }
  static void AddWrite(void* p) {
    Impl* s = Of(p);
    s->want_write = true;
    s->ArmWrite();
  }
  static void DelWrite(void* p) { Of(p)->want_write = false; }
  static void Cleanup(void* p) {
    Impl* s = Of(p);
    s->want_read = s->want_write = false;
    if (s->sd) {
      boost::system::error_code ec;
      s->sd->cancel(ec);
      (void)s->sd->release();  // hiredis closes its own descriptor
    }
  }

  void ArmRead() {
    if (reading || !sd || !ac) return;
    reading = true;
    auto self = shared_from_this();
    redisAsyncContext* ctx = ac;
    sd->async_wait(asio::posix::descriptor_base::wait_read, [self, ctx](const boost::system::error_code& ec) {
      self->reading = false;
      if (ec || self->ac != ctx || !self->want_read) return;
      redisAsyncHandleRead(ctx);
      if (self->ac == ctx && self->want_read) self->ArmRead();
    });
  }
  void ArmWrite() {
    if (writing || !sd || !ac) return;
    writing = true;
    auto self = shared_from_this();
    redisAsyncContext* ctx = ac;
    sd->async_wait(asio::posix::descriptor_base::wait_write, [self, ctx](const boost::system::error_code& ec) {
      self->writing = false;
      if (ec || self->ac != ctx || !self->want_write) return;
      redisAsyncHandleWrite(ctx);
      if (self->ac == ctx && self->want_write) self->ArmWrite();
    });
  }

  // ---- connecting ---------------------------------------------------------------------------

  void Connect() {
    if (stopping) return;
    const Address& a = opt.address;
    ac = a.unix_path.empty() ? redisAsyncConnect(a.host.c_str(), a.port) : redisAsyncConnectUnix(a.unix_path.c_str());
    if (!ac || ac->err) {
      std::string why = ac ? ac->errstr : "out of memory";
      if (ac) redisAsyncFree(ac);
      ac = nullptr;
      Retry("cannot connect: " + why);
      return;
    }
    ac->data = this;
    sd = std::make_unique<asio::posix::stream_descriptor>(io, ac->c.fd);
    ac->ev.data = this;
    ac->ev.addRead = AddRead;
    ac->ev.delRead = DelRead;
    ac->ev.addWrite = AddWrite;
    ac->ev.delWrite = DelWrite;
    ac->ev.cleanup = Cleanup;
    redisAsyncSetConnectCallback(ac, [](const redisAsyncContext* c, int status) {
      Impl* s = static_cast<Impl*>(c->data);
      s->connect_timer.cancel();
      if (status != REDIS_OK) {
        // hiredis frees the context after this callback
        std::string why = c->errstr;
        s->Lost(false);
        s->Retry("cannot connect: " + why);
        return;
      }
      s->Handshake();
    });
    redisAsyncSetDisconnectCallback(ac, [](const redisAsyncContext* c, int status) {
      Impl* s = static_cast<Impl*>(c->data);
      std::string why = status == REDIS_OK ? "closed" : c->errstr;
      bool was_ready = s->ready;
      s->Lost(was_ready);
      if (!s->stopping) s->Retry(was_ready ? "connection lost: " + why : "cannot connect: " + why);
    });
    connect_timer.expires_after(opt.connect_timeout);
    redisAsyncContext* ctx = ac;
    connect_timer.async_wait([self = shared_from_this(), ctx](const boost::system::error_code& ec) {
      if (ec || self->ac != ctx || self->ready) return;
      // Not connected (or not through the handshake) in time: drop this attempt. Freeing a
      // context that had connected calls the disconnect callback, which retries too.
      self->Lost(false);
      redisAsyncFree(ctx);
      self->Retry("cannot connect: no answer within " + std::to_string(self->opt.connect_timeout.count()) + " ms");
    });
  }

  // AUTH, SELECT, CLIENT SETNAME, SUBSCRIBE — then ready.
  void Handshake() {
    std::vector<std::vector<std::string>> first;
    const Address& a = opt.address;
    if (!a.password.empty()) {
      first.push_back(a.user.empty() ? std::vector<std::string>{"AUTH", a.password}
                                     : std::vector<std::string>{"AUTH", a.user, a.password});
    }
    if (a.db != 0) first.push_back({"SELECT", std::to_string(a.db)});
    if (!opt.name.empty()) first.push_back({"CLIENT", "SETNAME", opt.name});
    first.push_back({"PING"});
    auto remaining = std::make_shared<size_t>(first.size());
    auto failed = std::make_shared<std::string>();
    for (auto& cmd : first) {
      std::string what = cmd[0];
      SendRaw(std::move(cmd), [self = shared_from_this(), remaining, failed, what](Result<Reply> r) {
        if (!r.ok() && failed->empty()) *failed = what + ": " + r.status().message();
        if (--*remaining > 0) return;
        if (!failed->empty()) {
          self->opt.log("redis " + self->opt.address.Describe() + ": " + *failed);
          if (self->ac) redisAsyncDisconnect(self->ac);
          return;
        }
        self->Ready();
      }, false);
    }
  }

  void Ready() {
    ready = true;
    backoff = std::chrono::milliseconds(0);
    owner->connected_ = true;
    owner->counts_.connects++;
    opt.log("redis " + opt.address.Describe() + ": connected");
    if (!channels.empty()) SubscribeNow();
    if (opt.on_connect) opt.on_connect();
  }

  // The connection is gone (hiredis frees the context once the callback returns): what was in
  // flight is failed by hiredis itself (each callback with a null reply).
  void Lost(bool was_ready) {
    ac = nullptr;
    sd.reset();
    reading = writing = want_read = want_write = false;
    ready = false;
    owner->connected_ = false;
    if (was_ready) {
      owner->counts_.disconnects++;
      if (opt.on_disconnect) opt.on_disconnect();
    }
  }

  bool retry_pending = false;
  void Retry(const std::string& why) {
    if (stopping || retry_pending) return;
    retry_pending = true;
    backoff = std::clamp(backoff * 2, opt.reconnect_min, opt.reconnect_max);
    opt.log("redis " + opt.address.Describe() + ": " + why + "; retrying in " + std::to_string(backoff.count()) + " ms");
    reconnect_timer.expires_after(backoff);
    reconnect_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      self->retry_pending = false;
      if (!ec) self->Connect();
    });
  }

  // ---- commands -----------------------------------------------------------------------------

  static void OnReply(redisAsyncContext* c, void* reply, void* privdata) {
    Impl* s = static_cast<Impl*>(c->data);
    auto id = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(privdata));
    auto it = s->ops.find(id);
    if (it == s->ops.end()) return;  // timed out earlier
    Done done = std::move(it->second.done);
    if (it->second.timer) it->second.timer->cancel();
    s->ops.erase(it);
    if (!reply) {
      s->owner->counts_.errors++;
      done(Status::IoError("redis: the connection was lost before the reply"));
      return;
    }
    Reply r = Convert(static_cast<redisReply*>(reply));
    if (r.type == Reply::Type::kError) {
      s->owner->counts_.errors++;
      done(Status::Internal("redis: " + r.str));
      return;
    }
    done(std::move(r));
  }

  // Sends one command now (on the client's thread). `gate`: refuse when not ready (the
  // handshake itself is sent before).
  void SendRaw(std::vector<std::string> args, Done done, bool gate = true) {
    if (!ac || (gate && !ready)) {
      owner->counts_.errors++;
      done(Status::IoError("redis " + opt.address.Describe() + " is not connected"));
      return;
    }
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    uint64_t id = next_op++;
    Op& op = ops[id];
    op.done = std::move(done);
    op.timer = std::make_unique<asio::steady_timer>(io, opt.command_timeout);
    op.timer->async_wait([self = shared_from_this(), id](const boost::system::error_code& ec) {
      if (ec) return;
      auto it = self->ops.find(id);
      if (it == self->ops.end()) return;
      Done d = std::move(it->second.done);
      self->ops.erase(it);
      self->owner->counts_.timeouts++;
      self->owner->counts_.errors++;
      d(Status::IoError("redis: no reply within " + std::to_string(self->opt.command_timeout.count()) + " ms"));
    });
    owner->counts_.commands++;
    if (redisAsyncCommandArgv(ac, OnReply, reinterpret_cast<void*>(static_cast<uintptr_t>(id)), static_cast<int>(argv.size()),
                              argv.data(), lens.data()) != REDIS_OK) {
      Done d = std::move(op.done);
      op.timer->cancel();
      ops.erase(id);
      owner->counts_.errors++;
      d(Status::IoError("redis: the command could not be sent"));
    }
  }

  void SubscribeNow() {
    std::vector<std::string> args{"SUBSCRIBE"};
    args.insert(args.end(), channels.begin(), channels.end());
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    redisAsyncCommandArgv(
        ac,
        [](redisAsyncContext* c, void* reply, void*) {
          auto* r = static_cast<redisReply*>(reply);
          if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 3) return;
          if (std::string_view(r->element[0]->str, r->element[0]->len) != "message") return;
          Impl* s = static_cast<Impl*>(c->data);
          if (s->on_message) {
            s->on_message(std::string(r->element[1]->str, r->element[1]->len), std::string(r->element[2]->str, r->element[2]->len));
          }
        },
        nullptr, static_cast<int>(argv.size()), argv.data(), lens.data());
  }

  void Shutdown() {
    stopping = true;
    for (auto& p : periodic) p->timer->cancel();
    reconnect_timer.cancel();
    connect_timer.cancel();
    if (ac) {
      redisAsyncContext* c = ac;
      redisAsyncFree(c);  // calls the pending callbacks with a null reply and the disconnect callback
      ac = nullptr;
      sd.reset();
    }
    for (auto& [id, op] : ops) {
      if (op.timer) op.timer->cancel();
      if (op.done) op.done(Status::IoError("redis: the client stopped"));
    }
    ops.clear();
    work.reset();
  }
};

Client::Client(ClientOptions options) : impl_(std::make_shared<Impl>(this, std::move(options))) {}

Client::~Client() { Stop(); }

const Address& Client::address() const { return impl_->opt.address; }

void Client::Start() {
  if (impl_->thread.joinable()) return;
  auto impl = impl_;
  asio::post(impl->io, [impl] { impl->Connect(); });
  impl->thread = std::thread([impl] {
    // hiredis writes with write(2): a peer that went away would raise SIGPIPE, which kills a
    // process that does not ignore it. Blocked in this thread (the only one doing Redis I/O), a
    // write to a closed connection just fails with EPIPE, and the client reconnects.
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    impl->io.run();
  });
}

void Client::Stop() {
  auto impl = impl_;
  if (!impl->thread.joinable()) return;
  asio::post(impl->io, [impl] { impl->Shutdown(); });
  impl->thread.join();
  connected_ = false;
}

void Client::Command(std::vector<std::string> args, Done done) {
  auto impl = impl_;
  asio::post(impl->io, [impl, args = std::move(args), done = std::move(done)]() mutable {
    if (impl->stopping) {
      done(Status::IoError("redis: the client stopped"));
      return;
    }
    impl->SendRaw(std::move(args), std::move(done));
  });
}

void Client::Pipeline(std::vector<std::vector<std::string>> commands, std::function<void(std::vector<Result<Reply>>)> done) {
  auto impl = impl_;
  asio::post(impl->io, [impl, commands = std::move(commands), done = std::move(done)]() mutable {
    auto results = std::make_shared<std::vector<Result<Reply>>>(commands.size(), Result<Reply>(Status::IoError("redis: no reply")));
    auto left = std::make_shared<size_t>(commands.size());
    auto finish = std::make_shared<std::function<void(std::vector<Result<Reply>>)>>(std::move(done));
    if (commands.empty()) {
      (*finish)({});
      return;
    }
    // hiredis buffers every command and writes them together when the socket is writable.
    for (size_t i = 0; i < commands.size(); ++i) {
      auto one = [results, left, finish, i](Result<Reply> r) {
        (*results)[i] = std::move(r);
        if (--*left == 0) (*finish)(std::move(*results));
      };
      if (impl->stopping) {
        one(Status::IoError("redis: the client stopped"));
        continue;
      }
      impl->SendRaw(std::move(commands[i]), one);
    }
  });
}

Result<Reply> Client::CommandSync(std::vector<std::string> args) {
  auto promise = std::make_shared<std::promise<Result<Reply>>>();
  auto future = promise->get_future();
  Command(std::move(args), [promise](Result<Reply> r) { promise->set_value(std::move(r)); });
  if (future.wait_for(impl_->opt.command_timeout + std::chrono::milliseconds(500)) != std::future_status::ready) {
    return Status::IoError("redis: no reply");
  }
  return future.get();
}

void Client::Every(std::chrono::milliseconds interval, std::function<void()> fn) {
  auto impl = impl_;
  asio::post(impl->io, [impl, interval, fn = std::move(fn)]() mutable {
    auto p = std::make_shared<Impl::Periodic>();
    p->interval = interval;
    p->fn = std::move(fn);
    p->timer = std::make_unique<asio::steady_timer>(impl->io);
    impl->periodic.push_back(p);
    impl->Arm(p);
  });
}

void Client::Subscribe(std::vector<std::string> channels, OnMessage on_message) {
  auto impl = impl_;
  asio::post(impl->io, [impl, channels = std::move(channels), on_message = std::move(on_message)]() mutable {
    impl->channels = std::move(channels);
    impl->on_message = std::move(on_message);
    if (impl->ready) impl->SubscribeNow();
  });
}

// ---- Script ---------------------------------------------------------------------------------

Script::Script(std::string source) : source_(std::move(source)) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(source_.data(), source_.size(), md, &n, EVP_sha1(), nullptr);
  static const char* hex = "0123456789abcdef";
  for (unsigned int i = 0; i < n; ++i) {
    sha_ += hex[md[i] >> 4];
    sha_ += hex[md[i] & 15];
  }
}

std::vector<std::string> Script::EvalSha(const std::vector<std::string>& keys, const std::vector<std::string>& args) const {
  std::vector<std::string> cmd{"EVALSHA", sha_, std::to_string(keys.size())};
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  cmd.insert(cmd.end(), args.begin(), args.end());
  return cmd;
}

bool Script::IsNoScript(const Result<Reply>& r) {
  return !r.ok() && r.status().message().find("NOSCRIPT") != std::string::npos;
}

void Script::Run(Client& client, std::vector<std::string> keys, std::vector<std::string> args, Client::Done done) const {
  std::vector<std::string> cmd = EvalSha(keys, args);
  Client* c = &client;
  std::string source = source_;
  client.Command(std::move(cmd), [c, source, keys = std::move(keys), args = std::move(args), done = std::move(done)](Result<Reply> r) mutable {
    if (!IsNoScript(r)) {
      done(std::move(r));
      return;
    }
    std::vector<std::string> eval{"EVAL", source, std::to_string(keys.size())};
    eval.insert(eval.end(), keys.begin(), keys.end());
    eval.insert(eval.end(), args.begin(), args.end());
    c->Command(std::move(eval), std::move(done));
  });
}

}  // namespace warden::redis
