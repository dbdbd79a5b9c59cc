"""AI workloads on a cluster: training step time, MFU, goodput and tokens per MW, per link technology.

This layer sits above :mod:`mosaiclink.cluster`: it turns the cluster's links (bandwidth, latency,
power, failures, scale-up domain) into what a training or inference job gains. Not to be confused
with :mod:`mosaiclink.workload` (singular), the bounded-work estimate every command checks before
it allocates.
"""
