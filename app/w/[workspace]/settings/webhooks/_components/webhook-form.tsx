"use client";

import { useState } from "react";
import { FormMessage } from "@/components/forms/form-message";
import { useAction, useFormErrors } from "@/components/forms/use-form-action";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { SelectField, TextField } from "@/components/ui/field";
import { createWebhookAction } from "../../actions";

const EVENTS = ["job.completed", "job.failed", "job.canceled"];

export interface EndpointChoice {
  name: string;
  defaultDeployment: string | null;
  deployments: string[];
}

export function WebhookForm({ slug, endpoints }: { slug: string; endpoints: EndpointChoice[] }) {
  const [direction, setDirection] = useState<"inbound" | "outbound">("outbound");
  const [endpointName, setEndpointName] = useState(endpoints[0]?.name ?? "");
  const endpoint = endpoints.find((e) => e.name === endpointName);
  const [created, setCreated] = useState<{ name: string; secret: string; url: string | null } | null>(null);
  const { execute, result, isPending } = useAction(createWebhookAction, { onSuccess: ({ data }) => data && setCreated(data) });
  const { fieldErrors, message, err } = useFormErrors(result, "webhook");
  return (
    <div className="space-y-4">
      <form
        className="grid gap-4 sm:grid-cols-2"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setCreated(null);
          const f = new FormData(e.currentTarget);
          const webhook =
            direction === "inbound"
              ? {
                  direction,
                  name: String(f.get("name") ?? ""),
                  endpointName: String(f.get("endpointName") ?? ""),
                  deploymentName: String(f.get("deploymentName") ?? "") || undefined,
                }
              : {
                  direction,
                  name: String(f.get("name") ?? ""),
                  url: String(f.get("url") ?? ""),
                  events: EVENTS.filter((ev) => f.get(ev) === "on"),
                };
          execute({ workspace: slug, webhook });
        }}
      >
        <div className="sm:col-span-2">
          <FormMessage message={message} />
        </div>
        <SelectField
          label="Direction"
          name="direction"
          value={direction}
          onChange={(e) => setDirection(e.target.value as "inbound" | "outbound")}
          options={[
            { value: "outbound", label: "Outbound: notify a URL of job events" },
            { value: "inbound", label: "Inbound: a signed POST starts a job" },
          ]}
        />
        <TextField
          label="Name"
          name="name"
          placeholder={direction === "inbound" ? "nightly-trigger" : "slack-notifier"}
          errors={err("name")}
        />
        {direction === "inbound" ? (
          <>
            <SelectField
              label="Endpoint"
              name="endpointName"
              value={endpointName}
              onChange={(e) => setEndpointName(e.target.value)}
              options={
                endpoints.length
                  ? endpoints.map((e) => ({ value: e.name, label: e.name }))
                  : [{ value: "", label: "Create an endpoint first" }]
              }
              errors={err("endpointName")}
            />
            <SelectField
              // A new list of options for each endpoint: the choice starts again at the endpoint's default.
              key={endpointName}
              label="Deployment"
              name="deploymentName"
              hint="The default follows the endpoint: a later change of its default changes what the trigger runs."
              options={[
                {
                  value: "",
                  label: endpoint?.defaultDeployment
                    ? `The endpoint's default (now ${endpoint.defaultDeployment})`
                    : "The endpoint's default (none yet)",
                },
                ...(endpoint?.deployments ?? []).map((d) => ({ value: d, label: d })),
              ]}
              errors={err("deploymentName")}
            />
          </>
        ) : (
          <>
            <TextField label="URL" name="url" type="url" placeholder="https://example.com/hooks/batchpoint" errors={err("url")} />
            <fieldset className="space-y-1">
              <legend className="text-sm font-medium">Events</legend>
              {EVENTS.map((ev) => (
                <label key={ev} className="mr-4 inline-flex items-center gap-1.5 text-sm">
                  <input type="checkbox" name={ev} defaultChecked /> {ev}
                </label>
              ))}
              {err("events") ? (
                <p role="alert" className="text-sm text-red-600">
                  {err("events")!.join(" ")}
                </p>
              ) : null}
            </fieldset>
          </>
        )}
        <div className="sm:col-span-2">
          <Button type="submit" disabled={isPending}>
            {isPending ? "Creating…" : "Create webhook"}
          </Button>
        </div>
      </form>
      {created ? (
        <div
          className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-900 dark:bg-amber-950/30"
          role="status"
        >
          <p className="font-medium">
            Copy the secret of {created.name} now: it will not be shown again. See docs/webhooks.md for the signature scheme.
          </p>
          {created.url ? (
            <div className="flex items-center gap-2">
              <code
                aria-label="Trigger URL"
                className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1.5 font-mono text-xs dark:bg-zinc-900"
              >
                {created.url}
              </code>
              <CopyButton value={created.url} label="Copy URL" />
            </div>
          ) : null}
          <div className="flex items-center gap-2">
            <code
              aria-label="Webhook secret"
              className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1.5 font-mono text-xs dark:bg-zinc-900"
            >
              {created.secret}
            </code>
            <CopyButton value={created.secret} label="Copy secret" />
          </div>
        </div>
      ) : null}
    </div>
  );
}
