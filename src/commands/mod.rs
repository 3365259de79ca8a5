//! One module per subcommand; each turns parsed arguments into an [`crate::ExitStatus`].
pub mod explain;
pub mod lint;
pub mod rules;
pub mod scopes;
