import { Badge, Card, CardHeader } from "@/components/ui/card";
import type { findJobItems } from "@/lib/jobs/sources/job-items";

type Items = Awaited<ReturnType<typeof findJobItems>>;
const tones = { pending: "gray", running: "blue", completed: "green", failed: "red", canceled: "amber" } as const;

/** The input items of a Modzy-style job (sources): each one's status, inputs, result files or error. */
export function InputItems({ items, outputsUrl }: { items: Items; outputsUrl: string }) {
  const c = items.counts;
  return (
    <Card>
      <CardHeader
        title="Input items"
        description={`${c.total} in total: ${c.completed} completed, ${c.failed} failed, ${c.pending} pending`}
      />
      <div className="overflow-x-auto">
        <table aria-label="Input items" className="w-full text-left text-sm">
          <thead className="border-b border-zinc-200 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800">
            <tr>
              <th scope="col" className="px-5 py-2 font-medium">
                Item
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Status
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Inputs
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Result or error
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {items.data.map((item) => (
              <tr key={item.key} className="align-top">
                <th scope="row" className="whitespace-nowrap px-5 py-3 font-mono text-xs font-medium">
                  {item.key}
                </th>
                <td className="px-3 py-3">
                  <Badge tone={tones[item.status]}>{item.status}</Badge>
                </td>
                <td className="px-3 py-3">
                  <ul className="space-y-0.5 font-mono text-xs">
                    {Object.entries(item.inputs).map(([name, f]) => (
                      <li key={name} className="break-all">
                        {name}: <span className="text-zinc-500">{`${f.container}/${f.filePath}`}</span>
                      </li>
                    ))}
                  </ul>
                </td>
                <td className="px-3 py-3">
                  {item.result ? (
                    <div className="space-y-1">
                      <p className="break-all text-xs text-zinc-500">{item.result.location}</p>
                      <ul aria-label={`Results of ${item.key}`} className="space-y-0.5">
                        {item.result.files.map((f) => (
                          <li key={f.path}>
                            <a
                              href={`${outputsUrl}/${f.path.split("/").map(encodeURIComponent).join("/")}`}
                              download
                              className="font-mono text-xs hover:underline"
                            >
                              {f.path.split("/").pop()}
                            </a>{" "}
                            <span className="text-xs text-zinc-500">{f.size.toLocaleString("en")} bytes</span>
                          </li>
                        ))}
                      </ul>
                    </div>
                  ) : item.error ? (
                    <p className="break-words text-xs text-red-700 dark:text-red-300">{item.error}</p>
                  ) : (
                    <span className="text-xs text-zinc-500">not scored yet</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
