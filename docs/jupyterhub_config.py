"""JupyterHub for a course: every learner's server is the backcare dashboard and nothing else.

Use: ``jupyterhub -f docs/jupyterhub_config.py`` (docs/deploy.md). tests/browser/test_hub.py loads
this very file and adds only what belongs to the test: loopback ports, a dummy login, a spawner
that needs no system users, and a short culling timeout.

Not set here, because they depend on the site: the authenticator (your institution's login), the
spawner (LocalProcessSpawner needs a system user per learner; SystemdSpawner or DockerSpawner
isolate learners), TLS (nginx in front, docs/deploy.md) and ``c.JupyterHub.bind_url``.
"""

import os
import sys

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

# The learner's server: jupyter-server-proxy's standalone proxy (4.5.0 or later) checks the hub's
# login and proxies to one command, the dashboard, so there is no JupyterLab, terminal or file API.
# --absolute-url keeps the /user/NAME/ prefix on proxied requests, since --base-url tells Voila about it;
# --activity-interval=0: the proxy would otherwise report activity every 5 minutes whether or not
# anyone is looking, and the idle culler below would never stop a server.
# {port} and {base_url} are filled in by the standalone proxy, not by the hub. --max-kernels=4: one
# page needs one kernel (60 MB); the default is sized to the whole machine's memory, which inside a
# Kubernetes pod is the node's, not the pod's limit.
BACKCARE_COMMAND = [
    "jupyter-standaloneproxy",
    "--absolute-url",
    "--activity-interval=0",
    "--timeout=60",
    "--",
    "backcare-nb",
    "dashboard",
    "--port={port}",
    "--base-url={base_url}",
    "--no-browser",
    "--max-kernels=4",
]
c.Spawner.cmd = BACKCARE_COMMAND
c.Spawner.default_url = "/"  # the dashboard is the server's root; there is no /lab or /tree
# The address learners use. The dashboard answers only to host names it knows (DNS rebinding),
# and the handouts' QR code reopens the scenario for whoever scans it through /hub/user-redirect/.
c.Spawner.environment = {
    "BACKCARE_PUBLIC_URL": os.environ.get("BACKCARE_HUB_URL", "https://hub.example.org/").rstrip("/")
    + "/hub/user-redirect/",
}
c.Spawner.http_timeout = 60  # a busy machine takes a few seconds to start the proxy
c.JupyterHub.shutdown_on_logout = True  # logging out frees the learner's server at once

# Stop a learner's server after an hour without traffic through the hub's proxy (a page left open
# keeps it alive: its websocket pings), checked every 10 minutes: Zero to JupyterHub's defaults.
c.JupyterHub.services = [
    {
        "name": "jupyterhub-idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600", "--cull-every=600"],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "jupyterhub-idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["jupyterhub-idle-culler"],
    }
]
