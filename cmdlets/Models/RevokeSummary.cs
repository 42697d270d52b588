using System;
using System.Collections.Generic;

namespace Microsoft.Graph.Entra.Rs.Models;

/// <summary>
/// The closing summary of a Revoke-EntraUserAllRefreshToken run of more than one user, written
/// to the information stream (tag <c>Microsoft.Graph.Entra.Rs.Summary</c>). The figures are the
/// engine's; <see cref="ToString"/> is the line -InformationAction Continue shows.
/// </summary>
public sealed class RevokeSummary
{
    public const string Tag = "Microsoft.Graph.Entra.Rs.Summary";

    public long Revoked { get; init; }
    /// <summary>With -Verify: revocations the directory confirms.</summary>
    public long Verified { get; init; }
    /// <summary>With -Verify: revocations the directory does not confirm (each had a warning).</summary>
    public long NotVerified { get; init; }
    public long Failed { get; init; }
    /// <summary>Failed users by kind (NotFound, PermissionDenied, Throttled, ...).</summary>
    public IReadOnlyDictionary<string, long> FailedByKind { get; init; } = new Dictionary<string, long>();
    /// <summary>Wall-clock time during which at least one request waited on throttling.</summary>
    public TimeSpan ThrottleWait { get; init; }
    public TimeSpan Elapsed { get; init; }
    public string Message { get; init; } = "";

    public override string ToString() => Message;
}
