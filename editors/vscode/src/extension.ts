// The k8sc extension: starts `k8sc lsp` (the path is configurable), serves the standard
// library's read-only `k8sc:` documents, and shows the YAML a declaration compiles to in a
// side panel that follows the source as it changes.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

const STD_SCHEME = "k8sc";
const PREVIEW_SCHEME = "k8sc-preview";

let client: LanguageClient | undefined;

interface PreviewResult {
  title: string;
  yaml: string;
  documents: number;
}

function serverOptions(): ServerOptions {
  const config = vscode.workspace.getConfiguration("k8sc");
  const command = config.get<string>("server.path") || "k8sc";
  const extraEnv = config.get<Record<string, string>>("server.extraEnv") || {};
  return {
    command,
    args: ["lsp"],
    transport: TransportKind.stdio,
    options: { env: { ...process.env, ...extraEnv } },
  };
}

function startClient(context: vscode.ExtensionContext): LanguageClient {
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "k8s" },
      { scheme: "untitled", language: "k8s" },
      { scheme: STD_SCHEME, language: "k8s" },
    ],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.k8s"),
    },
  };
  const languageClient = new LanguageClient("k8sc", "k8sc", serverOptions(), clientOptions);
  context.subscriptions.push(languageClient);
  void languageClient.start();
  return languageClient;
}

/** The standard library's modules, served by the language server. */
class StdlibProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    if (!client) {
      return "";
    }
    const result = await client.sendRequest<{ text: string } | null>("k8sc/virtualDocument", {
      uri: uri.toString(),
    });
    return result?.text ?? "";
  }
}

/** The YAML preview: one virtual document per source document and position. */
class PreviewProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly open = new Map<string, vscode.Uri>();

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    if (!client) {
      return "# the k8sc language server is not running\n";
    }
    const query = JSON.parse(decodeURIComponent(uri.query)) as {
      source: string;
      line: number;
      character: number;
    };
    const result = await client.sendRequest<PreviewResult | null>("k8sc/preview", {
      textDocument: { uri: query.source },
      position: { line: query.line, character: query.character },
    });
    if (!result) {
      return "# no declaration here\n";
    }
    return `# ${result.title}: ${result.documents} document(s)\n${result.yaml}`;
  }

  uriFor(editor: vscode.TextEditor): vscode.Uri {
    const position = editor.selection.active;
    const query = encodeURIComponent(
      JSON.stringify({
        source: editor.document.uri.toString(),
        line: position.line,
        character: position.character,
      }),
    );
    const name = editor.document.uri.path.split("/").pop() ?? "preview";
    const uri = vscode.Uri.parse(`${PREVIEW_SCHEME}:/${name}.yaml?${query}`);
    this.open.set(editor.document.uri.toString(), uri);
    return uri;
  }

  /** The source changed: refresh its preview. */
  refresh(source: vscode.Uri): void {
    const preview = this.open.get(source.toString());
    if (preview) {
      this.changed.fire(preview);
    }
  }
}

export function activate(context: vscode.ExtensionContext): void {
  client = startClient(context);
  const previews = new PreviewProvider();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(STD_SCHEME, new StdlibProvider()),
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previews),
    vscode.commands.registerCommand("k8sc.preview", async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.document.languageId !== "k8s") {
        void vscode.window.showInformationMessage("Open a .k8s file to preview what it compiles to.");
        return;
      }
      const document = await vscode.workspace.openTextDocument(previews.uriFor(editor));
      await vscode.languages.setTextDocumentLanguage(document, "yaml");
      await vscode.window.showTextDocument(document, {
        viewColumn: vscode.ViewColumn.Beside,
        preserveFocus: true,
        preview: true,
      });
    }),
    vscode.commands.registerCommand("k8sc.restartServer", async () => {
      if (client) {
        await client.stop();
      }
      client = startClient(context);
    }),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document.languageId === "k8s") {
        previews.refresh(event.document.uri);
      }
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("k8sc.server")) {
        await vscode.commands.executeCommand("k8sc.restartServer");
      }
    }),
  );
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
