import { SingleBar } from "cli-progress";
import type { Job } from "./api";
import { formatBytes, formatDuration } from "./output";

/** A live bar on a terminal; plain lines (only when something changed) in logs and pipes. */
export function isInteractive(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI && process.env.TERM !== "dumb";
}

export interface JobProgressView {
  status: string;
  /** What the server counts the job in: "files", "rows" (tabular, jsonl), "items" (sources) or "runs" (no data). */
  unit?: string;
  progress?: Job["progress"];
}

/** What a job's counts count, as the server reports it; "files" from a server that does not say. */
export function inputUnit(job: JobProgressView): string {
  return job.unit ?? "files";
}

/** One line describing a job's progress: status, percent, mini-batches, files (or rows), ETA. */
export function progressLine(job: JobProgressView): string {
  const p = job.progress;
  if (!p) return job.status;
  const unit = inputUnit(job);
  const mb = `mini-batches ${p.miniBatches.completed + p.miniBatches.failed}/${p.miniBatches.total}${p.miniBatches.failed ? ` (${p.miniBatches.failed} failed)` : ""}`;
  const files = `${unit} ${p.files.completed + p.files.failed}/${p.files.total}${p.files.failed ? ` (${p.files.failed} failed)` : ""}`;
  const eta = p.etaSeconds !== null ? ` | ETA ${formatDuration(p.etaSeconds)}` : "";
  const rate = p.throughput ? ` | ${p.throughput} ${unit}/s` : "";
  return `${job.status.padEnd(10)} ${String(p.percent).padStart(3)}% | ${mb} | ${files}${rate}${eta}`;
}

export class JobProgressDisplay {
  private bar: SingleBar | null = null;
  private last = "";

  constructor(
    private readonly name: string,
    private readonly interactive = isInteractive(),
  ) {}

  update(job: JobProgressView) {
    const line = progressLine(job);
    if (!this.interactive) {
      if (line !== this.last) console.log(`${new Date().toISOString().slice(11, 19)} ${this.name} ${line}`);
      this.last = line;
      return;
    }
    const detail = line.slice(line.indexOf("|") + 2);
    if (!this.bar) {
      this.bar = new SingleBar({
        format: `${this.name} [{bar}] {percentage}% | {status} | {detail}`,
        hideCursor: true,
        barsize: 24,
        clearOnComplete: false,
      });
      this.bar.start(100, 0, { status: job.status, detail });
      // Ctrl-C stops following, not the job: put the cursor back and say how to follow again.
      process.once("SIGINT", () => {
        this.stop();
        console.error(`\nStopped following ${this.name}; the job goes on. Follow it again with: batchpoint job show ${this.name} --wait`);
        process.exit(130);
      });
    }
    this.bar.update(job.progress?.percent ?? 0, { status: job.status, detail });
  }

  stop() {
    this.bar?.stop();
    this.bar = null;
  }
}

/**
 * Progress of an upload of many files: a bar of bytes on a terminal; otherwise a line per file for
 * a few files, or a summary line every few seconds for many.
 */
export class UploadProgressDisplay {
  private bar: SingleBar | null = null;
  private files = 0;
  private bytes = 0;
  private lastLine = 0;

  constructor(
    private readonly totalFiles: number,
    private readonly totalBytes: number,
    private readonly log: (line: string) => void = console.log,
    private readonly interactive = isInteractive(),
  ) {
    if (interactive) {
      this.bar = new SingleBar({
        format: "uploading [{bar}] {percentage}% | {files}/{totalFiles} files | {sent} of {size} | ETA {eta_formatted}",
        hideCursor: true,
        barsize: 24,
      });
      this.bar.start(Math.max(1, totalBytes), 0, this.payload());
    }
  }

  private payload() {
    return { files: this.files, totalFiles: this.totalFiles, sent: formatBytes(this.bytes), size: formatBytes(this.totalBytes) };
  }

  bytesSent(n: number) {
    this.bytes += n;
    this.bar?.update(this.bytes, this.payload());
  }

  fileDone(name: string, size: number) {
    this.files++;
    if (this.bar) return this.bar.update(this.bytes, this.payload());
    if (this.totalFiles <= 20) return this.log(`uploaded ${name} (${formatBytes(size)}) [${this.files}/${this.totalFiles}]`);
    if (Date.now() - this.lastLine >= 2000 || this.files === this.totalFiles) {
      this.lastLine = Date.now();
      this.log(`uploaded ${this.files}/${this.totalFiles} files (${formatBytes(this.bytes)} of ${formatBytes(this.totalBytes)})`);
    }
  }

  stop() {
    this.bar?.stop();
  }
}
