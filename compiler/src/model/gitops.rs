//! The types of `gitops` values, as checked (read and checked in `semantic::gitops`).

use k8sc_grammar::Span;

/// How an app is deployed by Argo CD.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GitOps {
    /// The Git repository holding the compiled output.
    pub repo: String,
    /// The folder of the output inside the repository (holding `<env>/…` and `argocd/`).
    pub path: String,
    /// The branch, tag or commit Argo CD follows.
    pub revision: String,
    /// Whether Argo CD syncs on its own (`sync: auto`) or waits for a person (`sync: manual`).
    pub automated: bool,
    /// Whether resources removed from Git are deleted from the cluster.
    pub prune: bool,
    /// Whether changes made in the cluster are reverted.
    pub self_heal: bool,
    /// One ApplicationSet over the environments instead of one Application per environment.
    pub applicationset: bool,
    /// Where `OUT/argocd/` lives: the app's own repository, folder and revision, before any
    /// environment's override (what the app-of-apps root Application follows).
    pub home: GitSource,
}

/// A folder at a revision of a Git repository.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct GitSource {
    /// The repository URL.
    pub repo: String,
    /// The folder.
    pub path: String,
    /// The branch, tag or commit.
    pub revision: String,
}

/// `sync: auto { prune, self_heal }` or `sync: manual`, as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SyncPolicy {
    /// `auto` rather than `manual`.
    pub automated: bool,
    /// `prune` (auto only).
    pub prune: bool,
    /// `self_heal` (auto only).
    pub self_heal: bool,
}

/// The fields of `gitops: argocd { … }` one layer writes (the app, or an environment
/// overriding some of them), each with the span of its value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct GitOpsFields {
    /// `repo`.
    pub repo: Option<(String, Span)>,
    /// `path`.
    pub path: Option<(String, Span)>,
    /// `revision`.
    pub revision: Option<(String, Span)>,
    /// `sync`.
    pub sync: Option<(SyncPolicy, Span)>,
    /// `applicationset`.
    pub applicationset: Option<(bool, Span)>,
}

impl GitOpsFields {
    /// Fills every field this layer leaves unset from `lower` (an environment's parent).
    pub fn overlay(mut self, lower: &GitOpsFields) -> GitOpsFields {
        self.repo = self.repo.or_else(|| lower.repo.clone());
        self.path = self.path.or_else(|| lower.path.clone());
        self.revision = self.revision.or_else(|| lower.revision.clone());
        self.sync = self.sync.or(lower.sync);
        self.applicationset = self.applicationset.or(lower.applicationset);
        self
    }
}

impl GitOps {
    /// The app's GitOps with `upper` (an environment's overrides) applied; `home` stays the
    /// app's.
    pub fn with(&self, upper: &GitOpsFields) -> GitOps {
        let mut out = self.clone();
        if let Some((repo, _)) = &upper.repo {
            out.repo.clone_from(repo);
        }
        if let Some((path, _)) = &upper.path {
            out.path.clone_from(path);
        }
        if let Some((revision, _)) = &upper.revision {
            out.revision.clone_from(revision);
        }
        if let Some((sync, _)) = upper.sync {
            out.set_sync(sync);
        }
        out
    }

    /// A complete GitOps from one layer's fields, with the defaults; `None` without a `repo`
    /// and a `path`.
    pub fn from_fields(fields: &GitOpsFields) -> Option<GitOps> {
        let (repo, _) = fields.repo.clone()?;
        let (path, _) = fields.path.clone()?;
        let revision = fields
            .revision
            .clone()
            .map_or_else(|| "main".to_string(), |(r, _)| r);
        let mut out = GitOps {
            home: GitSource {
                repo: repo.clone(),
                path: path.clone(),
                revision: revision.clone(),
            },
            repo,
            path,
            revision,
            automated: true,
            prune: true,
            self_heal: true,
            applicationset: fields.applicationset.is_some_and(|(b, _)| b),
        };
        if let Some((sync, _)) = fields.sync {
            out.set_sync(sync);
        }
        Some(out)
    }

    /// The sync policy.
    pub fn sync(&self) -> SyncPolicy {
        SyncPolicy {
            automated: self.automated,
            prune: self.prune,
            self_heal: self.self_heal,
        }
    }

    fn set_sync(&mut self, sync: SyncPolicy) {
        self.automated = sync.automated;
        self.prune = sync.prune;
        self.self_heal = sync.self_heal;
    }
}
