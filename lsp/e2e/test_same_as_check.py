"""Opening examples/shop and introducing an error from the foundation list shows, as you type,
exactly what `k8sc check` reports on the same text (code, line, message)."""

import json
import subprocess

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import K8SC
from test_lsp import open_doc, wait_for_diagnostics

# (what, text in examples/shop/app.k8s, replacement)
MUTATIONS = [
    ("syntax error", "  port: http 8080\n", "  port http 8080\n"),
    ("unknown field", "  memory: 256Mi ", "  memroy: 256Mi "),
    ("wrong type", "  namespace: shop", "  namespace: [shop]"),
    ("wrong unit", "memory: 256Mi", "memory: 500m"),
    ("unresolved call", "calls: [api]", "calls: [apii]"),
    ("unresolved tier", "tier: production ", "tier: prodution "),
    ("duplicate name", "service api {", "service web {"),
    ("inverted range", "replicas: 3..12", "replicas: 12..3"),
    ("port out of range", "port: http 8080", "port: http 80800"),
    ("invalid name", "service api {", "service API {"),
    ("invalid image", '"ghcr.io/acme/web:2.3.1"', '"ghcr.io/acme/web::2.3.1"'),
    ("invalid cron", '"0 2 * * *"', '"0 25 * * *"'),
    ("literal secret", "DATABASE_URL: secret db-credentials.url", 'DATABASE_URL: "postgres://u:hunter2@db/x"'),
    ("limit below request", "cpu: 500m..2", "cpu: 2..500m"),
    ("rule violation", "replicas: 2..6", "replicas: 1"),
    ("unpinned image", '"ghcr.io/acme/report:1.0.0"', '"ghcr.io/acme/report:latest"'),
]


def check(client: LanguageClient):
    result = subprocess.run([K8SC, "check", str(client.workspace_path), "--format", "json"],
                            capture_output=True, text=True, check=False)
    return [
        (d["code"], d["primary"]["line"] - 1, d["message"])
        for d in json.loads(result.stdout)["diagnostics"]
        if d["primary"]["file"] == "app.k8s"
    ]


@pytest.mark.parametrize("what,old,new", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_same_diagnostics_as_check(client: LanguageClient, what, old, new):
    uri = open_doc(client)
    await wait_for_diagnostics(client, uri, lambda d: len(d) == 0)
    path = client.workspace_path / "app.k8s"
    text = path.read_text()
    assert old in text, what
    edited = text.replace(old, new, 1)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=edited)],
    ))
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) > 0)
    path.write_text(edited)
    expected = check(client)
    assert expected, f"{what}: k8sc check reports nothing"
    shown = [(str(d.code), d.range.start.line, d.message.split("\n")[0]) for d in diagnostics]
    assert shown == expected, what
