//! The values of `files { … }` and `volumes { … }`: files mounted into the container (inline
//! text, a Secret's key or whole Secret, a projected service-account
//! token) and volumes shared by the pod's containers (`empty_dir`, `claim`). Their options'
//! catalogues are here too, for the checker and the editor.

use super::schema::FieldInfo;
use super::values::{BOOLEAN, BYTES, Choice, DURATION, ValueInfo, shape};

/// Where the content of one file of `files { "/path": … }` comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileSource {
    /// `"""text"""` or `"text"`: stored in the workload's content-hashed ConfigMap.
    Inline(String),
    /// `secret NAME.KEY`: one key of a Secret as one file.
    SecretKey {
        /// The Secret.
        secret: String,
        /// The key.
        key: String,
    },
    /// `secret NAME`: every key of a Secret as files in the directory.
    Secret(String),
    /// `token { audience, expiry }`: a projected service-account token.
    Token {
        /// Who the token is for (`aud`).
        audience: String,
        /// Its lifetime, milliseconds; `None` for the default (1h).
        expiry: Option<u64>,
    },
}

impl FileSource {
    /// The source in words, for messages and hover.
    pub fn noun(&self) -> &'static str {
        match self {
            FileSource::Inline(_) => "an inline file",
            FileSource::SecretKey { .. } => "a secret file",
            FileSource::Secret(_) => "a secret directory",
            FileSource::Token { .. } => "a token",
        }
    }
}

/// How a claim's volume may be mounted (`access:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// `many`: ReadWriteMany, by any number of nodes (the default).
    Many,
    /// `one`: ReadWriteOnce, by the pods of one node.
    One,
    /// `one_pod`: ReadWriteOncePod, by one pod.
    OnePod,
}

impl Access {
    /// The choices of `access:`.
    pub const CHOICES: &[(&'static str, Access)] = &[
        ("many", Access::Many),
        ("one", Access::One),
        ("one_pod", Access::OnePod),
    ];

    /// The PersistentVolumeClaim access mode.
    pub fn mode(self) -> &'static str {
        match self {
            Access::Many => "ReadWriteMany",
            Access::One => "ReadWriteOnce",
            Access::OnePod => "ReadWriteOncePod",
        }
    }

    /// As written.
    pub fn keyword(self) -> &'static str {
        match self {
            Access::Many => "many",
            Access::One => "one",
            Access::OnePod => "one_pod",
        }
    }
}

/// One volume of `volumes { NAME: … }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum VolumeSpec {
    /// `empty_dir { size, memory, mount }`: scratch space living as long as the pod.
    EmptyDir {
        /// Size limit in bytes; `None` for the default (1Gi).
        size: Option<u64>,
        /// Backed by memory (tmpfs), counted against the memory limit.
        memory: bool,
        /// Where the main container mounts it.
        mount: Option<String>,
    },
    /// `claim 50Gi { class, access, mount }`: a PersistentVolumeClaim the workload's pods share.
    Claim {
        /// Requested size in bytes.
        size: u64,
        /// The StorageClass; the cluster's default if `None`.
        class: Option<String>,
        /// The access mode; ReadWriteMany if `None`.
        access: Option<Access>,
        /// Where the main container mounts it.
        mount: Option<String>,
    },
}

/// The mount path option every volume takes.
const MOUNT: FieldInfo = FieldInfo::option(
    "mount",
    "mount: \"/var/log/app\"",
    "Where the container mounts the volume (an absolute path).",
    shape("an absolute path (`\"/var/log/app\"`)"),
);

/// The options of `token { … }` in `files`.
pub const TOKEN_FIELDS: &[FieldInfo] = &[
    FieldInfo::option(
        "audience",
        "audience: \"vault\"",
        "Who the token is for: the `aud` claim the receiver checks.",
        shape("a string (`\"vault\"`, `\"sts.amazonaws.com\"`)"),
    ),
    FieldInfo::option(
        "expiry",
        "expiry: 1h",
        "How long a token lives (at least 10m; default 1h); the kubelet renews it at 80%.",
        DURATION,
    ),
];

/// The options of `empty_dir { … }` in `volumes`.
pub const EMPTY_DIR_FIELDS: &[FieldInfo] = &[
    FieldInfo::option(
        "size",
        "size: 256Mi",
        "`empty_dir`: the size limit (default 1Gi); a pod that writes more is evicted.",
        BYTES,
    ),
    FieldInfo::option(
        "memory",
        "memory: true",
        "`empty_dir`: backed by memory (tmpfs), fast, and counted against the memory limit.",
        BOOLEAN,
    ),
    MOUNT,
];

/// The choices of `access:`, for the editor.
const ACCESS: ValueInfo = ValueInfo {
    ty: "how the volume may be mounted",
    choices: &[
        Choice {
            text: "many",
            summary: "ReadWriteMany: by pods on any number of nodes (default)",
        },
        Choice {
            text: "one",
            summary: "ReadWriteOnce: by the pods of one node",
        },
        Choice {
            text: "one_pod",
            summary: "ReadWriteOncePod: by a single pod",
        },
    ],
    units: &[],
};

/// The options of `claim SIZE { … }` in `volumes`.
pub const CLAIM_FIELDS: &[FieldInfo] = &[
    FieldInfo::option(
        "class",
        "class: efs",
        "`claim`: the StorageClass (the cluster's default if unset).",
        shape("the name of a StorageClass"),
    ),
    FieldInfo::option(
        "access",
        "access: many",
        "`claim`: how the volume may be mounted, by many nodes (default), one node or one pod.",
        ACCESS,
    ),
    MOUNT,
];

/// Every option a volume may take (`empty_dir`'s and `claim`'s), for the editor, which knows the
/// block a cursor is in by its key (the volume's name) and not by its kind; the checker reads
/// each kind's own table.
pub const VOLUME_FIELDS: &[FieldInfo] = &[
    EMPTY_DIR_FIELDS[0],
    EMPTY_DIR_FIELDS[1],
    CLAIM_FIELDS[0],
    CLAIM_FIELDS[1],
    MOUNT,
];
