// A record queued with audit::Writer::Enqueue: its seq, and the outage epoch it was queued in
// (a record lost to an outage is never acknowledged, even if a later record takes its seq).
// What a server holds while it waits to answer (writer.h: WhenAcknowledged).
#pragma once

#include <cstdint>

namespace warden::audit {

struct Ticket {
  uint64_t seq = 0;
  uint64_t epoch = 0;
};

}  // namespace warden::audit
