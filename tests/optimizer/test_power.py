"""Power limits: permission and support errors are clear; the old limit is restored."""

from __future__ import annotations

import pynvml
import pytest
from nvml_fake import fake_nvml

from ecoai_chain.errors import ConfigError
from ecoai_chain.optimizer.power import NvmlPowerLimiter


def nv(deny=None):
    return fake_nvml({"GPU-0": {"limit_mw": 300_000, "limit_range_mw": (100_000, 350_000),
                                "set_limit_error": deny}})


def test_sets_in_milliwatts_and_restores():
    n = nv()
    with NvmlPowerLimiter(n) as lim:
        lim.set_watts(250)
        lim.set_watts(200.5)
        assert n.nvmlDeviceGetPowerManagementLimit("h-GPU-0") == 200_500
    assert [mw for _u, mw in n.set_limit_calls] == [250_000, 200_500, 300_000]
    assert n.nvmlDeviceGetPowerManagementLimit("h-GPU-0") == 300_000


@pytest.mark.parametrize("err,msg", [(pynvml.NVML_ERROR_NO_PERMISSION, "needs root"),
                                     (pynvml.NVML_ERROR_NOT_SUPPORTED, "does not support")])
def test_clear_errors(err, msg):
    with pytest.raises(ConfigError, match=msg):
        NvmlPowerLimiter(nv(deny=err)).set_watts(200)


def test_out_of_range():
    with pytest.raises(ConfigError, match=r"outside this GPU's range \[100, 350\] W"):
        NvmlPowerLimiter(nv()).set_watts(400)
