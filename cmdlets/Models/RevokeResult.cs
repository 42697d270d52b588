using System;

namespace Microsoft.Graph.Entra.Rs.Models;

/// <summary>
/// One user whose refresh tokens and sessions Graph has revoked. <see cref="Value"/> is kept for
/// scripts written against Microsoft.Graph.Entra, whose cmdlet passes Graph's Boolean through.
/// </summary>
public sealed class RevokeResult
{
    /// <summary>The identifier exactly as it was given (object id or userPrincipalName).</summary>
    public string UserId { get; init; } = "";
    /// <summary>Always true: a failed user is an error record, not a result.</summary>
    public bool Value { get; init; } = true;
    /// <summary>When Graph confirmed the revocation.</summary>
    public DateTimeOffset RevokedAt { get; init; }
    /// <summary>HTTP attempts it took (more than 1 after throttling or transient faults).</summary>
    public int Attempts { get; init; }
    public TimeSpan Duration { get; init; }
    public int HttpStatus { get; init; }
    /// <summary>Graph's request-id of the successful call, for audit and support.</summary>
    public string? RequestId { get; init; }
    public string? ClientRequestId { get; init; }
    /// <summary>
    /// With -Verify: the directory's signInSessionsValidFromDateTime read back after the
    /// revocation (UTC); null without -Verify or when the read got no answer.
    /// </summary>
    public DateTimeOffset? SignInSessionsValidFrom { get; init; }
    /// <summary>
    /// With -Verify: true when the directory's time is not earlier than the moment the revocation
    /// was sent (less the engine's clock skew); false when the record did not move (an external
    /// guest, a directory that did not take the change) or could not be read (a warning says
    /// why). Null without -Verify.
    /// </summary>
    public bool? Verified { get; init; }
}
