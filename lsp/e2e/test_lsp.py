"""End-to-end tests of `k8sc lsp` with an independent LSP client (pytest-lsp / pygls)."""

import asyncio
import json
import subprocess
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from conftest import K8SC

TIMEOUT = 20


def uri_of(client: LanguageClient, name: str) -> str:
    return (client.workspace_path / name).as_uri()


def open_doc(client: LanguageClient, name: str = "app.k8s") -> str:
    path: Path = client.workspace_path / name
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="k8s", version=1, text=path.read_text()
            )
        )
    )
    return uri


def position_of(client: LanguageClient, needle: str, delta: int = 0, name: str = "app.k8s"):
    text = (client.workspace_path / name).read_text()
    offset = text.index(needle) + delta
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return types.Position(line=line, character=column)


async def wait_for_diagnostics(client: LanguageClient, uri: str, predicate):
    """Waits until the diagnostics published for `uri` satisfy `predicate`."""

    async def wait():
        while not (uri in client.diagnostics and predicate(client.diagnostics[uri])):
            await client.wait_for_notification("textDocument/publishDiagnostics")

    await asyncio.wait_for(wait(), TIMEOUT)
    return client.diagnostics[uri]


def replace(client, uri, version, start, end, text):
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=start, end=end), text=text
                )
            ],
        )
    )


def codes(diagnostics):
    return sorted(str(d.code) for d in diagnostics)


async def test_initialize_advertises_the_features(client: LanguageClient):
    caps = client.initialize_result.capabilities
    assert caps.hover_provider
    assert caps.definition_provider and caps.references_provider
    assert caps.rename_provider.prepare_provider
    assert caps.completion_provider is not None
    assert caps.semantic_tokens_provider.range and caps.semantic_tokens_provider.full
    assert caps.inlay_hint_provider and caps.code_action_provider
    assert caps.signature_help_provider is not None
    assert "k8sc.preview" in caps.execute_command_provider.commands
    assert client.initialize_result.server_info.name == "k8sc"


async def test_diagnostics_after_open_and_after_an_edit(client: LanguageClient):
    uri = open_doc(client)
    await wait_for_diagnostics(client, uri, lambda d: len(d) == 0)
    # memory: 256Mi -> memory: 500m (E0004, the wrong unit), the same as `k8sc check`.
    start = position_of(client, "256Mi")
    replace(client, uri, 2, start, types.Position(line=start.line, character=start.character + 5), "500m")
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) > 0)
    assert codes(diagnostics) == ["E0004"]
    assert diagnostics[0].range.start.line == start.line
    assert diagnostics[0].code_description.href.endswith("E0004.md")
    # The CLI agrees on the same text.
    path = client.workspace_path / "app.k8s"
    path.write_text(path.read_text().replace("memory: 256Mi", "memory: 500m", 1))
    cli = subprocess.run([K8SC, "check", str(client.workspace_path), "--format", "json"],
                         capture_output=True, text=True, check=False)
    reported = json.loads(cli.stdout)["diagnostics"]
    assert [(d["code"], d["primary"]["line"] - 1) for d in reported] == [
        (str(d.code), d.range.start.line) for d in diagnostics
    ]


async def test_an_edit_in_one_file_updates_another(client: LanguageClient):
    other = client.workspace_path / "jobs.k8s"
    other.write_text('cron cleanup {\n  schedule: "@daily"\n  image: "ghcr.io/acme/cleanup:1.0.0"\n  calls: [shop.api]\n}\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=other.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    uri = open_doc(client)
    at = position_of(client, "service api", 8)
    replace(client, uri, 2, at, types.Position(line=at.line, character=at.character + 3), "orders")
    broken = await wait_for_diagnostics(client, other.as_uri(), lambda d: "E0005" in codes(d))
    assert "cannot find workload or external host `api`" in broken[0].message
    replace(client, uri, 3, at, types.Position(line=at.line, character=at.character + 6), "api")
    await wait_for_diagnostics(client, other.as_uri(), lambda d: "E0005" not in codes(d))


async def test_hover_shows_the_effective_value_and_its_origin(client: LanguageClient):
    uri = open_doc(client)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri),
                          position=position_of(client, "cron nightly_report", 6))
    )
    text = hover.contents.value
    assert "Yesterday's sales" in text
    assert "compiles to: ServiceAccount nightly-report, CronJob nightly-report" in text
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri),
                          position=position_of(client, "memory: 256Mi", 1))
    )
    assert "`memory: 256Mi` — from this workload (app.k8s:" in hover.contents.value


async def test_definition_and_references(client: LanguageClient):
    uri = open_doc(client)
    definition = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=uri),
                               position=position_of(client, "calls: [api]", 8))
    )
    assert definition.uri == uri
    assert definition.range.start == position_of(client, "service api", 8)
    tier = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=uri),
                               position=position_of(client, "tier: production", 7))
    )
    assert tier.uri == "k8sc:/std/tiers.k8s"
    std = await client.protocol.send_request_async("k8sc/virtualDocument", {"uri": tier.uri})
    assert "tier production: foundation" in std.text
    references = await client.text_document_references_async(
        types.ReferenceParams(text_document=types.TextDocumentIdentifier(uri=uri),
                              position=position_of(client, "database db", 9),
                              context=types.ReferenceContext(include_declaration=True))
    )
    assert len(references) == 3


async def test_rename_a_workload(client: LanguageClient):
    uri = open_doc(client)
    at = position_of(client, "service api", 9)
    prepared = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
    )
    assert prepared.placeholder == "api"
    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at,
                           new_name="orders")
    )
    # The declaration, `calls: [api]`, and the environments' paths: `api.replicas` and `api.env`
    # in dev, `api.replicas` and `api { allow … }` in staging.
    assert len(edit.changes[uri]) == 6
    assert all(e.new_text == "orders" for e in edit.changes[uri])


