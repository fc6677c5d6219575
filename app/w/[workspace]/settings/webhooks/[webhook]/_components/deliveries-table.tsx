"use client";

import Link from "next/link";
import { useId, useRef } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import { toast } from "sonner";
import { DataTable, features, type PageInfo } from "@/components/data-table/data-table";
import { toastActionError } from "@/components/forms/toast-error";
import { useAction } from "@/components/forms/use-form-action";
import { Badge, EmptyState } from "@/components/ui/card";
import { Button, buttonClass } from "@/components/ui/button";
import { formatDateTime } from "@/components/ui/format";
import { formatBytes } from "@/lib/datastores/file-kinds";
import { redeliverWebhookAction, sendWebhookTestAction } from "../../../actions";

export interface DeliveryRow {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  jobName: string | null;
  body: string | null;
  bodyBytes: number | null;
  requestHeaders: Record<string, string> | null;
  sequence: number;
  createdAt: Date;
}

const tone = (s: string) =>
  (s === "delivered" || s === "accepted" ? "green" : s === "failed" || s === "rejected" ? "red" : "gray") as "green" | "red" | "gray";

const col = createColumnHelper<typeof features, DeliveryRow>();

/** A webhook's deliveries, newest first and paged; outbound ones can be opened (the exact body sent) and sent again. */
export function DeliveriesTable({
  slug,
  webhookId,
  outbound,
  canManage,
  data,
  pageInfo,
  empty,
}: {
  slug: string;
  webhookId: string;
  outbound: boolean;
  canManage: boolean;
  data: DeliveryRow[];
  pageInfo: PageInfo;
  empty: string;
}) {
  const redeliver = useAction(redeliverWebhookAction, {
    onSuccess: () => toast.success("Sent again: the new delivery is at the top of the list."),
    onError: toastActionError,
  });
  const columns = col.columns([
    col.accessor("createdAt", {
      header: "When",
      cell: (c) => <span className="block min-w-24 max-w-32 text-sm">{formatDateTime(c.getValue())}</span>,
    }),
    col.accessor("eventType", {
      header: "Event",
      cell: ({ row }) => (
        <div className="max-w-44 space-y-0.5 xl:max-w-56">
          <span className="font-mono text-xs">{row.original.eventType}</span>
          <div className="wrap-anywhere font-mono text-xs text-zinc-600 dark:text-zinc-400">
            {row.original.eventId}
            {row.original.sequence > 0 ? ` · redelivery ${row.original.sequence}` : ""}
          </div>
          {row.original.jobName ? (
            <div className="wrap-anywhere text-xs">
              job{" "}
              <Link className="text-brand-700 hover:underline dark:text-brand-300" href={`/w/${slug}/jobs/${row.original.jobName}`}>
                {row.original.jobName}
              </Link>
            </div>
          ) : null}
        </div>
      ),
    }),
    col.accessor("status", {
      header: "Outcome",
      cell: ({ row }) => {
        const d = row.original;
        return (
          <div className="max-w-60 space-y-1 xl:max-w-sm">
            <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
              <Badge tone={tone(d.status)}>{d.status}</Badge>
              <span className="tabular-nums">
                {d.attempts} {d.attempts === 1 ? "attempt" : "attempts"}
                {d.responseStatus ? ` · HTTP ${d.responseStatus}` : ""}
              </span>
            </div>
            {/* The whole message is in the delivery's dialog (View). */}
            {d.error ? <p className="line-clamp-2 text-xs text-red-700 dark:text-red-400">{d.error}</p> : null}
          </div>
        );
      },
    }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) => (
        // Stacked below 1280 px, so the table fits a tablet's width without scrolling sideways.
        <div className="flex flex-col items-end gap-1.5 whitespace-nowrap xl:flex-row xl:items-center xl:justify-end xl:gap-2">
          <PayloadButton delivery={row.original} outbound={outbound} />
          {outbound && canManage && row.original.body ? (
            <Button
              type="button"
              variant="secondary"
              className="px-2.5 py-1"
              aria-label={`Redeliver ${row.original.eventType} ${row.original.eventId}`}
              disabled={redeliver.isPending}
              onClick={() => redeliver.execute({ workspace: slug, webhookId, deliveryId: row.original.id })}
            >
              Redeliver
            </Button>
          ) : null}
        </div>
      ),
    }),
  ]);
  return (
    <DataTable
      label="Deliveries"
      columns={columns}
      data={data}
      pageInfo={pageInfo}
      pageSizes={[20, 50, 100]}
      empty={<EmptyState title="No deliveries yet">{empty}</EmptyState>}
    />
  );
}

