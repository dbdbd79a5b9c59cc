"""Make the data-path tests' helper (``rs_corruption``) importable under importlib mode."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