async def test_completion(client: LanguageClient):
    uri = open_doc(client)
    # In `api`'s calls: the app's other workloads and its external hosts, not `api` itself.
    at = position_of(client, "  calls: [db, stripe]", 10)
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
    )
    labels = [item.label for item in result]
    assert "db" in labels and "web" in labels and "stripe" in labels and "api" not in labels
    spread_line = position_of(client, "  replicas: 3..12", 0)
    replace(client, uri, 2, spread_line, spread_line, "  spread: \n")
    at = types.Position(line=spread_line.line, character=10)
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
    )
    assert [item.label for item in result] == ["zones", "regions", "hosts", "none"]


async def test_hover_and_completion_inside_environments(client: LanguageClient):
    uri = open_doc(client)

    async def hover(needle, delta):
        result = await client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri),
                              position=position_of(client, needle, delta))
        )
        return result.contents.value

    replicas = await hover("web.replicas: 1", 5)
    assert replicas.startswith("**replicas** — ")
    assert "`replicas: 1` — from environment `dev` (app.k8s:" in replicas
    revision = await hover("gitops.revision", 9)
    assert revision.startswith("**revision** — ")
    allow = await hover("allow production.replicas_min because \"staging", 2)
    assert "`api` is not checked against this rule in environment `staging`" in allow
    # Typing `gitops.` in dev: the GitOps fields an environment may override.
    line = position_of(client, "  web.replicas: 1", 0)
    replace(client, uri, 2, line, line, "  gitops.\n")
    at = types.Position(line=line.line, character=9)
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
    )
    labels = [item.label for item in result]
    assert labels == ["gitops.repo", "gitops.path", "gitops.revision", "gitops.sync"]


async def test_formatting(client: LanguageClient):
    """The same formatter as `k8sc fmt`: the edit turns the buffer into what `k8sc fmt` writes."""
    uri = open_doc(client)
    path = client.workspace_path / "app.k8s"
    messy = path.read_text().replace("  namespace: shop", "     namespace:    shop")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=messy)],
    ))
    assert client.initialize_result.capabilities.document_formatting_provider
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        options=types.FormattingOptions(tab_size=2, insert_spaces=True),
    ))
    assert len(edits) == 1
    path.write_text(messy)
    subprocess.run([K8SC, "fmt", str(path)], check=True, capture_output=True)
    assert edits[0].new_text == path.read_text()


async def test_preview_and_semantic_tokens_and_inlay_hints(client: LanguageClient):
    uri = open_doc(client)
    at = position_of(client, "service web", 9)
    preview = await client.protocol.send_request_async(
        "k8sc/preview",
        {"textDocument": {"uri": uri}, "position": {"line": at.line, "character": at.character}},
    )
    # The shop declares environments: the editor shows the first, `dev` (one replica, no HPA).
    assert preview.title == "service `web` in environment `dev`"
    # In the mesh, an exposed service is routed by an Istio Gateway and VirtualService.
    assert "kind: Deployment" in preview.yaml and "kind: VirtualService" in preview.yaml
    tokens = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert len(tokens.data) > 5 * 50
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=types.TextDocumentIdentifier(uri=uri),
                              range=types.Range(start=types.Position(line=0, character=0),
                                                end=types.Position(line=200, character=0)))
    )
    labels = ["".join(p.value for p in h.label) for h in hints]
    # In `dev` (the first environment) the shop runs on tier foundation.
    assert any(label.endswith("from tier foundation") for label in labels), labels


async def test_cancellation_under_rapid_edits(client: LanguageClient):
    """Fifty edits in a row with hovers in flight: every hover answers (a result or
    ContentModified, never an internal error) and the final diagnostics match the final text."""
    uri = open_doc(client)
    at = position_of(client, "memory: 256Mi", 8)
    hovers = []
    for version in range(2, 52):
        digit = str(version % 10)
        replace(client, uri, version, at, types.Position(line=at.line, character=at.character + 1), digit)
        hovers.append(asyncio.ensure_future(client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at))))
    results = await asyncio.wait_for(asyncio.gather(*hovers, return_exceptions=True), TIMEOUT)
    for result in results:
        if isinstance(result, Exception):
            assert isinstance(result, JsonRpcException) and "modified" in str(result).lower(), result
    # The last edit wrote `1` (version 51): `memory: 156Mi` is valid.
    await wait_for_diagnostics(client, uri, lambda d: len(d) == 0)
    # A last edit to a wrong unit: the server is alive and current.
    replace(client, uri, 52, at, types.Position(line=at.line, character=at.character + 5), "1m")
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) > 0)
    assert codes(diagnostics) == ["E0004"]


async def test_garbage_never_breaks_the_server(client: LanguageClient):
    uri = uri_of(client, "junk.k8s")
    text = 'service { image: [[[ "x\n}}} tier: : ::\nimport ../../../x.{\napp a { policies: [p(] }\n\u00e9\U0001F600 {'
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="k8s", version=1, text=text)))
    for line in range(6):
        for character in range(0, 30, 3):
            position = types.Position(line=line, character=character)
            document = types.TextDocumentIdentifier(uri=uri)
            await client.text_document_hover_async(types.HoverParams(text_document=document, position=position))
            await client.text_document_completion_async(types.CompletionParams(text_document=document, position=position))
            await client.text_document_definition_async(types.DefinitionParams(text_document=document, position=position))
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) > 0)
    assert "E0001" in codes(diagnostics)


async def test_shutdown(client: LanguageClient):
    await client.shutdown_async(None)
    client.exit(None)
    code = await asyncio.wait_for(client._server.wait(), TIMEOUT)
    assert code == 0
    client.capabilities = None  # the fixture must not shut down twice