/** Opens one delivery in a modal: what was sent (headers and the exact body) and what came back. */
function PayloadButton({ delivery, outbound }: { delivery: DeliveryRow; outbound: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  let pretty: string | null = null;
  if (delivery.body) {
    try {
      pretty = JSON.stringify(JSON.parse(delivery.body), null, 2);
    } catch {
      pretty = delivery.body;
    }
  }
  const shown = delivery.body ? new TextEncoder().encode(delivery.body).length : 0;
  const cutShort = !outbound && delivery.bodyBytes !== null && delivery.bodyBytes > shown;
  const headers = Object.entries(delivery.requestHeaders ?? {});
  return (
    <>
      <button
        type="button"
        className={buttonClass("ghost", "px-2.5 py-1")}
        aria-haspopup="dialog"
        aria-label={`View delivery ${delivery.eventType} ${delivery.eventId}`}
        onClick={() => ref.current?.showModal()}
      >
        View
      </button>
      <dialog
        ref={ref}
        aria-labelledby={`${id}-title`}
        className="m-auto w-[min(44rem,calc(100vw-2rem))] whitespace-normal rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-900/40 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
        onClick={(e) => e.target === ref.current && ref.current?.close()}
      >
        <div className="space-y-4 p-5 text-sm">
          <h2 id={`${id}-title`} className="text-base font-semibold">
            Delivery of {delivery.eventType}
          </h2>
          <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-1">
            <dt className="text-zinc-600 dark:text-zinc-400">Event id</dt>
            <dd className="wrap-anywhere font-mono text-xs">{delivery.eventId}</dd>
            <dt className="text-zinc-600 dark:text-zinc-400">Status</dt>
            <dd>
              {delivery.status} after {delivery.attempts} {delivery.attempts === 1 ? "attempt" : "attempts"}
              {delivery.responseStatus ? `, last answer HTTP ${delivery.responseStatus}` : ""}
            </dd>
            {delivery.error ? (
              <>
                <dt className="text-zinc-600 dark:text-zinc-400">Error</dt>
                <dd className="wrap-anywhere text-red-700 dark:text-red-400">{delivery.error}</dd>
              </>
            ) : null}
          </dl>
          {!outbound && headers.length ? (
            <div>
              <h3 className="font-medium">Request headers</h3>
              <dl className="mt-1 grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-0.5 font-mono text-xs">
                {headers.map(([k, v]) => (
                  <div key={k} className="contents">
                    <dt className="text-zinc-600 dark:text-zinc-400">{k}</dt>
                    <dd className="wrap-anywhere">{v}</dd>
                  </div>
                ))}
              </dl>
              <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">Signatures and secrets are never stored.</p>
            </div>
          ) : null}
          <div>
            <h3 id={`${id}-body`} className="font-medium">
              {outbound ? "Payload" : "Request body"}
            </h3>
            {cutShort ? (
              <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
                The first {formatBytes(shown)} of {formatBytes(delivery.bodyBytes ?? 0)} are kept.
              </p>
            ) : null}
            {!outbound && pretty ? (
              <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">Credentials in the body are shown as ********.</p>
            ) : null}
            {pretty ? (
              <pre
                tabIndex={0}
                aria-labelledby={`${id}-body`}
                className="mt-1 max-h-72 overflow-auto rounded bg-zinc-50 p-3 font-mono text-xs dark:bg-zinc-950"
              >
                {pretty}
              </pre>
            ) : (
              <p className="mt-1 text-zinc-600 dark:text-zinc-400">
                {outbound ? "This delivery has no stored body." : "This request was received before bodies were kept."}
              </p>
            )}
          </div>
          {delivery.responseBody ? (
            <div>
              <h3 id={`${id}-response`} className="font-medium">
                Response (first 2 KB)
              </h3>
              <pre
                tabIndex={0}
                aria-labelledby={`${id}-response`}
                className="mt-1 max-h-40 overflow-auto rounded bg-zinc-50 p-3 font-mono text-xs dark:bg-zinc-950"
              >
                {delivery.responseBody}
              </pre>
            </div>
          ) : null}
          <div className="flex justify-end">
            <Button type="button" variant="secondary" autoFocus onClick={() => ref.current?.close()}>
              Close
            </Button>
          </div>
        </div>
      </dialog>
    </>
  );
}

/** Sends a signed webhook.test event now; the delivery appears at the top of the list. */
export function SendTestButton({ slug, webhookId }: { slug: string; webhookId: string }) {
  const send = useAction(sendWebhookTestAction, {
    onSuccess: () => toast.success("Test event sent: its delivery is at the top of the list."),
    onError: toastActionError,
  });
  return (
    <Button type="button" variant="secondary" disabled={send.isPending} onClick={() => send.execute({ workspace: slug, webhookId })}>
      {send.isPending ? "Sending…" : "Send test event"}
    </Button>
  );
}
