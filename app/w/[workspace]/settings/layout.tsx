import type { ReactNode } from "react";
import { PageHeader } from "@/components/ui/card";
import { getPageContext } from "@/lib/auth/page-context";
import { SettingsTabs } from "./_components/settings-tabs";

export default async function SettingsLayout({ children, params }: { children: ReactNode; params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  const tabs = [
    { href: "", label: "General" },
    { href: "/members", label: "Members" },
    ...(ctx.can("token:manage") ? [{ href: "/tokens", label: "API tokens" }] : []),
    ...(ctx.can("webhook:read") ? [{ href: "/webhooks", label: "Webhooks" }] : []),
    ...(ctx.can("audit:read") ? [{ href: "/audit", label: "Audit log" }] : []),
  ];
  return (
    <>
      <PageHeader title="Settings" description={`Workspace ${ctx.workspace.name} · you are ${ctx.role}`} />
      <SettingsTabs slug={slug} tabs={tabs} />
      {children}
    </>
  );
}
