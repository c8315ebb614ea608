"""NLU speed and memory: `make bench`.

Measures, on this machine, with the FAQ index on (24 seeded entries):
- batch: `razem nlu parse -` over N messages, pinned to one core, per message,
  after subtracting the same command's start-up with no input;
- cold start: `razem nlu parse TEXT`, whole process, median of runs;
- model load: `TrainedModel.load` in process, median of runs;
- memory: peak resident set size of the batch process.
Writes benchmarks/results/nlu_speed.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RAZEM = str(Path(sys.executable).parent / "razem")


def run(args: list[str], env: dict[str, str], stdin: bytes = b"") -> tuple[float, int, bytes]:
    """(wall seconds, peak RSS in KiB, stdout) of one process, pinned to one core."""
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    started = time.perf_counter()
    process = subprocess.Popen([*pin, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, env=env, cwd=REPO)  # fmt: skip
    assert process.stdin and process.stdout

    def feed() -> None:
        assert process.stdin
        process.stdin.write(stdin)
        process.stdin.close()

    writer = threading.Thread(target=feed)
    writer.start()
    output = process.stdout.read()
    writer.join()
    # wait4, not wait: it returns this child's own resource usage (peak memory).
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed with {process.returncode}")
    return elapsed, usage.ru_maxrss, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="razem-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAZEM_")}
    env |= {"RAZEM_DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}", "RAZEM_FAQ_SHOW_DRAFTS": "true",
            "RAZEM_NLU_MODEL_PATH": str(REPO / "var" / "nlu-model.pkl"), "RAZEM_LOG_LEVEL": "ERROR"}  # fmt: skip
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run([RAZEM, *command], env=env, cwd=REPO, check=True, capture_output=True)

    sys.path.insert(0, str(REPO))
    from nlu.training_data import read_training_data

    # Distinct messages (the dev split, then training examples): no repeats to flatter caches.
    texts = [
        json.loads(line)["text"] for line in (REPO / "nlu/tests/dev.jsonl").read_text().splitlines()
    ]
    texts += [example.text for example in read_training_data(REPO / "nlu" / "data")]
    texts = list(dict.fromkeys(t.replace("\n", " ") for t in texts))[: args.messages]
    batch = "\n".join(texts) + "\n"

    empty = statistics.median(run([RAZEM, "nlu", "parse", "-"], env)[0] for _ in range(3))
    batch_time, batch_rss, output = run([RAZEM, "nlu", "parse", "-"], env, batch.encode())
    assert len(output.splitlines()) == len(texts)
    cold = statistics.median(run([RAZEM, "nlu", "parse", "Potrzebuję pomocy z kartą pobytu"], env)[0]
                             for _ in range(args.runs))  # fmt: skip

    from nlu.model import TrainedModel

    loads = []
    for _ in range(args.runs):
        started = time.perf_counter()
        TrainedModel.load(REPO / "var" / "nlu-model.pkl")
        loads.append(time.perf_counter() - started)

    results = {
        "messages": len(texts),
        "batch_ms_per_message": round((batch_time - empty) / len(texts) * 1000, 3),
        "batch_total_s": round(batch_time, 2),
        "startup_s": round(empty, 2),
        "cold_start_s": round(cold, 2),
        "model_load_s": round(statistics.median(loads), 3),
        "peak_rss_mb": round(batch_rss / 1024, 1),
        "model_file_mb": round((REPO / "var" / "nlu-model.pkl").stat().st_size / 1e6, 1),
        "cpu": os.uname().machine,
    }
    out = REPO / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "nlu_speed.json").write_text(json.dumps(results, indent=2) + "\n")
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
