using System.Management.Automation;
using Microsoft.Graph.Entra.Rs.Models;
using Microsoft.Graph.Entra.Rs.Native;
using Microsoft.Graph.Entra.Rs.Graph;
using Microsoft.Graph.Entra.Rs.Revocation;

namespace Microsoft.Graph.Entra.Rs.Cmdlets;

/// <summary>
/// Revoke-EntraUserAllRefreshToken: invalidates every refresh token and browser session of
/// each user (POST /users/{id}/revokeSignInSessions). Drop-in for Microsoft.Graph.Entra's cmdlet
/// (-UserId, alias -ObjectId, pipeline by value and by property name), but streaming and
/// concurrent: users are revoked while input still arrives, results come as they complete.
/// </summary>
[Cmdlet(VerbsSecurity.Revoke, "EntraUserAllRefreshToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RevokeResult))]
public sealed class RevokeEntraUserAllRefreshTokenCommand : NativeCmdlet
{
    /// <summary>The user's object id (GUID) or userPrincipalName.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "Id", "UserPrincipalName")]
    [UserIdTransformation]
    public string UserId { get; set; } = null!;

    /// <summary>Requests in flight at most (lowered automatically while Graph throttles).</summary>
    [Parameter]
    [ValidateRange(NativeContract.MinThrottleLimit, NativeContract.MaxThrottleLimit)]
    public int ThrottleLimit { get; set; } = NativeContract.DefaultThrottleLimit;

    /// <summary>Retries per user after throttling or transient failures.</summary>
    [Parameter]
    [ValidateRange(NativeContract.MinMaxRetry, NativeContract.MaxMaxRetry)]
    public int MaxRetry { get; set; } = NativeContract.DefaultMaxRetry;

    /// <summary>Send up to 20 revocations per JSON $batch request.</summary>
    [Parameter]
    public SwitchParameter UseBatch { get; set; }

    /// <summary>
    /// After each revocation, read the user's signInSessionsValidFromDateTime back (needs
    /// User.Read.All) and report whether the directory confirms it (Verified).
    /// </summary>
    [Parameter]
    public SwitchParameter Verify { get; set; }

    private RevokeJobPump? pump;

    protected override void BeginProcessing()
    {
        pump = StartWithSession(session => RevokeJobPump.Start(this, session, ThrottleLimit, MaxRetry, UseBatch, Verify));
        Track(pump, pump.Cancel);
    }

    protected override void ProcessRecord()
    {
        if (ShouldProcess($"user '{UserId}'", "Revoke all refresh tokens and sign-in sessions"))
        {
            pump!.Submit(UserId, PipedObjectOr(UserId));
        }
    }

    protected override void EndProcessing() => pump?.Finish();
}
