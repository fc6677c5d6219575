"""Runs an Azure ML batch scoring script directly, as Azure's parallel run step would: init() once,
then run(mini_batch) over the files, with AZUREML_MODEL_DIR holding the registered model folder.
Prints the results as CSV (file,class,probability), to compare with what Batchpoint scored.
Usage: run_driver.py CODE_DIR MODEL_FOLDER INPUT_DIR [MINI_BATCH_SIZE]"""
import csv
import os
import shutil
import sys
import tempfile


def main():
    code_dir, model_folder, input_dir = sys.argv[1:4]
    size = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    model_root = tempfile.mkdtemp(prefix="azureml-model-")
    # Azure: AZUREML_MODEL_DIR is the version's root, holding the registered folder under its own name.
    shutil.copytree(model_folder, os.path.join(model_root, os.path.basename(os.path.normpath(model_folder))))
    os.environ["AZUREML_MODEL_DIR"] = model_root
    sys.path.insert(0, code_dir)
    out = sys.stdout
    sys.stdout = sys.stderr  # what the script prints is its log, not the results
    import batch_driver  # noqa: E402  (the example's own script)

    batch_driver.init()
    files = sorted(os.path.join(input_dir, f) for f in os.listdir(input_dir))
    writer = csv.writer(out)
    writer.writerow(["file", "class", "probability"])
    for i in range(0, len(files), size):
        frame = batch_driver.run(files[i : i + size])
        for row in frame.itertuples(index=False):
            writer.writerow([row.file, int(row[1]), float(row[2])])


if __name__ == "__main__":
    main()
