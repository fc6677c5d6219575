"""Runs a scoring script that writes its own output files directly, as Azure's parallel run step would: init()
once, then run(mini_batch) over the files, with AZUREML_MODEL_DIR holding the registered model folder and
AZUREML_BI_OUTPUT_PATH the output folder. The files it writes are what Batchpoint's job should hold.
Usage: run_outputs_driver.py CODE_DIR MODEL_FOLDER INPUT_DIR OUT_DIR [MINI_BATCH_SIZE]"""
import os
import shutil
import sys
import tempfile


def main():
    code_dir, model_folder, input_dir, out_dir = sys.argv[1:5]
    size = int(sys.argv[5]) if len(sys.argv) > 5 else 10
    model_root = tempfile.mkdtemp(prefix="azureml-model-")
    shutil.copytree(model_folder, os.path.join(model_root, os.path.basename(os.path.normpath(model_folder))))
    os.makedirs(out_dir, exist_ok=True)
    os.environ["AZUREML_MODEL_DIR"] = model_root
    os.environ["AZUREML_BI_OUTPUT_PATH"] = out_dir
    sys.path.insert(0, code_dir)
    import batch_driver  # noqa: E402  (the script under test)

    batch_driver.init()
    files = sorted(os.path.join(input_dir, f) for f in os.listdir(input_dir))
    for i in range(0, len(files), size):
        batch_driver.run(files[i : i + size])


if __name__ == "__main__":
    main()
