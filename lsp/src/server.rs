//! The `LanguageServer` implementation: notifications edit the [`Workspace`] in the order they
//! arrive; requests run on snapshots through [`dispatch`]; diagnostics are recomputed after
//! every change and published for every file whose diagnostics changed.

use crate::capabilities;
use crate::dispatch::{self, Outcome};
use crate::features;
use crate::line_index::Encoding;
use crate::snapshot::Snapshot;
use crate::workspace::Workspace;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, ClientSocket, LanguageServer, LspService};

/// How often a request cancelled by an edit elsewhere is run again before giving up.
const RETRIES: usize = 3;

/// The k8sc language server.
pub struct K8scServer {
    client: Client,
    workspace: Arc<Mutex<Workspace>>,
    diagnostics: Arc<PublishedDiagnostics>,
    watch_files: std::sync::atomic::AtomicBool,
}

/// A file's published diagnostics and the version of the document they were computed for.
type Published = (Vec<Diagnostic>, Option<i32>);

/// What was last published, so only changed files are published again, and stale runs never
/// overwrite newer ones.
#[derive(Default)]
struct PublishedDiagnostics {
    generation: AtomicU64,
    /// Per file: its diagnostics and the document version they were computed for.
    published: tokio::sync::Mutex<BTreeMap<Uri, Published>>,
}

/// The service to serve (with the custom `k8sc/…` requests) and its client socket.
pub fn service() -> (LspService<K8scServer>, ClientSocket) {
    LspService::build(K8scServer::new)
        .custom_method("k8sc/preview", K8scServer::preview)
        .custom_method("k8sc/virtualDocument", K8scServer::virtual_document)
        .finish()
}

