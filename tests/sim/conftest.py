"""Make the sim tests' oracle module (``sim_synthetic``) importable under importlib mode."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
