"""The TOML the attestor writes (tomlkit) reads back as the same settings, and updating a key
keeps the operator's comments."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attestor.config import load_settings, update_config, write_config
from ecoai_chain.errors import ConfigError

LABEL_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(labels=st.dictionaries(LABEL_TEXT, LABEL_TEXT, max_size=4),
       uuids=st.lists(LABEL_TEXT, max_size=3), uri=LABEL_TEXT)
def test_written_config_reads_back_identically(tmp_path, labels, uuids, uri):
    s = load_settings(None, region="FR", window_s=5, slot_count=12, work_labels=labels,
                      nvml_uuids=uuids, metadata_uri=uri, data_dir=tmp_path / "d i r")
    path = write_config(s, tmp_path / "c.toml")
    assert load_settings(path).model_dump() == s.model_dump()


def test_update_keeps_comments_and_other_keys(tmp_path):
    path = write_config(load_settings(None, region="FR"), tmp_path / "c.toml")
    path.write_text(path.read_text().replace('region = "FR"',
                                             '# the grid we sit on\nregion = "FR"  # Paris'))
    update_config(path, node_id=7, region="DE")
    text = path.read_text()
    assert "# the grid we sit on" in text and 'region = "DE"  # Paris' in text
    assert text.startswith("# EcoAI attestor configuration")
    s = load_settings(path)
    assert (s.node_id, s.region, s.window_s) == (7, "DE", 60)


def test_update_refuses_a_broken_file_naming_it(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("region = \n")
    with pytest.raises(ConfigError, match="c.toml"):
        update_config(path, node_id=1)
