"""GPU selection as operators write it: UUIDs, indices, MIG, CUDA_/NVIDIA_VISIBLE_DEVICES."""

from __future__ import annotations

import pytest
from nvml_fake import fake_nvml

from ecoai_chain.energy.gpu_select import (
    from_environment,
    from_list,
    parse_cuda_visible_devices,
    parse_nvidia_visible_devices,
)
from ecoai_chain.energy.nvml import MIG_NOTE, NvmlSource
from ecoai_chain.errors import ConfigError, SourceError

GPUS = {"GPU-aaaa-1111": {"energy": [10], "power": [1]},
        "GPU-bbbb-2222": {"energy": [20], "power": [1]},
        "GPU-cccc-3333": {"energy": [30], "power": [1], "mig": True,
                          "mig_devices": ["MIG-c1", "MIG-c2"]}}


def opened(**kw):
    src = NvmlSource(nvml=fake_nvml({u: dict(g) for u, g in GPUS.items()}), **kw)
    src.open()
    return src


def test_all_gpus_by_default_and_by_the_word_all():
    assert opened().device_ids == list(GPUS)
    assert opened(devices=["all"]).device_ids == list(GPUS)


def test_by_index_by_uuid_and_by_unique_uuid_prefix_in_the_order_given():
    assert opened(devices=["1", "GPU-aaaa-1111"]).device_ids == ["GPU-bbbb-2222", "GPU-aaaa-1111"]
    assert opened(devices=["GPU-bbbb"]).device_ids == ["GPU-bbbb-2222"]
    twins = NvmlSource(nvml=fake_nvml({"GPU-ab-1": {}, "GPU-ab-2": {}}), devices=["GPU-ab"])
    with pytest.raises(SourceError, match="prefix matches 2 GPUs"):
        twins.open()
    with pytest.raises(SourceError, match="index 7.*NVML_ERROR_INVALID_ARGUMENT"):
        opened(devices=["7"])
    with pytest.raises(ConfigError, match="nvml_devices: 'gpu0' is not a GPU index"):
        opened(devices=["gpu0"])


def test_mig_instances_are_named_as_their_parent_gpus_energy():
    src = opened(devices=["MIG-c1", "MIG-c2", "0"])
    assert src.device_ids == ["GPU-cccc-3333", "GPU-aaaa-1111"]  # the parent, once
    assert src.mig_instances == {"GPU-cccc-3333": ["MIG-c1", "MIG-c2"]}
    assert f"{MIG_NOTE}: GPU-cccc-3333 for MIG-c1, MIG-c2" in src.label
    assert [s.note for s in src.read()] == [MIG_NOTE, ""]
    legacy = opened(devices=["MIG-GPU-cccc-3333/1/0"])  # drivers before R470
    assert legacy.device_ids == ["GPU-cccc-3333"]
    assert legacy.mig_instances == {"GPU-cccc-3333": ["MIG-GPU-cccc-3333/1/0"]}


def test_nvidia_visible_devices():
    assert parse_nvidia_visible_devices("all").all_gpus
    sel = parse_nvidia_visible_devices("2,GPU-aaaa-1111")
    assert sel.entries == ("2", "GPU-aaaa-1111") and sel.origin == "NVIDIA_VISIBLE_DEVICES"
    assert opened(devices=sel).device_ids == ["GPU-cccc-3333", "GPU-aaaa-1111"]
    for none in ("none", "void", "", "NONE"):
        with pytest.raises(ConfigError, match="exposes no GPU"):
            parse_nvidia_visible_devices(none)


def test_cuda_visible_devices_stops_at_the_first_invalid_entry_like_cuda():
    assert parse_cuda_visible_devices("0,2,-1,1", "PCI_BUS_ID").entries == ("0", "2")
    assert parse_cuda_visible_devices("GPU-bbbb-2222,MIG-c1", None).entries == (
        "GPU-bbbb-2222", "MIG-c1")
    with pytest.raises(ConfigError, match="no GPU visible"):
        parse_cuda_visible_devices("-1", "PCI_BUS_ID")
    with pytest.raises(ConfigError, match="no GPU visible"):
        parse_cuda_visible_devices("", None)


def test_cuda_indices_need_pci_bus_order_because_cuda_numbers_fastest_first():
    with pytest.raises(ConfigError, match="CUDA_DEVICE_ORDER=PCI_BUS_ID"):
        parse_cuda_visible_devices("1", None)
    with pytest.raises(ConfigError, match="CUDA_DEVICE_ORDER=PCI_BUS_ID"):
        parse_cuda_visible_devices("1", "FASTEST_FIRST")


def test_environment_nvidia_first_then_cuda_and_neither_is_an_error():
    env = {"NVIDIA_VISIBLE_DEVICES": "GPU-bbbb-2222", "CUDA_VISIBLE_DEVICES": "0",
           "CUDA_DEVICE_ORDER": "PCI_BUS_ID"}
    assert from_environment(env).entries == ("GPU-bbbb-2222",)
    del env["NVIDIA_VISIBLE_DEVICES"]
    sel = from_environment(env)
    assert sel.entries == ("0",) and sel.describe() == "0 (from CUDA_VISIBLE_DEVICES)"
    assert opened(devices=sel).device_ids == ["GPU-aaaa-1111"]
    with pytest.raises(ConfigError, match="neither NVIDIA_VISIBLE_DEVICES nor"):
        from_environment({})


def test_uuids_and_devices_are_one_setting():
    assert from_list([]).all_gpus and from_list([" "]).all_gpus
    with pytest.raises(ConfigError, match="not both"):
        NvmlSource(nvml=fake_nvml({}), uuids=["GPU-a"], devices=["0"])


def test_agent_settings_select_gpus_from_the_workload_environment(tmp_path):
    from attestor.config import AttestorSettings
    from attestor.runtime import energy_source

    s = AttestorSettings(data_dir=tmp_path, nvml_devices_from_env=True)
    src = energy_source(s, env={"NVIDIA_VISIBLE_DEVICES": "GPU-bbbb-2222"})
    assert src.selection.entries == ("GPU-bbbb-2222",)
    assert src.selection.origin == "NVIDIA_VISIBLE_DEVICES"
    assert energy_source(AttestorSettings(data_dir=tmp_path, nvml_devices=["1", "MIG-c1"]),
                         env={}).selection.entries == ("1", "MIG-c1")
    with pytest.raises(ValueError, match="choose the GPUs one way"):
        AttestorSettings(data_dir=tmp_path, nvml_devices=["0"], nvml_devices_from_env=True)


def test_agent_settings_turn_on_attribution_for_the_workloads_pids(tmp_path):
    from attestor.config import AttestorSettings
    from attestor.runtime import energy_source

    src = energy_source(AttestorSettings(data_dir=tmp_path, nvml_attribution_pids=[4242],
                                         nvml_attribution="accounting"), env={})
    assert src.attribution.pids == {4242} and src.attribution.mode == "accounting"
    assert energy_source(AttestorSettings(data_dir=tmp_path), env={}).attribution is None
