"""Run every benchmark (make bench): each prints its own ratios and PASS/FAIL; exit 1 if any target is missed."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["gpx_ingest.py", "nearby.py", "load.py"]


def main() -> int:
    """Run the benchmarks in order and report which missed a target."""
    failed = []
    for name in BENCHMARKS:
        if not (HERE / name).exists():
            continue
        print(f"\n=== {name} ===", flush=True)
        if subprocess.run([sys.executable, str(HERE / name)]).returncode != 0:
            failed.append(name)
    print("\nall targets met" if not failed else f"\ntargets missed in: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
