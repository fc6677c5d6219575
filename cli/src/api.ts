// The API's bodies and answers as the CLI reads them: names for the schemas of the generated contract
// (api-types.ts, from the server's OpenAPI document; `npm run gen:api-types`). Nothing here is written by hand.
import type { components } from "./api-types";

type Schemas = components["schemas"];

export type WorkspaceInfo = Schemas["WorkspaceInfo"];
export type Endpoint = Schemas["Endpoint"];
export type EndpointPage = Schemas["EndpointPage"];
export type EndpointRow = EndpointPage["data"][number];
export type CreatedEndpoint = Schemas["CreatedEndpoint"];
export type Deployment = Schemas["Deployment"];
export type DeploymentList = Schemas["DeploymentList"];
export type Job = Schemas["Job"];
export type JobSummary = Schemas["JobSummary"];
export type JobPage = Schemas["JobPage"];
export type JobStarted = Schemas["JobStarted"];
export type JobCanceling = Schemas["JobCanceling"];
export type JobRetrying = Schemas["JobRetrying"];
export type JobItems = Schemas["JobItems"];
export type JobOutputs = Schemas["JobOutputs"];
export type JobOutputFile = JobOutputs["data"][number];
export type MiniBatchPage = Schemas["MiniBatchPage"];
export type MiniBatch = MiniBatchPage["data"][number];
export type ModelPage = Schemas["ModelPage"];
export type ModelRow = ModelPage["data"][number];
export type Model = Schemas["Model"];
export type ModelVersion = Schemas["ModelVersion"];
export type CreatedModelVersion = Schemas["CreatedModelVersion"];
export type DataAsset = Schemas["DataAsset"];
export type DataAssetPage = Schemas["DataAssetPage"];
export type DataAssetVersionPage = Schemas["DataAssetVersionPage"];
export type JobDefinition = Schemas["JobDefinition"];
export type JobDefinitionPage = Schemas["JobDefinitionPage"];
export type JobDefinitionRun = Schemas["JobDefinitionRun"];
export type UploadedFile = Schemas["UploadedFile"];
export type Webhook = Schemas["Webhook"];
export type WebhookPage = Schemas["WebhookPage"];
export type WebhookDeliveryPage = Schemas["WebhookDeliveryPage"];
export type NewDelivery = Schemas["NewDelivery"];
export type DeletedFiles = Schemas["DeletedFiles"];
