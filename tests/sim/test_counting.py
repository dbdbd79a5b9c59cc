import numpy as np
import pytest

from mosaiclink.errors import ConfigError
from mosaiclink.sim.counting import ErrorCounter, clopper_pearson


def test_clopper_pearson_textbook_values():
    # Clopper & Pearson (1934); values as tabulated e.g. by Brown, Cai & DasGupta (2001)
    lo, hi = clopper_pearson(5, 10, 0.95)
    assert lo == pytest.approx(0.187086, abs=1e-6) and hi == pytest.approx(0.812914, abs=1e-6)
    lo, hi = clopper_pearson(0, 10, 0.95)
    assert lo == 0.0 and hi == pytest.approx(1 - 0.025**0.1, rel=1e-9)  # 0.30850
    lo, hi = clopper_pearson(10, 10, 0.95)
    assert hi == 1.0 and lo == pytest.approx(0.025**0.1, rel=1e-9)
    # zero errors in n bits: the "rule of three" upper bound ~ 3.69/n at 95 % two-sided
    _, hi = clopper_pearson(0, 1e9, 0.95)
    assert hi == pytest.approx(3.689e-9, rel=1e-3)
    lo, hi = clopper_pearson(1, 100, 0.95)
    assert lo == pytest.approx(0.000253, abs=1e-6) and hi == pytest.approx(0.054460, abs=1e-6)


def test_clopper_pearson_rejects_impossible_counts():
    with pytest.raises(ConfigError):
        clopper_pearson(5, 3)


def test_counter_stops_each_channel_at_target_errors_or_max_bits():
    c = ErrorCounter(3, max_bits=1000, target_errors=10)
    c.add([12, 1, 0], 400)  # channel 0 reaches its target
    assert list(c.active) == [False, True, True]
    c.add([50, 2, 0], 400)
    assert list(c.errors) == [12, 3, 0] and list(c.bits) == [400, 800, 800]
    c.add([0, 1, 0], 400)
    assert c.done and list(c.bits) == [400, 1200, 1200]
    assert c.ber()[0] == pytest.approx(12 / 400)
    lo, hi = c.interval()
    assert np.all(lo <= c.ber()) and np.all(c.ber() <= hi)
