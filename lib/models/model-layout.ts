/**
 * Where each file of a model version sits under AZUREML_MODEL_DIR, as on Azure ML: a file registered
 * on its own keeps its name (`$AZUREML_MODEL_DIR/model.pkl`); a folder's files go under the folder's
 * own name (`deployment-torch/model` -> `$AZUREML_MODEL_DIR/model/model.pt`). Without a root the paths
 * are taken as given.
 */
export function modelLayout(files: { path: string }[], root: string | undefined): string[] {
  if (!root) return files.map((f) => f.path);
  if (files.length === 1 && files[0].path === root) return [root];
  return files.map((f) => `${root}/${f.path}`);
}

/**
 * The layout given to a model version registered before Batchpoint kept the registered name: its files
 * were at the root of AZUREML_MODEL_DIR. One file stays where it is (a file registration); several go
 * under `model/`, the folder name Azure's examples use (`glob(f"{dir}/*\/*.pt")`, `join(dir, "model")`).
 */
export function legacyModelLayout(paths: string[]): string[] {
  if (paths.length === 1 && !paths[0].includes("/")) return paths;
  return paths.map((p) => `model/${p}`);
}
