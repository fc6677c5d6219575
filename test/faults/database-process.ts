// The fault suite's database as its own process (PGlite over the Postgres wire protocol, on a data dir
// and port given by the harness), so a test can SIGKILL it and start it again on the same data.
// Prints "listening <port>" once it accepts connections.
import { startEmbeddedPostgres } from "../../executor/src/embedded-postgres";

const [dataDir, port, password] = process.argv.slice(2);
const pg = await startEmbeddedPostgres({ dataDir, port: Number(port), password });
console.log(`listening ${pg.port}`);
