// A DNS "server" for the agents' network namespace: listens on 127.0.0.1:53 (UDP), logs every
// name asked as one JSON line {name, type} to the log file, and answers NXDOMAIN, so that no
// look-up can succeed and every attempt to reach a host by name is on record.
//   node dns_logger.mjs LOGFILE [PORT]
import dgram from 'node:dgram';
import fs from 'node:fs';

const [logFile, port = '53'] = process.argv.slice(2);
if (!logFile) { console.error('usage: dns_logger.mjs LOGFILE [PORT]'); process.exit(64); }

function parseQuestion(msg) {  // returns {name, type, end} of the first question
  let off = 12; const labels = [];
  while (off < msg.length && msg[off] !== 0) {
    const len = msg[off];
    if (len >= 0xc0) { off += 1; break; }  // no compression in questions, but do not loop
    labels.push(msg.subarray(off + 1, off + 1 + len).toString('latin1'));
    off += 1 + len;
  }
  off += 1;
  return { name: labels.join('.'), type: msg.length >= off + 2 ? msg.readUInt16BE(off) : 0, end: off + 4 };
}

const sock = dgram.createSocket('udp4');
sock.on('message', (msg, rinfo) => {
  if (msg.length < 12) return;
  const q = parseQuestion(msg);
  fs.appendFileSync(logFile, JSON.stringify({ time: new Date().toISOString(), name: q.name, type: q.type }) + '\n');
  const head = Buffer.alloc(12);
  msg.copy(head, 0, 0, 2);                                     // id
  head[2] = 0x80 | (msg[2] & 0x79);                            // QR, opcode and RD as asked
  head[3] = 0x80 | 0x03;                                       // RA, RCODE = NXDOMAIN
  head.writeUInt16BE(1, 4);                                    // one question, no answers
  sock.send(Buffer.concat([head, msg.subarray(12, Math.min(q.end, msg.length))]), rinfo.port, rinfo.address);
});
sock.bind(Number(port), '127.0.0.1', () => console.log(`dns_logger on 127.0.0.1:${port}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
