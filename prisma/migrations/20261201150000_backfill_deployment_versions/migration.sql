-- Versions are now recorded when a deployment is created or changed (in the same transaction), no
-- longer when its page is first viewed. Record the current version of every deployment saved before,
-- in the shape lib/deployments/deployment-versions.ts writes.
INSERT INTO "DeploymentVersion" ("id", "workspaceId", "deploymentId", "version", "codeDatastoreId", "codePath", "scoringScript",
  "runtime", "interpreter", "modelVersionId", "modelRef", "settings", "createdAt")
SELECT 'dv' || md5(d."id" || ':' || d."version"), d."workspaceId", d."id", d."version", d."codeDatastoreId", d."codePath", d."scoringScript",
  d."runtime", d."interpreter", d."modelVersionId",
  CASE WHEN m."name" IS NULL THEN NULL ELSE m."name" || ':' || mv."version" END,
  jsonb_build_object(
    'miniBatchSize', d."miniBatchSize", 'instanceCount', d."instanceCount",
    'maxConcurrencyPerInstance', d."maxConcurrencyPerInstance", 'maxRetries', d."maxRetries",
    'timeoutSeconds', d."timeoutSeconds", 'errorThreshold', d."errorThreshold",
    'outputAction', d."outputAction", 'outputFileName', d."outputFileName", 'loggingLevel', d."loggingLevel",
    'environmentVariables', d."environmentVariables", 'sandboxSettings', d."sandboxSettings",
    'condaFile', d."condaFile", 'requirementsFile', d."requirementsFile"),
  d."updatedAt"
FROM "Deployment" d
LEFT JOIN "ModelVersion" mv ON mv."id" = d."modelVersionId"
LEFT JOIN "Model" m ON m."id" = mv."modelId"
WHERE NOT EXISTS (SELECT 1 FROM "DeploymentVersion" v WHERE v."deploymentId" = d."id" AND v."version" = d."version");
