"""Cluster layer: what a link technology does to a GPU cluster's power, failures and goodput."""
