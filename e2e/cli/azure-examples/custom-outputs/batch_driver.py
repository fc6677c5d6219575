# A scoring script in the style of Azure's custom-outputs-parquet example: it writes one file per input into
# AZUREML_BI_OUTPUT_PATH and returns the inputs (output_action: summary_only). It writes CSV where the example
# writes parquet: pandas' to_parquet needs pyarrow or fastparquet, which this machine does not have.
import glob
import os
import pickle
from pathlib import Path
from typing import List

import pandas as pd


def init():
    global model
    global output_path

    output_path = os.environ["AZUREML_BI_OUTPUT_PATH"]
    model_path = os.environ["AZUREML_MODEL_DIR"]
    model_file = glob.glob(f"{model_path}/*/*.pkl")[-1]

    with open(model_file, "rb") as file:
        model = pickle.load(file)


def run(mini_batch: List[str]):
    for file_path in mini_batch:
        data = pd.read_csv(file_path)
        data["prediction"] = model.predict(data)

        output_file_name = Path(file_path).stem
        data.to_csv(os.path.join(output_path, output_file_name + ".csv"), index=False)

    return mini_batch
