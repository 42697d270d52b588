//! Command line of the `graph-emulator` binary.

use clap::Parser;

#[derive(Debug, Parser)]
#[command(name = "graph-emulator", version, about = "Local Microsoft Graph emulator (127.0.0.1 only)")]
pub struct Cli {
    /// Port to listen on; 0 picks a free one (read it from the GRAPH_EMULATOR_URL line).
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// Number of generated users (user000001@contoso.com, …) besides the seeded ones.
    #[arg(long, default_value_t = 0)]
    pub users: u64,

    /// The default app-only access token (roles User.RevokeSessions.All, User.Read.All).
    #[arg(long, default_value = graph_emulator::DEFAULT_TOKEN)]
    pub token: String,

    /// Exit when standard input is closed, so a test harness that dies never leaks the server.
    #[arg(long)]
    pub exit_on_stdin_close: bool,
}
