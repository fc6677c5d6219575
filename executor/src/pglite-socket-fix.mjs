// Fix for @electric-sql/pglite-socket 0.2.x: its query queue interleaves protocol messages of
// different connections one message at a time. With the extended query protocol (what `pg` and
// Prisma use: Parse, Bind, Describe, Execute, then Sync) a large message arrives in several TCP
// chunks, and another connection's Parse can run between this connection's Parse and Bind,
// replacing the session's unnamed statement: the Bind then fails ("bind message supplies 2
// parameters, but prepared statement "" requires 3") or, with equal parameter counts, runs the
// other connection's SQL. This patch keeps the engine on one connection from its first
// extended-protocol message until its Sync (as the server already does inside a transaction).
const EXTENDED = new Set([0x50 /* P */, 0x42 /* B */, 0x44 /* D */, 0x45 /* E */, 0x43 /* C */, 0x48 /* H */]);
const RELEASE = new Set([0x53 /* S */, 0x51 /* Q */, 0x58 /* X */]);

export function patchPgliteSocketServer(server) {
  const q = server.queryQueue;
  if (!q || q.__batchpointPatched) return;
  q.__batchpointPatched = true;
  q.protocolLock = null;
  q.processQueue = async function processQueue() {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const lock = this.db.isInTransaction() && this.lastHandlerId ? this.lastHandlerId : this.protocolLock;
        let idx = 0;
        if (lock !== null && lock !== undefined) {
          idx = this.queue.findIndex((item) => item.handlerId === lock);
          if (idx === -1) break; // wait for the locked connection's next message
        }
        const item = this.queue.splice(idx, 1)[0];
        const type = item.message[0];
        if (RELEASE.has(type)) this.protocolLock = null;
        else if (EXTENDED.has(type)) this.protocolLock = item.handlerId;
        let bytes = 0;
        try {
          await this.db.runExclusive(async () =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (d) => {
                bytes += d.length;
                item.onData(d);
              },
            }),
          );
        } catch (e) {
          item.reject(e);
          continue;
        }
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = function (handlerId) {
    clear(handlerId);
    if (this.protocolLock === handlerId) {
      this.protocolLock = null;
      void this.processQueue();
    }
  };
}
