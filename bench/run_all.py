"""Run every benchmark (make bench): each prints its ratios with PASS/MISS; a summary, and exit 1 if any missed."""

import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["gpx_ingest.py", "nearby.py", "search.py", "notify.py", "load.py"]
VERDICT = re.compile(r"\b(PASS|MISS|FAIL)\b")


def run(name: str) -> tuple[int, list[str]]:
    """Run one benchmark, echoing its output; its exit code and its verdict lines."""
    verdicts = []
    with subprocess.Popen([sys.executable, str(HERE / name)], stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout:
            print(line, end="", flush=True)
            if VERDICT.search(line):
                verdicts.append(line.strip())
    return process.returncode, verdicts


def main() -> int:
    """Run the benchmarks in order, then print every verdict line and which benchmarks missed a target."""
    started = time.monotonic()
    failed, verdicts = [], []
    for name in BENCHMARKS:
        print(f"\n=== {name} ===", flush=True)
        code, lines = run(name)
        verdicts += [f"{name}: {line}" for line in lines]
        if code != 0:
            failed.append(name)
    print(f"\n=== summary ({(time.monotonic() - started) / 60:.1f} min) ===")
    print("\n".join(verdicts))
    print("every target met" if not failed else f"targets missed (or errors) in: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
