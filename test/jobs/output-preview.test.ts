import { beforeAll, describe, expect, it } from "vitest";
import { createDatastore, getStorageTargetOrThrow } from "@/lib/datastores/datastores";
import { outputPrefix } from "@/lib/jobs/finalize-job";
import { previewJobOutput } from "@/lib/jobs/job-details";
import { uploadBlob } from "@/lib/storage";
import { createStoredJob, createUserWithWorkspace } from "../support/factories";

// The job page's preview of predictions.csv. The file starts with a header line only when a mini-batch
// wrote one (a DataFrame's columns, a tabular input's header): a run() that returns a list writes bare
// rows, and its first prediction is not a column name.
let a: Awaited<ReturnType<typeof createUserWithWorkspace>>;
beforeAll(async () => {
  a = await createUserWithWorkspace("preview");
  await createDatastore({ workspaceId: a.workspace.id, actor: { userId: a.user.id }, input: { kind: "filesystem", name: "localfs" } });
  const target = await getStorageTargetOrThrow({ workspaceId: a.workspace.id, name: "localfs" });
  for (const [name, outputHeader, body] of [
    ["headed", "file,length", "file,length\nf0.txt,1\nf1.txt,2\n"],
    ["bare", null, "f0.txt\nf1.txt\nf2.txt\n"],
  ] as const) {
    const job = await createStoredJob(a.workspace.id, {
      name,
      outputPath: `datastores/localfs/paths/out-${name}/`,
      outputHeader,
      status: "completed",
    });
    await uploadBlob(target, `${outputPrefix(job.outputPath)}predictions.csv`, body);
  }
});

describe("the predictions preview", () => {
  it("takes the column names from the header line a mini-batch wrote", async () => {
    expect(await previewJobOutput({ workspaceId: a.workspace.id, name: "headed" })).toEqual({
      columns: ["file", "length"],
      rows: [
        ["f0.txt", "1"],
        ["f1.txt", "2"],
      ],
      truncated: false,
    });
  });

  it("shows every line of a file without a header as a row, under unnamed columns", async () => {
    expect(await previewJobOutput({ workspaceId: a.workspace.id, name: "bare" })).toEqual({
      columns: [""],
      rows: [["f0.txt"], ["f1.txt"], ["f2.txt"]],
      truncated: false,
    });
  });
});
