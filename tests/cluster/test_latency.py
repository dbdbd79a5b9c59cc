"""Link latency: time of flight from group indices, MOSAIC ends from the data path model."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.cluster.latency import (
    link_latency,
    load_to_use_ns,
    medium_group_index,
    mosaic_latency_ns,
    time_of_flight_ns,
)
from mosaiclink.config.cluster import PropagationSpec
from mosaiclink.config.datapath import DatapathSpec
from mosaiclink.datapath.framing import Framing
from mosaiclink.datapath.gearbox import Gearbox
from mosaiclink.datapath.latency import latency_breakdown_ns
from mosaiclink.datapath.protocols import host_protocol
from mosaiclink.errors import ConfigError
from mosaiclink.physics.fiber import core_group_index, silica_group_index, silica_index
from mosaiclink.system.catalog import Catalog, load_catalog
from mosaiclink.system.compare import default_design

DESIGN = default_design(800.0)
CATALOG = load_catalog()


def test_silica_group_index_textbook_values():
    # Bulk fused silica: n_g ~ 1.462 across 1.3-1.6 um with its minimum at the material zero-dispersion
    # wavelength, ~1.27 um (Agrawal, Fiber-Optic Communication Systems, sec. 2.3, fig. 2.10).
    assert silica_group_index(1310.0) == pytest.approx(1.462, abs=2e-3)
    assert silica_group_index(1550.0) == pytest.approx(1.463, abs=2e-3)
    grid = np.linspace(1000.0, 1600.0, 601)
    assert grid[np.argmin(silica_group_index(grid))] == pytest.approx(1273.0, abs=10.0)


@pytest.mark.parametrize("wavelength_nm", [450.0, 850.0, 1310.0, 1550.0])
def test_group_index_matches_numerical_derivative_of_sellmeier(wavelength_nm):
    b = np.array([0.6961663, 0.4079426, 0.8974794])
    c = np.array([0.0684043, 0.1162414, 9.896161])

    def n(lam_um):
        return np.sqrt(1 + (b * lam_um**2 / (lam_um**2 - c**2)).sum())

    lam, h = wavelength_nm * 1e-3, 1e-5
    numeric = n(lam) - lam * (n(lam + h) - n(lam - h)) / (2 * h)
    assert silica_group_index(wavelength_nm) == pytest.approx(numeric, abs=1e-7)


def test_time_of_flight_textbook_ns_per_m():
    # ~4.9 ns/m in single-mode silica, ~4.3 ns/m in foamed twinax (VF 0.78)
    prop = PropagationSpec()
    assert time_of_flight_ns(1.0, medium_group_index("singlemode", prop)) == pytest.approx(4.88, abs=0.02)
    assert time_of_flight_ns(1.0, medium_group_index("copper", prop)) == pytest.approx(4.3, abs=0.05)
    # the imaging fibre: its core's phase index plus silica's dispersion at the blue LED (1.465 -> 1.499)
    assert time_of_flight_ns(1.0, medium_group_index("imaging-fibre", prop, DESIGN)) == pytest.approx(5.000, abs=2e-3)


def test_core_group_index_is_silicas_at_silicas_own_index():
    # A core of pure silica's phase index has pure silica's group index (Malitson: n 1.4656, n_g 1.4997 at 450 nm)
    lam_nm = np.array([450.0, 850.0, 1310.0])
    np.testing.assert_allclose(core_group_index(silica_index(lam_nm), lam_nm), silica_group_index(lam_nm), rtol=1e-12)
    assert silica_index(450.0) == pytest.approx(1.4656, abs=2e-4)
    assert silica_group_index(450.0) == pytest.approx(1.4997, abs=3e-4)


@settings(max_examples=50, deadline=None)
@given(
    st.floats(0.0, 500.0),
    st.floats(0.0, 500.0),
    st.sampled_from(["copper", "multimode", "singlemode", "imaging-fibre"]),
)
def test_time_of_flight_additive_in_length(a_m, b_m, medium):
    index = medium_group_index(medium, PropagationSpec(), DESIGN)
    assert time_of_flight_ns(a_m + b_m, index) == pytest.approx(
        time_of_flight_ns(a_m, index) + time_of_flight_ns(b_m, index), abs=1e-9
    )


@pytest.mark.parametrize("host", ["pcie6", "800gbe"])
def test_mosaic_ends_match_the_data_path_model(host):
    spec = DatapathSpec(host=host, channels=DESIGN.array.data_channels)
    direct = latency_breakdown_ns(
        Gearbox(host_protocol(host), spec.channels, spec.mapping), Framing(spec.marker_period_bits), spec.skew_budget_ps
    )
    got = mosaic_latency_ns(DESIGN, host)
    assert got == direct
    parts = sum(v for k, v in got.items() if k != "total_ns")
    assert got["total_ns"] == pytest.approx(parts)
    table = link_latency(["mosaic"], CATALOG, 800.0, "typical", PropagationSpec(), DESIGN, host)
    assert table.ends_ns[0] == pytest.approx(direct["total_ns"])
    assert sum(table.components[0].values()) == pytest.approx(direct["total_ns"])


def test_kp4_host_costs_more_fec_latency_than_flits():
    # RS(544,514) blocks (2 x 5440 bits at 850 Gb/s) are far longer than 256-byte flits at 1024 Gb/s
    assert mosaic_latency_ns(DESIGN, "800gbe")["fec_ns"] > 5 * mosaic_latency_ns(DESIGN, "pcie6")["fec_ns"]


def test_catalog_rows_add_two_ends_plus_flight():
    techs = ["passive-dac", "aec", "dr8", "lpo"]
    table = link_latency(techs, CATALOG, 800.0, "typical", PropagationSpec(), DESIGN, "pcie6")
    lengths = np.array([0.5, 2.0, 30.0])
    one_way = table.one_way_ns(lengths)
    for k, tech in enumerate(techs):
        entry = CATALOG.entries(rate=800, technology=tech)[0]
        flight = time_of_flight_ns(lengths, medium_group_index(entry.medium, PropagationSpec()))
        np.testing.assert_allclose(one_way[:, k], 2 * entry.latency_ns_per_end.typical + flight)
    assert load_to_use_ns(one_way, 250.0, 10.0)[1, 0] == pytest.approx(260.0 + 2 * one_way[1, 0])


def test_missing_latency_is_one_clear_error():
    bare = Catalog(tuple(e.replace(latency_ns_per_end=None) for e in CATALOG.all_entries))
    with pytest.raises(ConfigError, match="aoc-800g.*latency_ns_per_end"):
        link_latency(["aoc"], bare, 800.0, "typical", PropagationSpec(), DESIGN, "pcie6")
    with pytest.raises(ConfigError, match="not in the catalog"):
        link_latency(["nope"], CATALOG, 800.0, "typical", PropagationSpec(), DESIGN, "pcie6")


def test_every_usable_catalog_entry_has_a_sourced_latency():
    for entry in CATALOG.entries():
        figure = entry.latency_ns_per_end
        assert figure is not None, entry.id
        assert figure.source_url and figure.confidence


def test_dsp_ends_are_slower_than_linear_ends_at_every_rate():
    # A DSP retime (ADC, equaliser, CDR) takes tens of ns; a linear driver/TIA a few gate delays; a passive cable none.
    for rate in CATALOG.rates_gbps():
        typical = {e.technology: e.latency_ns_per_end.typical for e in CATALOG.entries(rate=rate)}
        linear = [typical[t] for t in ("linear-acc", "lpo", "cpo") if t in typical]
        dsp = [typical[t] for t in ("aoc", "2xsr4", "dr8", "2xfr4") if t in typical]
        assert typical.get("passive-dac", 0.0) == 0.0
        if linear and dsp:
            assert max(linear) < typical.get("lro", min(dsp)) <= min(dsp)
