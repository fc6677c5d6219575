import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { findWorkspacesForUser } from "@/lib/workspaces/get-membership";

export const dynamic = "force-dynamic";

export default async function Home() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const [first] = await findWorkspacesForUser({ userId: user.id });
  redirect(first ? `/w/${first.slug}/endpoints` : "/new-workspace");
}
