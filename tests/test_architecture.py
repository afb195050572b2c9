"""The layering contracts in pyproject.toml hold (a wrong import fails the suite)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class TestImportContracts:
    def test_layers_are_kept(self):
        linter = Path(sys.executable).with_name("lint-imports")
        result = subprocess.run([str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Contracts: 3 kept, 0 broken" in result.stdout