impl K8scServer {
    /// A server talking to `client`, with an empty workspace until `initialize`.
    pub fn new(client: Client) -> K8scServer {
        K8scServer {
            client,
            workspace: Arc::new(Mutex::new(Workspace::default())),
            diagnostics: Arc::new(PublishedDiagnostics::default()),
            watch_files: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The workspace (a panic elsewhere never leaves it unusable).
    fn lock(&self) -> MutexGuard<'_, Workspace> {
        self.workspace
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn snapshot(&self) -> Snapshot {
        self.lock().snapshot()
    }

    /// Applies a notification to the workspace. A panic is caught and logged: the notification
    /// is dropped, the server carries on.
    async fn edit<R>(&self, what: &str, f: impl FnOnce(&mut Workspace) -> R) -> Option<R> {
        let outcome = catch_unwind(AssertUnwindSafe(|| f(&mut self.lock())));
        match outcome {
            Ok(value) => Some(value),
            Err(payload) => {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".to_string());
                self.client
                    .log_message(
                        MessageType::ERROR,
                        format!("k8sc: `{what}` failed: {message}"),
                    )
                    .await;
                None
            }
        }
    }

    /// Runs a request on a snapshot. Cancelled by an edit: run again on the new revision, unless
    /// the request's own document changed (then `ContentModified`: its positions are stale).
    async fn request<T, F>(&self, what: &str, uri: Option<&Uri>, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&Snapshot) -> T + Send + Sync + 'static,
    {
        let f = Arc::new(f);
        for _ in 0..RETRIES {
            let (snapshot, version) = {
                let workspace = self.lock();
                let version = uri
                    .and_then(|u| workspace.paths().display_path(u))
                    .and_then(|p| workspace.version(&p));
                (workspace.snapshot(), version)
            };
            let f = f.clone();
            match dispatch::run(snapshot, move |s| f(s)).await {
                Outcome::Done(value) => return Ok(value),
                Outcome::Cancelled => {
                    let workspace = self.lock();
                    let now = uri
                        .and_then(|u| workspace.paths().display_path(u))
                        .and_then(|p| workspace.version(&p));
                    if now != version {
                        return Err(Error::content_modified());
                    }
                }
                Outcome::Panicked(message) => {
                    let text = format!("k8sc: `{what}` failed: {message}");
                    self.client.log_message(MessageType::ERROR, &text).await;
                    let mut error = Error::internal_error();
                    error.message = text.into();
                    return Err(error);
                }
            }
        }
        Err(Error::content_modified())
    }

    /// Shows the user what the workspace noted about files it did not load (a FIFO skipped, a
    /// file it cannot read), as `k8sc check` prints it.
    async fn tell_notices(&self) {
        let notices = self.lock().take_notices();
        for notice in notices {
            self.client.show_message(MessageType::WARNING, notice).await;
        }
    }

    /// Recomputes the project's diagnostics in the background and publishes what changed.
    fn schedule_diagnostics(&self) {
        let generation = self.diagnostics.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let computation = dispatch::spawn(self.snapshot(), features::diagnostics::collect);
        let client = self.client.clone();
        let state = self.diagnostics.clone();
        tokio::spawn(async move {
            let outcome = dispatch::join(computation).await;
            let files = match outcome {
                Outcome::Done(files) => files,
                // A newer edit cancelled this run; its own run publishes.
                Outcome::Cancelled => return,
                Outcome::Panicked(message) => {
                    client
                        .log_message(
                            MessageType::ERROR,
                            format!("k8sc: diagnostics failed: {message}"),
                        )
                        .await;
                    return;
                }
            };
            let mut published = state.published.lock().await;
            if state.generation.load(Ordering::SeqCst) != generation {
                return;
            }
            let next: BTreeMap<Uri, Published> = files
                .into_iter()
                .map(|f| (f.uri, (f.diagnostics, f.version)))
                .collect();
            let cleared: Vec<Uri> = published
                .keys()
                .filter(|uri| !next.contains_key(*uri))
                .cloned()
                .collect();
            for uri in cleared {
                client.publish_diagnostics(uri, Vec::new(), None).await;
            }
            // Changed diagnostics, and every document edited since: its version is confirmed.
            for (uri, entry) in &next {
                if published.get(uri) != Some(entry) {
                    let (diagnostics, version) = entry.clone();
                    client
                        .publish_diagnostics(uri.clone(), diagnostics, version)
                        .await;
                }
            }
            *published = next;
        });
    }

    /// `k8sc/preview`: the YAML a declaration compiles to.
    async fn preview(
        &self,
        params: features::preview::PreviewParams,
    ) -> Result<Option<features::preview::PreviewResult>> {
        let uri = params.text_document.uri.clone();
        self.request("k8sc/preview", Some(&uri), move |s| {
            features::preview::preview(s, &params)
        })
        .await
    }

    /// `k8sc/virtualDocument`: the text of a read-only document of the standard library.
    async fn virtual_document(
        &self,
        params: TextDocumentIdentifier,
    ) -> Result<Option<features::preview::VirtualDocument>> {
        self.request("k8sc/virtualDocument", None, move |s| {
            features::preview::virtual_document(s, &params.uri)
        })
        .await
    }
}

/// Asks the client to report changes of `.k8s` files on disk (dynamic registration).
async fn register_file_watcher(client: Client) {
    let options = DidChangeWatchedFilesRegistrationOptions {
        watchers: vec![FileSystemWatcher {
            glob_pattern: GlobPattern::String("**/*.k8s".to_string()),
            kind: None,
        }],
    };
    let registration = Registration {
        id: "k8sc-watch-sources".to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(options).ok(),
    };
    if let Err(error) = client.register_capability(vec![registration]).await {
        client
            .log_message(
                MessageType::WARNING,
                format!("k8sc: cannot watch files: {error}"),
            )
            .await;
    }
}

/// The workspace root the client names.
fn root_of(params: &InitializeParams) -> Option<PathBuf> {
    let folder = params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .map(|f| f.uri.clone());
    #[allow(deprecated)]
    let uri = folder.or_else(|| params.root_uri.clone())?;
    uri.to_file_path().map(|p| p.into_owned())
}

impl LanguageServer for K8scServer {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = capabilities::encoding(&params.capabilities);
        let mut workspace = match root_of(&params) {
            Some(root) => Workspace::load(&root),
            None => Workspace::default(),
        };
        workspace.set_encoding(encoding);
        *self.lock() = workspace;
        self.watch_files.store(
            capabilities::can_watch_files(&params.capabilities),
            Ordering::SeqCst,
        );
        Ok(InitializeResult {
            capabilities: capabilities::server(encoding == Encoding::Utf8),
            server_info: Some(ServerInfo {
                name: "k8sc".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.tell_notices().await;
        if self.watch_files.load(Ordering::SeqCst) {
            // Not awaited here: the answer comes from the client, and a client that sends
            // `shutdown` before answering (a test that only initializes) must not find the
            // server waiting inside this notification.
            tokio::spawn(register_file_watcher(self.client.clone()));
        }
        self.schedule_diagnostics();
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        self.edit("didOpen", |w| {
            w.open(&document.uri, document.version, document.text)
        })
        .await;
        self.schedule_diagnostics();
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let document = params.text_document;
        let changes = params.content_changes;
        let changed = self
            .edit("didChange", |w| {
                w.change(&document.uri, document.version, changes)
            })
            .await;
        if changed == Some(true) {
            self.schedule_diagnostics();
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.edit("didClose", |w| w.close(&params.text_document.uri))
            .await;
        self.schedule_diagnostics();
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.edit("didChangeWatchedFiles", |w| {
            for change in &params.changes {
                w.disk_changed(&change.uri);
            }
        })
        .await;
        self.tell_notices().await;
        self.schedule_diagnostics();
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let uri = at.text_document.uri.clone();
        self.request("hover", Some(&uri), move |s| {
            features::hover::hover(s, &at.text_document.uri, at.position)
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let uri = at.text_document.uri.clone();
        self.request("definition", Some(&uri), move |s| {
            features::navigation::definition(s, &at.text_document.uri, at.position)
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let uri = at.text_document.uri.clone();
        let declaration = params.context.include_declaration;
        self.request("references", Some(&uri), move |s| {
            features::navigation::references(s, &at.text_document.uri, at.position, declaration)
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let uri = params.text_document.uri.clone();
        self.request("prepareRename", Some(&uri), move |s| {
            features::navigation::prepare_rename(s, &params.text_document.uri, params.position)
        })
        .await?
        .map_err(Error::invalid_params)
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let uri = at.text_document.uri.clone();
        let new_name = params.new_name;
        self.request("rename", Some(&uri), move |s| {
            features::navigation::rename(s, &at.text_document.uri, at.position, &new_name)
        })
        .await?
        .map_err(Error::invalid_params)
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let uri = at.text_document.uri.clone();
        self.request("completion", Some(&uri), move |s| {
            features::completion::completion(s, &at.text_document.uri, at.position)
        })
        .await
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        let at = params.text_document_position_params;
        let uri = at.text_document.uri.clone();
        self.request("signatureHelp", Some(&uri), move |s| {
            features::signature_help::signature_help(s, &at.text_document.uri, at.position)
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        let key = uri.clone();
        self.request("documentSymbol", Some(&key), move |s| {
            features::symbols::document_symbols(s, &uri)
        })
        .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        self.request("workspace/symbol", None, move |s| {
            features::symbols::workspace_symbols(s, &params.query)
        })
        .await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let uri = params.text_document.uri;
        let key = uri.clone();
        self.request("formatting", Some(&key), move |s| {
            features::formatting::format(s, &uri)
        })
        .await?
        .map_err(Error::invalid_params)
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        let uri = params.text_document.uri;
        let key = uri.clone();
        let range = params.range;
        self.request("rangeFormatting", Some(&key), move |s| {
            features::formatting::format_in_range(s, &uri, range)
        })
        .await?
        .map_err(Error::invalid_params)
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let uri = params.text_document.uri;
        let key = uri.clone();
        self.request("semanticTokens/full", Some(&key), move |s| {
            features::semantic_tokens::full(s, &uri).map(SemanticTokensResult::Tokens)
        })
        .await
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let uri = params.text_document.uri;
        let key = uri.clone();
        let range = params.range;
        self.request("semanticTokens/range", Some(&key), move |s| {
            features::semantic_tokens::range(s, &uri, range).map(SemanticTokensRangeResult::Tokens)
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let uri = params.text_document.uri;
        let key = uri.clone();
        let range = params.range;
        self.request("inlayHint", Some(&key), move |s| {
            features::inlay_hints::inlay_hints(s, &uri, range)
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        self.request("codeAction", Some(&uri), move |s| {
            features::code_actions::code_actions(s, &params)
        })
        .await
    }

    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> Result<Option<serde_json::Value>> {
        if params.command != features::preview::PREVIEW_COMMAND {
            return Err(Error::invalid_params(format!(
                "unknown command `{}`",
                params.command
            )));
        }
        let preview_params: features::preview::PreviewParams = params
            .arguments
            .into_iter()
            .next()
            .and_then(|a| serde_json::from_value(a).ok())
            .ok_or_else(|| Error::invalid_params("expected `{ textDocument, position }`"))?;
        let result = self.preview(preview_params).await?;
        Ok(result.and_then(|r| serde_json::to_value(r).ok()))
    }
}
