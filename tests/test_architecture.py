"""The import-linter contracts in pyproject.toml hold (a wrong import or an import cycle fails the suite)."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


class TestImportContracts:
    def test_every_contract_is_kept(self):
        linter = Path(sys.executable).with_name("lint-imports")
        result = subprocess.run([str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"Contracts: {len(CONTRACTS)} kept, 0 broken" in result.stdout

    def test_the_services_may_not_import_each_other_in_a_cycle(self):
        assert {"type": "acyclic_siblings", "ancestors": ["planner.services"]}.items() <= next(
            contract for contract in CONTRACTS if contract["type"] == "acyclic_siblings"
        ).items()
