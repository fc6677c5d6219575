import type { ReactNode } from "react";
import { Logo } from "@/components/shell/logo";
import { SidebarNav } from "@/components/shell/sidebar-nav";
import { UserMenu } from "@/components/shell/user-menu";
import { WorkspaceSwitcher } from "@/components/shell/workspace-switcher";
import { getPageContext } from "@/lib/auth/page-context";
import { findWorkspacesForUser } from "@/lib/workspaces/get-membership";

export const dynamic = "force-dynamic";

export default async function WorkspaceLayout({ children, params }: { children: ReactNode; params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  const workspaces = await findWorkspacesForUser({ userId: ctx.user.id });
  return (
    <div className="min-h-screen lg:flex">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium text-brand-700 shadow focus:not-sr-only focus:fixed focus:left-3 focus:top-3 dark:bg-zinc-900 dark:text-brand-300"
      >
        Skip to content
      </a>
      {/* A top bar below 1024 px (tablets, phones), a sidebar above. */}
      <aside className="flex flex-col gap-3 border-b border-zinc-200 bg-white p-4 lg:sticky lg:top-0 lg:h-screen lg:w-64 lg:shrink-0 lg:gap-4 lg:border-b-0 lg:border-r dark:border-zinc-800 dark:bg-zinc-900">
        <div className="flex items-center justify-between gap-4 lg:block">
          <Logo />
          <div className="w-56 lg:hidden">
            <WorkspaceSwitcher current={{ ...ctx.workspace, role: ctx.role }} workspaces={workspaces} />
          </div>
        </div>
        <div className="hidden lg:block">
          <WorkspaceSwitcher current={{ ...ctx.workspace, role: ctx.role }} workspaces={workspaces} />
        </div>
        <SidebarNav slug={slug} />
        <div className="border-t border-zinc-200 pt-3 lg:mt-auto lg:pt-4 dark:border-zinc-800">
          <UserMenu email={ctx.user.email} name={ctx.user.name} />
        </div>
      </aside>
      <main id="main" tabIndex={-1} className="min-w-0 flex-1 focus:outline-none px-4 py-6 lg:px-8 lg:py-8">
        <div className="mx-auto max-w-6xl">{children}</div>
      </main>
    </div>
  );
}
