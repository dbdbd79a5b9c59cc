"""System layer: technology catalog, MOSAIC power, reliability, reach, cost and the comparison."""
