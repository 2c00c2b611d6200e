"""The nginx recipe of docs/deploy.md, run: Debian's nginx with docs/nginx/backcare.conf in front of
the dashboard started with the command the guide gives, over HTTPS with a throwaway certificate.

The site file is used as written, with only its example name, ports and certificate paths replaced
(:func:`site_config` fails if any of them is no longer there, so the guide cannot drift from the
test). The browser reaches nginx as ``backcare.localhost`` (Chromium resolves ``*.localhost`` to
loopback), the name given to the dashboard's ``--public-url``, so its host allow-list is exercised.
"""

from __future__ import annotations

import datetime
import http.client
import os
import shlex
import ssl
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import services

from backcare_nb import Scenario, build_plan, load_content
from benchmarks.browser import free_port

pytestmark = pytest.mark.browser

REPO = services.REPO
SITE_CONFIG = REPO / "docs" / "nginx" / "backcare.conf"
DEPLOY_GUIDE = REPO / "docs" / "deploy.md"
ARTIFACTS = REPO / "tests" / "artifacts"
BIN = Path(sys.executable).parent
EXAMPLE_NAME = "backcare.example.org"
NAME = "backcare.localhost"
PAGE_READY_MS = 90_000
UPDATE_MS = 30_000


def documented_dashboard_command() -> list[str]:
    """The guide's command for the dashboard behind nginx (the one line with the example public URL)."""
    lines = [
        line.split("#", 1)[0].strip()
        for line in DEPLOY_GUIDE.read_text(encoding="utf-8").splitlines()
        if line.startswith("backcare-nb dashboard") and f"--public-url https://{EXAMPLE_NAME}/" in line
    ]
    assert len(lines) == 1, f"docs/deploy.md should give one nginx dashboard command, found {lines}"
    return shlex.split(lines[0])


def site_config(text: str, replacements: dict[str, str]) -> str:
    """The site file with each example value replaced; every one must be there to be replaced."""
    for example, value in replacements.items():
        assert example in text, f"docs/nginx/backcare.conf no longer contains {example!r}"
        text = text.replace(example, value)
    return text


def self_signed_certificate(folder: Path, name: str) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def main_config(folder: Path, site: Path) -> str:
    """The test's own nginx.conf around the site file, as Debian's includes sites-enabled in http {}."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the test's private temp folder
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "".join(f"    {kind}_temp_path {folder}/{kind};\n" for kind in kinds)
    return (
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n    access_log {folder}/access.log;\n{temp}    include {site};\n}}\n"
    )


@dataclass
class Nginx:
    origin: str  # https://backcare.localhost:PORT
    http_port: int
    https_port: int


@pytest.fixture(scope="module")
def nginx(tmp_path_factory) -> Iterator[Nginx]:
    executable = services.require_tool(
        ["/usr/sbin/nginx", "nginx"], "nginx", "`make test` installs Debian's nginx as root (SYSTEM_PACKAGES)"
    )
    folder = tmp_path_factory.mktemp("nginx")
    dashboard_port, http_port, https_port = free_port(), free_port(), free_port()
    cert, key = self_signed_certificate(folder, NAME)
    site = folder / "backcare.conf"
    site.write_text(
        site_config(
            SITE_CONFIG.read_text(encoding="utf-8"),
            {
                "listen 80;": f"listen 127.0.0.1:{http_port};",
                "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
                f"/etc/letsencrypt/live/{EXAMPLE_NAME}/fullchain.pem": str(cert),
                f"/etc/letsencrypt/live/{EXAMPLE_NAME}/privkey.pem": str(key),
                "proxy_pass http://127.0.0.1:8866;": f"proxy_pass http://127.0.0.1:{dashboard_port};",
                f"server_name {EXAMPLE_NAME};": f"server_name {NAME};",
            },
        ),
        encoding="utf-8",
    )
    conf = folder / "nginx.conf"
    conf.write_text(main_config(folder, site), encoding="utf-8")
    nginx_command = [executable, "-p", str(folder), "-c", str(conf)]

    checked = subprocess.run([*nginx_command, "-t"], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
    assert "warn" not in checked.stderr, checked.stderr

    origin = f"https://{NAME}:{https_port}"
    command = documented_dashboard_command()
    command[0] = str(BIN / command[0])
    command[command.index("--port") + 1] = str(dashboard_port)
    command[command.index("--public-url") + 1] = f"{origin}/"
    dashboard_log, nginx_log = ARTIFACTS / "nginx-dashboard.log", ARTIFACTS / "nginx.log"
    dashboard = services.start(command, dashboard_log, cwd=folder)
    proxy = None
    try:
        static = f"http://127.0.0.1:{dashboard_port}/voila/static/voila.js"
        services.wait_until_answering(static, dashboard, dashboard_log)
        proxy = services.start([*nginx_command, "-g", "daemon off;"], nginx_log, cwd=folder)
        services.wait_until_answering(f"http://127.0.0.1:{http_port}/", proxy, nginx_log)
        yield Nginx(origin=origin, http_port=http_port, https_port=https_port)
    finally:
        if proxy is not None:
            services.stop(proxy)
        services.stop(dashboard)
        print((folder / "error.log").read_text(errors="replace") if (folder / "error.log").exists() else "")


def test_plain_http_is_sent_to_https(nginx: Nginx) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", nginx.http_port, timeout=10)
    connection.request("GET", "/?days=3", headers={"Host": NAME})
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"https://{NAME}/?days=3"


def test_the_dashboard_works_through_nginx_over_https(nginx: Nginx, browser) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    websockets: list[str] = []
    page.on("websocket", lambda socket: websockets.append(socket.url))
    try:
        page.goto(f"{nginx.origin}/?days=7", wait_until="domcontentloaded")
        banner = page.locator(".bc-stage").first
        banner.wait_for(state="visible", timeout=PAGE_READY_MS)
        expect(banner).to_contain_text("Day 7", timeout=UPDATE_MS)
        assert page.evaluate("performance.getEntriesByType('navigation')[0].nextHopProtocol") == "h2"

        # The widgets' websocket goes through nginx too: the slider moves the plan.
        handle = page.locator(".widget-slider [role=slider]").first
        handle.focus()
        handle.press("ArrowRight")
        expect(banner).to_contain_text("Day 8", timeout=UPDATE_MS)
        expect(banner).to_contain_text(build_plan(Scenario(days_since_onset=8), load_content()).stage.label)
        assert websockets and all(url.startswith(f"wss://{NAME}:{nginx.https_port}/") for url in websockets)
    finally:
        context.close()


def test_a_name_the_dashboard_was_not_given_is_refused_through_nginx(nginx: Nginx) -> None:
    # nginx passes the Host on; the dashboard answers only to its --public-url name (DNS rebinding).
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    connection = http.client.HTTPSConnection("127.0.0.1", nginx.https_port, timeout=30, context=context)
    connection.request("GET", "/", headers={"Host": f"rebound.example.net:{nginx.https_port}"})
    response = connection.getresponse()
    assert response.status == 403
    assert "does not answer to that address" in response.read().decode()
