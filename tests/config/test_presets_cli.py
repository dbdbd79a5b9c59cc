"""``mosaic presets`` lists the shipped designs."""

import json


def test_presets_json(mosaic):
    result = mosaic("presets", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["mosaic-800g"]["data_channels"] == 400
    assert rows["mosaic-prototype"]["rate_gbps"] == 2.0
