"""Builtin engine vs real Rasa 3.6 (stock DIET) on the same nlu/data and dev split.

Needs Rasa 3.6 in its own Python 3.10 venv (`make test-rasa` creates .venv-rasa).
Trains Rasa with nlu/config.yml (DIET epochs can be lowered with --epochs: on
2 cores one epoch over our ~5,000 examples takes about 50 s), serves it with
`rasa run --enable-api`, and evaluates both engines on nlu/tests/dev.jsonl:
macro-F1 over the four categories, per-message latency and resident memory; and
on every dev split (dev, dev2, subcategory_dev): macro-F1, subcategory accuracy,
calibration error and urgency, side by side.
Writes benchmarks/results/rasa_side_by_side.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from nlu.builtin import BuiltinEngine  # noqa: E402
from nlu.evaluate import evaluate, read_labelled  # noqa: E402
from nlu.model import TrainedModel  # noqa: E402
from nlu.rasa_http import RasaEngine  # noqa: E402

PORT = 5055


def rss_mb(pid: int) -> float:
    total = 0
    for proc in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{proc}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return round(total / 1024, 1)


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return []
    return [int(c) for c in found] + [g for c in found for g in _children(int(c))]


def train_rasa(rasa: str, epochs: int, out: Path) -> Path:
    config = yaml.safe_load((REPO / "nlu/config.yml").read_text())
    for step in config["pipeline"]:
        if step["name"] == "DIETClassifier":
            step["epochs"] = epochs
    config_path = out / f"config-{epochs}.yml"
    config_path.write_text(yaml.safe_dump(config))
    model = out / f"razem-{epochs}.tar.gz"
    if not model.exists():
        started = time.perf_counter()
        subprocess.run([rasa, "train", "nlu", "--config", str(config_path), "--nlu", str(REPO / "nlu/data"),
                        "--out", str(out), "--fixed-model-name", f"razem-{epochs}"], check=True, cwd=out)  # fmt: skip
        print(f"rasa trained in {time.perf_counter() - started:.0f} s")
    return model


# The same dev splits `razem nlu evaluate` reports on (README "NLU").
SPLITS = ("dev", "dev2", "subcategory_dev")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa", default=str(REPO / ".venv-rasa/bin/rasa"))
    parser.add_argument("--epochs", type=int, default=100)
    args = parser.parse_args()
    out = REPO / "var" / "rasa"
    out.mkdir(parents=True, exist_ok=True)
    model = train_rasa(args.rasa, args.epochs, out)
    splits = {name: read_labelled(REPO / "nlu/tests" / f"{name}.jsonl") for name in SPLITS}
    rows = splits["dev"]

    builtin = BuiltinEngine(TrainedModel.load(REPO / "var/nlu-model.pkl"))
    started = time.perf_counter()
    builtin_report = evaluate(builtin, rows)
    builtin_ms = (time.perf_counter() - started) / len(rows) * 1000
    builtin_splits = {name: summary(evaluate(builtin, split)) for name, split in splits.items()}

    log = tempfile.TemporaryFile()
    server = subprocess.Popen([args.rasa, "run", "--enable-api", "-m", str(model), "--port", str(PORT)],
                              stdout=log, stderr=log, cwd=out)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{PORT}"
        for _ in range(300):
            try:
                if httpx.get(f"{url}/status", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(1)
        rasa_engine = RasaEngine(url, builtin, timeout=30)
        latencies = []
        for row in rows[:100]:
            t = time.perf_counter()
            rasa_engine.client.post(rasa_engine.url, json={"text": row.text}).raise_for_status()
            latencies.append((time.perf_counter() - t) * 1000)
        rasa_report = evaluate(rasa_engine, rows)
        rasa_splits = {
            name: summary(evaluate(rasa_engine, split)) for name, split in splits.items()
        }
        rasa_rss = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)

    results = {
        "dev_messages": len(rows),
        "rasa_diet_epochs": args.epochs,
        "builtin": {"macro_f1": builtin_report["macro_f1"],
                    "per_language": {k: v["macro_f1"] for k, v in builtin_report["per_language"].items()},
                    "ms_per_message": round(builtin_ms, 3), "process_rss_mb": rss_mb(os.getpid()),
                    "splits": builtin_splits},
        "rasa": {"macro_f1": rasa_report["macro_f1"],
                 "per_language": {k: v["macro_f1"] for k, v in rasa_report["per_language"].items()},
                 "median_ms_per_parse": round(statistics.median(latencies), 1), "server_rss_mb": rasa_rss,
                 "splits": rasa_splits},
    }  # fmt: skip
    (REPO / "benchmarks/results").mkdir(exist_ok=True)
    (REPO / "benchmarks/results/rasa_side_by_side.json").write_text(
        json.dumps(results, indent=2) + "\n"
    )
    print(json.dumps(results, indent=2))


def summary(report: dict) -> dict:  # type: ignore[type-arg]
    """The figures the README compares, for one engine on one split."""
    subcategory = report["subcategory"] or {}
    return {"macro_f1": report["macro_f1"], "subcategory_accuracy": subcategory.get("accuracy"),
            "ece": (report["calibration"] or {}).get("ece"), "urgent": report["urgent"]}  # fmt: skip


if __name__ == "__main__":
    main()
