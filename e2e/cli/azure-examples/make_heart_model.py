"""Trains a small scikit-learn pipeline on the heart-disease CSVs of Azure's batch examples and pickles it,
as a stand-in for the example's own model.pkl: that one was pickled with scikit-learn 1.1.2 and xgboost 1.3.3
(its conda file pins them) and does not load with Debian's scikit-learn 1.2 (no xgboost, no PyPI here).
The label is a rule over two columns (the CSVs are unlabeled): the point is a real fitted pipeline with a
categorical column, not a good classifier.
Usage: make_heart_model.py INPUT_DIR OUT_FILE"""
import glob
import os
import pickle
import sys

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier


def main():
    input_dir, out_file = sys.argv[1:3]
    data = pd.concat(pd.read_csv(f) for f in sorted(glob.glob(os.path.join(input_dir, "*.csv"))))
    label = ((data["age"] > 55) & (data["thalach"] < 150)).astype(int)
    model = Pipeline(
        [
            ("encode", ColumnTransformer([("thal", OneHotEncoder(handle_unknown="ignore"), ["thal"])], remainder="passthrough")),
            ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
        ]
    )
    model.fit(data, label)
    os.makedirs(os.path.dirname(os.path.abspath(out_file)), exist_ok=True)
    with open(out_file, "wb") as f:
        pickle.dump(model, f)


if __name__ == "__main__":
    main()
