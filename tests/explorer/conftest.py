"""Explorer fixtures: the API app served by a real uvicorn on loopback over the real-chain world
(tests/api/conftest.py), and a real headless Chromium driven by selenium + chromedriver."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest

# The session-scoped real-chain world of the API tests, loaded by path (tests/ is no package).
_spec = importlib.util.spec_from_file_location(
    "ecoai_tests_api_world", Path(__file__).resolve().parents[1] / "api" / "conftest.py")
_api = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _api
_spec.loader.exec_module(_api)
world = _api.world
_rspec = importlib.util.spec_from_file_location(
    "ecoai_tests_api_real",
    Path(__file__).resolve().parents[1] / "api" / "test_real_certificates.py")
_real = importlib.util.module_from_spec(_rspec)
sys.modules[_rspec.name] = _real
_rspec.loader.exec_module(_real)
real = _real.real  # real proved/signed/submitted certificates (skips without ZK artifacts)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "explorer"


def _serve(settings):
    import uvicorn

    from ecoai_chain.api.app import create_app
    from ecoai_chain.chain.devnet import free_port

    port = free_port()
    app = create_app(settings)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", srv, t


@pytest.fixture(scope="session")
def server(world):
    from ecoai_chain.api.settings import ApiSettings

    url, srv, t = _serve(ApiSettings(db_url=world.db_url))
    yield url
    srv.should_exit = True
    t.join(timeout=10)


@pytest.fixture(scope="session")
def real_server(real):
    url, srv, t = _serve(real["settings"])
    yield url
    srv.should_exit = True
    t.join(timeout=10)


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not Path(chromium).exists() or not Path(driver_path).exists():
        pytest.skip("Debian chromium / chromium-driver not installed (scripts/setup.sh system)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    driver.set_page_load_timeout(30)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


@pytest.fixture
def shot(browser):
    def _shot(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        browser.save_screenshot(str(path))
        return path
    return _shot


@pytest.fixture
def serve_app():
    """serve_app(settings) -> base URL of the API app served by uvicorn for this test."""
    started = []

    def start(settings) -> str:
        url, srv, t = _serve(settings)
        started.append((srv, t))
        return url

    yield start
    for srv, t in started:
        srv.should_exit = True
        t.join(timeout=10)
