"""docs/z2jh-values.yaml and docs/docker/Dockerfile agree with docs/jupyterhub_config.py, the file
tests/browser/test_hub.py runs on a real hub, and the memory they ask for fits the measurement.

No Kubernetes cluster or container engine runs here: what can be checked is that the chart would
get the very command, default URL, environment and culling the local hub test ran.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from traitlets.config import Config

REPO = Path(__file__).resolve().parents[1]
VALUES = REPO / "docs" / "z2jh-values.yaml"
HUB_CONFIG = REPO / "docs" / "jupyterhub_config.py"
DOCKERFILE = REPO / "docs" / "docker" / "Dockerfile"
# tests/browser/test_hub.py (tests/artifacts/hub-memory.json), 2026-11-27: one learner with one page
# open, resident: standalone proxy 80 MB + dashboard server 98 MB + kernel 60 MB; each further page
# adds a kernel.
MEASURED_LEARNER_MB = 238
MEASURED_KERNEL_MB = 60
UNITS = {"K": 1000, "M": 1000**2, "G": 1000**3, "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3}


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def hub_config() -> Config:
    """docs/jupyterhub_config.py as JupyterHub loads it, with no BACKCARE_HUB_URL in the environment."""
    config = Config()
    namespace = {"get_config": lambda: config, "__file__": str(HUB_CONFIG)}
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("BACKCARE_HUB_URL", raising=False)
        exec(compile(HUB_CONFIG.read_text(encoding="utf-8"), str(HUB_CONFIG), "exec"), namespace)
    return config


def megabytes(quantity: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)([KMG]i?)", str(quantity)).groups()
    return float(number) * UNITS[unit] / 1000**2


def test_the_chart_runs_the_command_the_hub_test_runs(values: dict, hub_config: Config) -> None:
    command = values["singleuser"]["cmd"]
    assert command == hub_config.Spawner.cmd
    assert command[0] == "jupyter-standaloneproxy"
    assert command[command.index("--") + 1 : command.index("--") + 3] == ["backcare-nb", "dashboard"]
    assert values["singleuser"]["defaultUrl"] == hub_config.Spawner.default_url == "/"


def test_the_chart_gives_the_learners_address_like_the_hub_config(values: dict, hub_config: Config) -> None:
    public_url = values["singleuser"]["extraEnv"]["BACKCARE_PUBLIC_URL"]
    assert public_url == hub_config.Spawner.environment["BACKCARE_PUBLIC_URL"]
    assert public_url.endswith("/hub/user-redirect/")


def test_no_volume_per_learner_and_memory_sized_from_the_measurement(values: dict) -> None:
    singleuser = values["singleuser"]
    assert singleuser["storage"]["type"] == "none"
    guarantee, limit = megabytes(singleuser["memory"]["guarantee"]), megabytes(singleuser["memory"]["limit"])
    kernels = int(next(arg for arg in singleuser["cmd"] if arg.startswith("--max-kernels=")).split("=")[1])
    assert MEASURED_LEARNER_MB <= guarantee < 1000  # the chart's default 1G reserves 30 GB for 30 learners
    assert limit >= MEASURED_LEARNER_MB + (kernels - 1) * MEASURED_KERNEL_MB  # every page --max-kernels allows


def test_the_chart_culls_and_frees_like_the_hub_config(values: dict, hub_config: Config) -> None:
    (service,) = hub_config.JupyterHub.services
    arguments = dict(arg.removeprefix("--").split("=") for arg in service["command"] if arg.startswith("--"))
    expected = {"enabled": True, "timeout": int(arguments["timeout"]), "every": int(arguments["cull-every"])}
    assert values["cull"] == expected
    assert values["hub"]["shutdownOnLogout"] is hub_config.JupyterHub.shutdown_on_logout is True


def test_the_image_is_built_from_the_project_and_runs_the_same_command(values: dict) -> None:
    lines = DOCKERFILE.read_text(encoding="utf-8").splitlines()
    (command,) = [json.loads(line.removeprefix("CMD ")) for line in lines if line.startswith("CMD ")]
    assert command == values["singleuser"]["cmd"]
    sources = [part for line in lines if line.startswith("COPY ") for part in line.split()[1:-1]]
    copied = {source.rstrip("/").split("/")[0] for source in sources}
    assert copied and all((REPO / part).exists() for part in copied), copied
    assert "jupyter-server-proxy>=4.5" in DOCKERFILE.read_text(encoding="utf-8")
    assert any(line.startswith("USER 1000") for line in lines)  # the chart's singleuser.uid
