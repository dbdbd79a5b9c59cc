"""``mosaic results`` never shows the store's BER floor (1e-300) as a number."""

from __future__ import annotations

import pyarrow as pa

from mosaiclink.cli.results import _cell, _rows


def test_floored_ber_is_below_the_floor_in_the_table_and_null_in_json(sentinels):
    table = pa.table({"ber": [1e-300, 2.5e-5], "log10_ber": [-300.0, -4.6], "reach_m": [55.2, 30.0]})
    from mosaiclink.units import format_ber

    shown = [_cell("ber", v) for v in table.column("ber").to_pylist()]
    assert shown == [format_ber(0.0), "2.50e-05"]  # below the display floor, never the number 1e-300
    assert _cell("reach_m", 55.2) == "55.2" and _cell("log10_ber", -4.6) == "-4.6"
    rows = _rows(table)
    assert [r["ber"] for r in rows] == [None, 2.5e-5]
    assert sentinels(rows) == []
