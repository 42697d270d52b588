using System;
using Microsoft.Graph.Entra.Rs.Models;
using Microsoft.Graph.Entra.Rs.Native;

namespace Microsoft.Graph.Entra.Rs.Connection;

/// <summary>
/// The process-wide connection, as with Connect-MgGraph: every runspace of the process (also
/// ForEach-Object -Parallel) uses the one established by Connect-Entra. The native session
/// holds the token; this side keeps only what Get-EntraContext shows.
/// </summary>
internal static class EntraConnection
{
    private static readonly object Gate = new();
    private static GraphSession? session;
    private static ConnectionInfo? info;

    internal sealed record ConnectionInfo(EntraEnvironment Environment, string TokenCredentialType, DateTimeOffset ConnectedAt);

    public static bool IsConnected
    {
        get { lock (Gate) { return session is not null; } }
    }

    /// <summary>Replaces the current connection; the old native session is released.</summary>
    public static void Set(GraphSession newSession, ConnectionInfo newInfo)
    {
        GraphSession? old;
        lock (Gate)
        {
            old = session;
            session = newSession;
            info = newInfo;
        }

        old?.Dispose();
    }

    /// <summary>Drops the connection. True when there was one.</summary>
    public static bool Clear()
    {
        GraphSession? old;
        lock (Gate)
        {
            old = session;
            session = null;
            info = null;
        }

        old?.Dispose();
        return old is not null;
    }

    /// <summary>
    /// Runs <paramref name="use"/> with the current session while no other thread can dispose it
    /// (the native job it starts keeps its own reference, so the lock is held only briefly).
    /// Returns default when not connected.
    /// </summary>
    public static T? WithSession<T>(Func<GraphSession, ConnectionInfo, T> use)
    {
        lock (Gate)
        {
            return session is null || info is null ? default : use(session, info);
        }
    }
}
