//! One module per subcommand; each turns parsed arguments into an [`crate::ExitStatus`].
pub mod completions;
pub mod doctor;
pub mod explain;
pub mod inventory;
pub mod lint;
pub mod man;
pub mod rules;
pub mod scopes;
pub mod tokens;
