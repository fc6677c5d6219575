import type { Metadata } from "next";
import { Card, CardHeader } from "@/components/ui/card";
import { getPageContext, requirePermission } from "@/lib/auth/page-context";
import { findApiTokens, findRevokedApiTokens } from "@/lib/api-tokens/api-tokens";
import { CreateTokenForm } from "./_components/create-token-form";
import { RevokedTokensTable, TokensTable } from "./_components/tokens-table";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  requirePermission(ctx, "token:manage");
  const [tokens, revoked] = await Promise.all([
    findApiTokens({ workspaceId: ctx.workspace.id }),
    findRevokedApiTokens({ workspaceId: ctx.workspace.id }),
  ]);
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title="Create an API token"
          description="For the REST API and the CLI: send it as 'Authorization: Bearer <token>'. Its role bounds what it can do."
        />
        <div className="p-5">
          <CreateTokenForm slug={slug} />
        </div>
      </Card>
      <Card>
        <CardHeader title="Active tokens" description="Revoking a token stops it at once." />
        <TokensTable
          slug={slug}
          data={tokens.map((t) => ({
            id: t.id,
            name: t.name,
            role: t.role,
            prefix: t.prefix,
            createdAt: t.createdAt,
            lastUsedAt: t.lastUsedAt,
            expiresAt: t.expiresAt,
          }))}
        />
      </Card>
      {revoked.length ? (
        <Card>
          <CardHeader
            title="Revoked tokens"
            description="Requests with these get 401. Kept here so you can tell what stopped working and when."
          />
          <RevokedTokensTable
            data={revoked.map((t) => ({
              id: t.id,
              name: t.name,
              role: t.role,
              prefix: t.prefix,
              createdAt: t.createdAt,
              revokedAt: t.revokedAt!,
            }))}
          />
        </Card>
      ) : null}
    </div>
  );
}
