import { Cron } from "croner";
import { z } from "zod";

/**
 * DataRobot's schedule form: each field a list of numbers, or ["*"]. `dayOfWeek` counts from Sunday = 0,
 * `month` from January = 1, as in cron.
 */
const cronField = (name: string, min: number, max: number) =>
  z
    .array(
      z.union([
        z.literal("*"),
        z.number().int().min(min, `${name} values go from ${min} to ${max}.`).max(max, `${name} values go from ${min} to ${max}.`),
      ]),
    )
    .min(1, `Give at least one ${name} value, or ["*"].`)
    .refine((v) => !(v.includes("*") && v.length > 1), `Use ["*"] alone, or a list of numbers, for ${name}.`);

export const scheduleFieldsSchema = z.strictObject({
  minute: cronField("minute", 0, 59),
  hour: cronField("hour", 0, 23),
  dayOfMonth: cronField("dayOfMonth", 1, 31),
  month: cronField("month", 1, 12),
  dayOfWeek: cronField("dayOfWeek", 0, 6),
});
export type ScheduleFields = z.infer<typeof scheduleFieldsSchema>;

/** DataRobot's field form as a five-field cron expression: `{minute:[0], hour:[9], ...: ["*"]}` is `0 9 * * *`. */
export function fieldsToCron(f: ScheduleFields): string {
  const part = (v: (number | "*")[]) => (v.includes("*") ? "*" : [...new Set(v as number[])].sort((a, b) => a - b).join(","));
  return [f.minute, f.hour, f.dayOfMonth, f.month, f.dayOfWeek].map(part).join(" ");
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function cron(expression: string, timezone: string): Cron {
  return new Cron(expression, { timezone, paused: true, mode: "5-part" });
}

/**
 * Checks a cron expression: five fields (minute hour day-of-month month day-of-week), as cron and
 * DataRobot have them. Returns a sentence for the user, or null when it is valid.
 */
export function cronError(expression: string, timezone = "UTC"): string | null {
  if (expression.trim().split(/\s+/).length !== 5) {
    return "Use five fields: minute hour day-of-month month day-of-week, e.g. '0 2 * * *' for 02:00 every day.";
  }
  try {
    const next = cron(expression, timezone).nextRun(new Date());
    if (!next) return "This schedule never fires: check the day and month fields.";
    return null;
  } catch (e) {
    return `Not a valid cron expression: ${(e as Error).message.replace(/^CronPattern: /, "")}.`;
  }
}

/** The first scheduled time strictly after `after`. */
export function nextRunAfter(expression: string, timezone: string, after: Date): Date | null {
  return cron(expression, timezone).nextRun(after);
}

/** The latest scheduled time at or before `now` (the slot a late tick runs: missed slots collapse into it). */
export function latestSlotAtOrBefore(expression: string, timezone: string, now: Date): Date | null {
  const [prev] = cron(expression, timezone).previousRuns(1, new Date(now.getTime() + 1));
  return prev ?? null;
}

/** Output path placeholders of scheduled runs: {date} (YYYY-MM-DD), {time} (HHmm), {datetime}, {definition}, {job}. */
export function expandOutputPath(path: string, ctx: { at: Date; timezone: string; definition: string }): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: ctx.timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(ctx.at)
      .map((p) => [p.type, p.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const time = `${parts.hour}${parts.minute}`;
  return path
    .replaceAll("{date}", date)
    .replaceAll("{time}", time)
    .replaceAll("{datetime}", `${date}T${time}`)
    .replaceAll("{definition}", ctx.definition);
}

export const OUTPUT_PLACEHOLDERS = ["{date}", "{time}", "{datetime}", "{definition}", "{job}"] as const;
