import { deliverWebhookFunction } from "./deliver-webhook";
import { finalizeJobFunction } from "./finalize-job";
import { notifyJobFinishedFunction } from "./notify-job-finished";
import { planJobFunction } from "./plan-job";
import { reconcileJobsFunction } from "./reconcile-jobs";
import { runJobDefinitionFunction } from "./run-job-definition";
import { scheduleJobDefinitionsFunction } from "./schedule-job-definitions";
import { scoreLaneFunction } from "./score-lane";
import { scoreMiniBatchFunction } from "./score-mini-batch";

export const functions = [
  planJobFunction,
  scoreMiniBatchFunction,
  scoreLaneFunction,
  finalizeJobFunction,
  reconcileJobsFunction,
  notifyJobFinishedFunction,
  deliverWebhookFunction,
  scheduleJobDefinitionsFunction,
  runJobDefinitionFunction,
];
