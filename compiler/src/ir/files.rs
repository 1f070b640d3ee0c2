//! The final form of a workload's `files` and `volumes`: every default applied, every path
//! checked against the pod's other mounts, file contents read.

use crate::model::files::Access;
use crate::model::spec::Origin;

/// One file mounted read-only into the main container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileIr {
    /// Where the container sees it (absolute).
    pub path: String,
    /// What it holds.
    pub content: FileContent,
    /// Where it was written.
    pub origin: Origin,
}

/// What a file holds, and so which volume serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileContent {
    /// Text (written inline or read from a project file), in the workload's ConfigMap of files.
    Text(String),
    /// One key of a Secret.
    SecretKey {
        /// The Secret.
        secret: String,
        /// The key.
        key: String,
    },
    /// Every key of a Secret, as files of the directory `path`.
    Secret(String),
    /// A projected service-account token, renewed by the kubelet.
    Token {
        /// The `aud` claim.
        audience: String,
        /// Lifetime in seconds.
        expiry_seconds: u64,
    },
}

/// One volume of the pod, mounted read-write by the main container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeIr {
    /// The volume's name in the pod (a DNS label).
    pub name: String,
    /// What backs it.
    pub kind: VolumeKind,
    /// Where the main container mounts it.
    pub mount: String,
    /// Where it was written.
    pub origin: Origin,
}

/// What backs a volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeKind {
    /// An emptyDir with a size limit (bytes), on disk or in memory.
    EmptyDir {
        /// Size limit, bytes.
        size: u64,
        /// tmpfs.
        memory: bool,
    },
    /// A PersistentVolumeClaim of the workload.
    Claim {
        /// Requested bytes.
        size: u64,
        /// StorageClass; the cluster default if `None`.
        class: Option<String>,
        /// Access mode.
        access: Access,
    },
}
