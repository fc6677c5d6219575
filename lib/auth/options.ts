import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import type { Provider } from "next-auth/providers/index";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { assertSignUpAllowed, signupMode } from "@/lib/users/signup-policy";
import { createWorkspace } from "@/lib/workspaces/create-workspace";
import { clientAddress } from "./client-address";
import { safeRedirectUrl } from "./safe-callback";
import { verifyCredentials } from "./verify-credentials";

function providers(): Provider[] {
  const env = getEnv();
  const list: Provider[] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        try {
          return await verifyCredentials({
            email: credentials?.email ?? "",
            password: credentials?.password ?? "",
            address: clientAddress(req?.headers),
          });
        } catch (e) {
          // The message reaches the sign-in form; it is the same for unknown emails and wrong passwords.
          if (e instanceof AppError) throw new Error(e.message);
          throw e;
        }
      },
    }),
  ];
  if (env.GITHUB_ID && env.GITHUB_SECRET) list.push(GitHubProvider({ clientId: env.GITHUB_ID, clientSecret: env.GITHUB_SECRET }));
  if (env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET) {
    list.push({
      id: "oidc",
      name: env.OIDC_NAME,
      type: "oauth",
      wellKnown: `${env.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      clientId: env.OIDC_CLIENT_ID,
      clientSecret: env.OIDC_CLIENT_SECRET,
      profile: (p: { sub: string; email?: string; name?: string }) => ({ id: p.sub, email: p.email ?? null, name: p.name ?? null }),
    });
  }
  return list;
}

/** Finds or creates the user behind an external sign-in and links the account; new users get a personal workspace. */
async function linkExternalAccount(opts: { provider: string; providerAccountId: string; email: string; name?: string | null }) {
  const linked = await db.account.findUnique({
    where: { provider_providerAccountId: { provider: opts.provider, providerAccountId: opts.providerAccountId } },
    select: { userId: true },
  });
  if (linked) return linked.userId;
  const email = opts.email.toLowerCase();
  let user = await db.user.findUnique({ where: { email }, select: { id: true } });
  if (!user) {
    await assertSignUpAllowed({ email, external: true });
    user = await db.user.create({ data: { email, name: opts.name ?? email.split("@")[0] }, select: { id: true } });
    await createWorkspace({ name: `${(opts.name ?? email).split(" ")[0]}'s workspace`, ownerUserId: user.id });
  }
  await db.account.create({ data: { userId: user.id, provider: opts.provider, providerAccountId: opts.providerAccountId } });
  return user.id;
}

export function authOptions(): NextAuthOptions {
  return {
    secret: getEnv().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: 7 * 24 * 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: providers(),
    callbacks: {
      // Every redirect next-auth makes (callbackUrl of sign-in and sign-out) stays on this origin.
      redirect({ url, baseUrl }) {
        return safeRedirectUrl(url, baseUrl);
      },
      async signIn({ user, account }) {
        if (!account || account.provider === "credentials") return true;
        if (!user.email) return "/sign-in?error=EmailRequired";
        try {
          (user as { batchpointId?: string }).batchpointId = await linkExternalAccount({
            provider: account.provider,
            providerAccountId: account.providerAccountId,
            email: user.email,
            name: user.name,
          });
        } catch (e) {
          if (e instanceof AppError && e.code === "FORBIDDEN")
            return `/sign-in?error=${signupMode() === "closed" ? "SignupClosed" : "SignupInviteOnly"}`;
          throw e;
        }
        return true;
      },
      async jwt({ token, user }) {
        if (user) token.uid = (user as { batchpointId?: string }).batchpointId ?? user.id;
        return token;
      },
      async session({ session, token }) {
        if (session.user) (session.user as { id?: string }).id = token.uid as string;
        return session;
      },
    },
  };
}

export function enabledExternalProviders(): { id: string; name: string }[] {
  return providers()
    .filter((p) => p.id !== "credentials")
    .map((p) => ({ id: p.id, name: p.name }));
}
