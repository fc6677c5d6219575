// Signs up two people, one after the other, on the server whose DATABASE_URL this process gets (a
// fresh one in test/security/first-account.test.ts), under the BATCHPOINT_SIGNUP it gets. Prints one
// JSON line: what the sign-up page offered and what each attempt returned. Its own process, so the
// app's database client points at that database from the start.
import { signUp } from "@/lib/users/sign-up";
import { signUpPageState } from "@/lib/users/signup-policy";
import { db } from "@/lib/db";

const [first, second] = process.argv.slice(2);
const attempt = async (email: string) =>
  signUp({ name: "First Person", email, password: "long enough pw" }).then(
    async ({ user, workspace }) => {
      const member = workspace
        ? await db.membership.findFirst({ where: { workspaceId: workspace.id, userId: user.id }, select: { role: true } })
        : null;
      return { ok: true, email: user.email, workspace: workspace?.name ?? null, role: member?.role ?? null };
    },
    (e: Error & { code?: string }) => ({ ok: false, code: e.code ?? "ERROR", message: e.message }),
  );
const pageBefore = await signUpPageState({});
const one = await attempt(first);
const pageAfter = await signUpPageState({});
const two = await attempt(second);
console.log(JSON.stringify({ pageBefore, one, pageAfter, two, users: await db.user.count() }));
await db.$disconnect();
