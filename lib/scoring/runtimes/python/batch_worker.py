"""Batchpoint's Python scoring worker (the harness around a user's scoring script).

Started by lib/scoring/worker.ts as:
    python3 batch_worker.py <code_dir> <scoring_script> <logging_level>
with fd 3 (requests, one JSON object per line) and fd 4 (responses, one JSON object per line)
as its private channel to the server. stdout and stderr belong to the user's script: the server
captures them per mini-batch. After each request the harness writes an end marker to both
streams so the server knows where one mini-batch's logs end.

Works with Debian's python3 (3.11) and pandas 1.5; pandas is imported only when needed.
"""

import csv
import importlib.util
import json
import logging
import os
import sys
import traceback

TRACEBACK_LINES = 40
TRACEBACK_CHARS = 4000
MESSAGE_CHARS = 300
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


def _channel():
    # Keep the channel away from the user's code: not inherited by its subprocesses.
    for fd in (3, 4):
        os.set_inheritable(fd, False)
    return os.fdopen(3, "r", encoding="utf-8"), os.fdopen(4, "w", encoding="utf-8")


REQUESTS, RESPONSES = _channel()


def send(message):
    RESPONSES.write(json.dumps(message) + "\n")
    RESPONSES.flush()


def end_of_logs(marker):
    # Written to the real fds 1 and 2, after flushing whatever stands in for sys.stdout/stderr.
    line = ("\x1eBATCHPOINT-END " + marker + "\x1e\n").encode()
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:
            pass
    for fd in (1, 2):
        try:
            os.write(fd, line)
        except OSError:
            pass


def one_line(text):
    first = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return first if len(first) <= MESSAGE_CHARS else first[: MESSAGE_CHARS - 3] + "..."


def describe(exc, what):
    message = one_line(exc)
    name = type(exc).__name__
    return f"{what} raised {name}: {message}" if message else f"{what} raised {name}"


def traceback_tail(exc):
    # Skip the harness's own frame: the user's code is what the reader needs.
    tb = exc.__traceback__.tb_next if exc.__traceback__ is not None else None
    lines = "".join(traceback.format_exception(type(exc), exc, tb)).rstrip("\n").splitlines()
    text = "\n".join(lines[-TRACEBACK_LINES:])
    return text[-TRACEBACK_CHARS:]


class Failure(Exception):
    """A failure described as one sentence, with the traceback tail of its cause."""

    def __init__(self, error, tb=None):
        super().__init__(error)
        self.error = error
        self.tb = tb


def load_module(code_dir, script):
    path = os.path.join(code_dir, script)
    name = os.path.splitext(os.path.basename(script))[0] or "score"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {script}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def set_job_env(env):
    for key, value in (env or {}).items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = str(value)


def read_tabular(path, header):
    import pandas as pd

    if header:
        names = next(csv.reader([header]))
        return pd.read_csv(path, header=None, names=names)
    return pd.read_csv(path)


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def element_text(value):
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, default=str)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def to_csv(frame, header):
    try:
        return frame.to_csv(index=False, header=header, lineterminator="\n")
    except TypeError:  # pandas < 1.5 spells it line_terminator
        return frame.to_csv(index=False, header=header, line_terminator="\n")


def normalize(result):
    """A DataFrame becomes a CSV header and rows; a list one line per element."""
    # A DataFrame means the script imported pandas: never import it here for a list (slow,
    # and its import logs would land in the user's first mini-batch).
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(result, pd.DataFrame):
        header = to_csv(result.iloc[0:0], header=True).rstrip("\n")
        body = to_csv(result, header=False) if len(result) else ""
        return {"format": "dataframe", "header": header, "body": body, "count": int(len(result))}
    if pd is not None and isinstance(result, pd.Series):
        result = result.tolist()
    if hasattr(result, "tolist") and not isinstance(result, (list, tuple)):
        result = result.tolist()  # numpy arrays
    if isinstance(result, (list, tuple)):
        lines = [element_text(v) for v in result]
        body = "".join(line + "\n" for line in lines)
        return {"format": "list", "body": body, "count": len(lines)}
    raise TypeError(f"run() returned {type(result).__name__}; expected a pandas DataFrame or a list")


def start(code_dir, script):
    first = json.loads(REQUESTS.readline() or "{}")  # the spawning job's env, seen by init()
    set_job_env(first.get("env"))
    try:
        module = load_module(code_dir, script)
    except BaseException as exc:  # noqa: BLE001: a script may sys.exit() at import
        raise Failure(describe(exc, f"Importing {script}"), traceback_tail(exc))
    run = getattr(module, "run", None)
    if not callable(run):
        raise Failure(f"{script} does not define run(mini_batch)")
    init = getattr(module, "init", None)
    if callable(init):
        try:
            init()
        except BaseException as exc:  # noqa: BLE001
            raise Failure(describe(exc, "init()"), traceback_tail(exc))
    return run


def score(run, request):
    set_job_env(request.get("env"))
    if request["kind"] == "tabular":
        mini_batch = read_tabular(request["file"], request.get("header"))
    elif request["kind"] == "jsonl":
        mini_batch = read_jsonl(request["file"])
    else:
        mini_batch = list(request["files"])
    inputs = len(mini_batch)
    try:
        result = run(mini_batch)
    except Exception as exc:
        raise Failure(describe(exc, "run()"), traceback_tail(exc))
    return dict(normalize(result), inputs=inputs)


def main():
    code_dir, script, level = sys.argv[1], sys.argv[2], sys.argv[3]
    logging.basicConfig(
        level=LEVELS.get(level, logging.INFO),
        stream=sys.stderr,
        format="%(levelname)s:%(name)s:%(message)s",
        force=True,
    )
    sys.path.insert(0, code_dir)
    sys.argv = [os.path.join(code_dir, script)]  # as if the script were run by itself (argparse)
    try:
        run = start(code_dir, script)
    except Failure as failure:
        end_of_logs("init")
        send({"type": "init_error", "error": failure.error, "traceback": failure.tb})
        return 1
    end_of_logs("init")
    send({"type": "ready", "pid": os.getpid()})

    for line in REQUESTS:
        if not line.strip():
            continue
        request = json.loads(line)
        rid = request["id"]
        response = {"type": "result", "id": rid}
        try:
            response.update(score(run, request), ok=True)
        except Failure as failure:
            response.update(ok=False, error=failure.error, traceback=failure.tb)
        except Exception as exc:  # reading the input or shaping the output failed
            response.update(ok=False, error=one_line(exc) or type(exc).__name__, traceback=traceback_tail(exc))
        end_of_logs(rid)
        send(response)
    return 0


if __name__ == "__main__":
    sys.exit(main())
