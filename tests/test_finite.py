"""The finite-output guard and the BER display floor."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from mosaiclink.errors import ModelRangeError
from mosaiclink.finite import require_finite
from mosaiclink.units import format_ber


@dataclass
class _Result:
    received_oma_dbm: np.ndarray
    nested: dict


def test_finite_result_passes_through_unchanged():
    result = _Result(np.array([-20.0, -21.0]), {"q": 7.0, "ber": [1e-12, 0.0]})
    assert require_finite(result, "link") is result


def test_first_non_finite_quantity_is_named_with_count_and_cause():
    result = _Result(np.array([-20.0, -np.inf, -np.inf]), {"q": 7.0})
    with pytest.raises(
        ModelRangeError, match=r"^link: received_oma_dbm = -inf \(2 values\) cannot be computed: no light"
    ):
        require_finite(result, "link")
    with pytest.raises(ModelRangeError, match=r"^x: nested\.q = nan cannot be computed: the noise or the eye"):
        require_finite(_Result(np.zeros(2), {"q": math.nan}), "x")


@pytest.mark.parametrize(
    ("ber", "log10_ber", "shown"),
    [
        (2.4e-4, None, "2.40e-04"),
        (0.0, None, "< 1e-40"),  # underflowed: never 0.00e+00
        (0.0, -646.03, "< 1e-40"),
        (1e-300, None, "< 1e-40"),
        (3.16e-39, None, "3.16e-39"),
        (0.0, -38.5, "3.16e-39"),  # the logarithm is used when the model has it
        (0.5, -math.log10(2.0), "5.00e-01"),
        (math.nan, None, "n/a"),
    ],
)
def test_format_ber_floor(ber, log10_ber, shown):
    assert format_ber(ber, log10_ber=log10_ber) == shown
