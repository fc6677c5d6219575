// A stand-alone process serving the app's Inngest functions (as the Next.js server does), so a test
// can kill it with SIGKILL mid-job. Prints "listening <url>" once it is up.
import { startFunctionsServer } from "./functions-server";

const { url } = await startFunctionsServer();
console.log(`listening ${url}`);
