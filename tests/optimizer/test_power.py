"""Power limits: permission and support errors are clear; the old limit is restored."""

from __future__ import annotations

import pytest

from ecoai_chain.errors import ConfigError
from ecoai_chain.optimizer.power import NvmlPowerLimiter


class Nv:
    class NVMLError(Exception):
        pass

    class NVMLError_NoPermission(NVMLError):  # noqa: N801 (pynvml's names)
        pass

    class NVMLError_NotSupported(NVMLError):  # noqa: N801
        pass

    def __init__(self, deny=None):
        self.limit, self.deny, self.calls = 300_000, deny, []

    def nvmlInit(self):
        pass

    def nvmlDeviceGetCount(self):
        return 1

    def nvmlDeviceGetHandleByIndex(self, i):
        return i

    def nvmlDeviceGetPowerManagementLimit(self, h):
        return self.limit

    def nvmlDeviceGetPowerManagementLimitConstraints(self, h):
        return (100_000, 350_000)

    def nvmlDeviceSetPowerManagementLimit(self, h, mw):
        if self.deny:
            raise self.deny("denied")
        self.calls.append(mw)
        self.limit = mw


def test_sets_in_milliwatts_and_restores():
    nv = Nv()
    with NvmlPowerLimiter(nv) as lim:
        lim.set_watts(250)
        lim.set_watts(200.5)
        assert nv.limit == 200_500
    assert nv.calls == [250_000, 200_500, 300_000] and nv.limit == 300_000


@pytest.mark.parametrize("err,msg", [(Nv.NVMLError_NoPermission, "needs root"),
                                     (Nv.NVMLError_NotSupported, "does not support")])
def test_clear_errors(err, msg):
    with pytest.raises(ConfigError, match=msg):
        NvmlPowerLimiter(Nv(deny=err)).set_watts(200)


def test_out_of_range():
    with pytest.raises(ConfigError, match=r"outside this GPU's range \[100, 350\] W"):
        NvmlPowerLimiter(Nv()).set_watts(400)
