using System;
using System.Management.Automation;
using Microsoft.Graph.Entra.Rs.Connection;
using Microsoft.Graph.Entra.Rs.Errors;
using Microsoft.Graph.Entra.Rs.Models;
using Microsoft.Graph.Entra.Rs.Native;
using Microsoft.Graph.Entra.Rs.Revocation;
using Microsoft.Graph.Entra.Rs.Tracing;
using Microsoft.Graph.Entra.Rs.Graph;

namespace Microsoft.Graph.Entra.Rs.Cmdlets;

/// <summary>
/// Revoke-EntraSignedInUserAllRefreshToken: invalidates the signed-in user's refresh tokens and
/// browser sessions (POST /me/revokeSignInSessions). Needs a delegated sign-in
/// (Connect-Entra -Scopes User.RevokeSessions.All -UseDeviceCode); an app-only connection has no
/// signed-in user and gets a clear error before anything is sent. Returns an object whose
/// Value is $true, as Microsoft's cmdlet does.
/// </summary>
[Cmdlet(VerbsSecurity.Revoke, "EntraSignedInUserAllRefreshToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RevokeResult))]
public sealed class RevokeEntraSignedInUserAllRefreshTokenCommand : NativeCmdlet
{
    /// <summary>Retries after throttling or transient failures.</summary>
    [Parameter]
    [ValidateRange(NativeContract.MinMaxRetry, NativeContract.MaxMaxRetry)]
    public int MaxRetry { get; set; } = NativeContract.DefaultMaxRetry;

    protected override void EndProcessing()
    {
        RequestTraceWriter.DebugWithoutPrompts(this);
        string? account = null;
        SignedInRevocationHandle started = StartWithSession(session =>
        {
            account = SessionRecord.Of(session).Account;
            string options = NativeJson.Write(new SignedInOptionsRecord { UserAgent = UserAgent.For(this), MaxRetry = MaxRetry, Trace = RequestTraceWriter.LevelFor(this) });
            return SignedInRevocationHandle.Start(session, options.Utf8());
        });
        Track(started, started.Cancel);

        string target = account is null ? "the signed-in user" : $"the signed-in user '{account}'";
        if (!ShouldProcess(target, "Revoke all refresh tokens and sign-in sessions"))
        {
            return;
        }

        WriteVerbose($"Revoking the sessions of {target} (POST /v1.0/me/revokeSignInSessions).");
        OutcomeRecord outcome = NativeJson.Outcome(started.Run().IntoString());
        // One line per request sent (retries included), as the bulk cmdlet writes them.
        RequestTraceWriter.Write(this, started.TakeTrace().IntoString());
        if (outcome.Succeeded)
        {
            WriteObject(RevokeJobPump.ToResult(outcome));
            return;
        }

        WriteError(ToErrorRecord(outcome));
    }

    private static ErrorRecord ToErrorRecord(OutcomeRecord outcome)
    {
        FailureRecord failure = outcome.Failure!;
        if (failure.Kind == FailureKind.DelegatedSignInRequired)
        {
            // Not a Graph answer (nothing was sent), so no GraphRequestException; id, category
            // and advice still come from the one mapping.
            (string errorId, ErrorCategory category, string? action) = GraphErrorRecords.Classify(failure.Kind);
            return ErrorRecordFactory.Create(
                new InvalidOperationException($"Revoking the signed-in user's sessions failed: {failure.Message}"),
                errorId,
                category,
                null,
                action);
        }

        if (failure.Kind == FailureKind.PermissionDenied)
        {
            failure.Message += " The signed-in user's token needs the delegated permission User.RevokeSessions.All (Connect-Entra -Scopes User.RevokeSessions.All).";
        }

        return RevocationErrors.ToErrorRecord(outcome, outcome.Input);
    }
}
