"""Monte Carlo engine: seeded bit streams, symbol-rate and oversampled waveform paths,
error counting with confidence intervals, eye diagrams and bathtub curves."""
