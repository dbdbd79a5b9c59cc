"""The per-channel line rate comes from the host protocol: one function, checked against the data
path's own gearbox and framing, and enforced on every design."""

import pytest

from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.line_rate import required_line_rate_gbps
from mosaiclink.config.presets import load_preset
from mosaiclink.datapath.framing import Framing
from mosaiclink.datapath.gearbox import Gearbox
from mosaiclink.datapath.protocols import host_protocol
from mosaiclink.errors import ConfigError


def test_800gbe_over_400_channels_is_2_1458_gbps():
    # 8 x 106.25 Gb/s of RS(544,514) = 850 Gb/s; / 400 channels; x (4096 + 40) / 4096 markers
    assert required_line_rate_gbps("800gbe", 400) == pytest.approx(850.0 / 400 * 4136 / 4096)
    assert required_line_rate_gbps("800gbe", 400) == pytest.approx(2.14575, abs=1e-5)


@pytest.mark.parametrize("host, channels", [("800gbe", 400), ("1.6tbe", 784), ("pcie6", 512), ("raw", 400)])
def test_matches_the_data_path_gearbox_and_framing(host, channels):
    gearbox_rate = Gearbox(host_protocol(host), channels, "bit-interleaved").payload_rate_gbps()
    assert required_line_rate_gbps(host, channels) == pytest.approx(Framing(4096).line_rate_gbps(gearbox_rate))


def test_presets_run_at_their_host_need():
    for name, host in (("mosaic-800g", "800gbe"), ("mosaic-1.6t", "1.6tbe")):
        design = load_preset(name)
        assert design.link.host_protocol == host
        assert design.link.rate_gbps == pytest.approx(required_line_rate_gbps(host, design.array.data_channels))
        assert design.required_rate_gbps == design.link.rate_gbps
    assert load_preset("mosaic-prototype").link.rate_gbps == 2.0  # a pattern-generator lab link


def test_a_rate_below_the_need_is_refused_with_the_reason():
    with pytest.raises(ConfigError, match=r"link.rate_gbps = 2 is below the 2.1458 Gb/s .* 800gbe .* 400 data"):
        load_preset("mosaic-800g").with_link(rate_gbps=2.0)
    faster = load_preset("mosaic-800g").with_link(rate_gbps=2.5)  # running faster than needed is allowed
    assert faster.link.rate_gbps == 2.5


def test_more_data_channels_need_less_per_channel():
    small = MosaicDesign.from_mapping({"link": {"host_protocol": "800gbe"}, "array": {"rows": 20, "cols": 20}})
    large = MosaicDesign.from_mapping({"link": {"host_protocol": "800gbe"}, "array": {"rows": 20, "cols": 25}})
    assert large.link.rate_gbps == pytest.approx(small.link.rate_gbps * 400 / 500)
    with pytest.raises(ConfigError, match="host protocol"):
        required_line_rate_gbps("200gbe", 100)
