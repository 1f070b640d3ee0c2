"""The real `k8sc lsp` binary, driven over stdio by pytest-lsp's independent client (pygls).

The binary is `$K8SC_BIN` (default: the repository's target/debug/k8sc); each test gets its own
copy of examples/shop as the workspace folder.
"""

import os
import shutil
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

REPO = Path(__file__).resolve().parents[2]
K8SC = os.environ.get("K8SC_BIN", str(REPO / "target" / "debug" / "k8sc"))


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(REPO / "examples" / "shop", target)
    return target


def accept_registration(client: LanguageClient, params: types.RegistrationParams):
    """VS Code's capabilities allow dynamic registration: accept it, as VS Code does."""
    client.registrations = [r.method for r in params.registrations]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[K8SC, "lsp"]))
async def client(lsp_client: LanguageClient, shop: Path):
    lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)(accept_registration)
    params = types.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
        workspace_folders=[types.WorkspaceFolder(uri=shop.as_uri(), name="shop")],
        root_uri=shop.as_uri(),
    )
    lsp_client.initialize_result = await lsp_client.initialize_session(params)
    lsp_client.workspace_path = shop
    yield
    await lsp_client.shutdown_session()
