"""The link budget as a spreadsheet, in the style of the IEEE 802.3 link-model spreadsheets.

IEEE 802.3's link models (e.g. the 10GEPBud and 802.3bm/cd spreadsheets) lay a budget out as a
column of named inputs, then formulas that take them to a margin, so a reader can change an input
and watch the margin move. :func:`budget_workbook` writes the same: the **Budget** sheet holds one
real channel's waterfall (the median-margin live channel, whose lines sum exactly, see
:meth:`mosaiclink.physics.link.LinkReport.channel_budget`) with the losses and penalties as input
cells and the received OMA and the margin as Excel formulas over them (each with the model's value
cached, so a viewer that does not recalculate shows the same numbers), beside the per-line medians
over live channels; **Channels** has every channel's waterfall (a dead emitter's undefined cells
empty, its ``status`` said); **Design** lists every design input. Bytes only, no I/O (the CLI
writes them). :func:`budget_frame` is the same waterfall as a DataFrame for CSV.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from mosaiclink.physics.budget import LINES, NEEDS_LIGHT
from mosaiclink.physics.link import LinkReport

_FIRST_ROW = 7  # spreadsheet row (1-based) of the first waterfall line on the Budget sheet


def budget_frame(report: LinkReport):
    """The waterfall as a DataFrame: the median-margin channel's exact lines beside the per-line medians."""
    frame = report.channel_budget().to_dataframe().rename(columns={"value": "median_channel"})
    frame.insert(1, "median_of_lines", [line.value_db for line in report.budget.lines])
    frame.attrs["channel"] = report.median_channel
    return frame


def _flatten(mapping: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for key, value in mapping.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(_flatten(value, path + "."))
        else:
            rows.append((path, value if isinstance(value, (int, float, str, bool)) else str(value)))
    return rows


def budget_workbook(report: LinkReport, design: Any) -> bytes:
    """The .xlsx bytes of the budget, the channels and the design (module docstring)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "nan_inf_to_errors": False})
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 13})
    given = book.add_format({"num_format": "0.00", "bg_color": "#FFF2CC", "border": 1})  # an input
    computed = book.add_format({"num_format": "0.00", "bg_color": "#E2EFDA", "border": 1, "bold": True})
    plain = book.add_format({"num_format": "0.00"})
    _budget_sheet(book.add_worksheet("Budget"), report, bold, title, given, computed, plain)
    _channels_sheet(book.add_worksheet("Channels"), report, bold)
    sheet = book.add_worksheet("Design")
    sheet.write_row(0, 0, ["input", "value"], bold)
    for i, (path, value) in enumerate(_flatten(design.to_mapping()), start=1):
        sheet.write(i, 0, path)
        sheet.write(i, 1, value)
    sheet.set_column(0, 0, 42)
    sheet.set_column(1, 1, 24)
    book.close()
    return buffer.getvalue()


def _budget_sheet(sheet, report: LinkReport, bold, title, given, computed, plain) -> None:
    channel = report.median_channel
    lines = report.channel_budget(channel).lines
    sheet.write(0, 0, f"{report.design_name}: link budget (mosaiclink)", title)
    sheet.write(
        1, 0, f"{report.rate_gbps:.6g} Gb/s per channel, {report.length_m:g} m, target BER {report.target_ber:g}"
    )
    sheet.write(2, 0, f"channel {channel}: the live channel of median margin (its lines sum exactly)")
    sheet.write(3, 0, "yellow: inputs (change them); green: formulas; positive loss or penalty = worse")
    header = ["step", "value", "unit", "kind", "median over live channels"]
    sheet.write_row(_FIRST_ROW - 2, 0, header, bold)
    row_of = {line.key: _FIRST_ROW + i for i, line in enumerate(lines)}

    def cells(kind: str, first: str, last: str) -> str:
        rows = [row_of[k] for _, k, kd in LINES if kd == kind and row_of[first] <= row_of[k] <= row_of[last]]
        return ",".join(f"B{r}" for r in rows)

    for i, line in enumerate(lines):
        r = _FIRST_ROW - 1 + i  # 0-based row index of spreadsheet row _FIRST_ROW + i
        sheet.write(r, 0, line.name)
        if line.key == "received_oma_dbm":
            losses = cells("loss", "coupling_loss_db", "capture_loss_db")
            sheet.write_formula(r, 1, f"=B{row_of['launch_oma_dbm']}-SUM({losses})", computed, line.value_db)
        elif line.key == "margin_db":
            penalties = cells("penalty", "pulse_spreading_penalty_db", "implementation_penalty_db")
            formula = f"=B{row_of['received_oma_dbm']}-B{row_of['sensitivity_oma_dbm']}-SUM({penalties})"
            sheet.write_formula(r, 1, formula, computed, line.value_db)
        else:
            sheet.write_number(r, 1, line.value_db, given)
        sheet.write(r, 2, line.unit)
        sheet.write(r, 3, line.kind)
        sheet.write_number(r, 4, report.budget.value(line.name), plain)
    sheet.set_column(0, 0, 46)
    sheet.set_column(1, 1, 11)
    sheet.set_column(4, 4, 24)


def _channels_sheet(sheet, report: LinkReport, bold) -> None:
    keys = [key for _, key, _ in LINES]
    status = report.status
    sheet.write_row(0, 0, ["channel", "status", "spare", *keys], bold)
    for c in range(report.channels):
        sheet.write_row(c + 1, 0, [c, str(status[c]), bool(c >= report.data_channels)])
        for j, key in enumerate(keys):
            value = float(report.budget_per_channel[key][c])
            undefined = status[c] == "dead" and key in NEEDS_LIGHT
            if np.isfinite(value) and not undefined:
                sheet.write_number(c + 1, 3 + j, value)
    sheet.freeze_panes(1, 1)
