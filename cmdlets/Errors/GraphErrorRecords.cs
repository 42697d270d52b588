using System.Management.Automation;
using System.Text;
using Microsoft.Graph.Entra.Rs.Native;
using Microsoft.Graph.Entra.Rs.Revocation;

namespace Microsoft.Graph.Entra.Rs.Errors;

/// <summary>
/// ErrorRecords for failed Graph operations: a stable error id and category per failure kind,
/// a message that reads well on its own and carries what Microsoft support asks for
/// (HTTP status, request-id, client-request-id, date), and a GraphRequestException with the same
/// data as properties.
/// </summary>
internal static class GraphErrorRecords
{
    /// <param name="what">What failed, e.g. "Revoking the sessions of 'x' failed".</param>
    public static ErrorRecord Create(FailureRecord failure, string what, object? targetObject, int attempts = 0)
    {
        (string errorId, ErrorCategory category, string? action) = Classify(failure.Kind);
        var exception = new GraphRequestException(
            Describe(failure, what, attempts), failure.Kind.ToString(), failure.Code, failure.HttpStatus, failure.RequestId, failure.ClientRequestId, failure.Date, attempts);
        return ErrorRecordFactory.Create(exception, errorId, category, targetObject, action);
    }

    /// <summary>The error id of a kind no mapping names (Other, or a value newer than this assembly).</summary>
    public const string GenericErrorId = "GraphError";

    /// <summary>
    /// Stable error ids per failure kind (PowerShell appends the cmdlet's class name). Every
    /// named kind has its own arm (tests/ErrorRecords.Tests.ps1 checks that only Other falls
    /// through); the default keeps a value from a newer native library an ordinary error.
    /// </summary>
    public static (string ErrorId, ErrorCategory Category, string? RecommendedAction) Classify(FailureKind kind) => kind switch
    {
        FailureKind.InvalidArgument => ("InvalidUserId", ErrorCategory.InvalidArgument, "Pass the user's object id (GUID) or userPrincipalName."),
        FailureKind.NotFound => ("UserNotFound", ErrorCategory.ObjectNotFound, "Check the object id or userPrincipalName; Get-EntraUser finds users."),
        FailureKind.PermissionDenied => ("PermissionDenied", ErrorCategory.PermissionDenied, "Grant the identity the User.RevokeSessions.All permission (least privileged), then reconnect."),
        FailureKind.Authentication => ("AuthenticationFailed", ErrorCategory.AuthenticationError, "Run Connect-Entra again to get a valid token."),
        FailureKind.Throttled => ("Throttled", ErrorCategory.LimitsExceeded, "Graph kept throttling after all retries: run again later or raise -MaxRetry."),
        FailureKind.Unavailable => ("GraphUnavailable", ErrorCategory.ResourceUnavailable, "Graph or the network failed after all retries: run the command again for this user."),
        FailureKind.Cancelled => ("Cancelled", ErrorCategory.OperationStopped, "Run the command again for this user; its revocation was not confirmed."),
        FailureKind.BadRequest => ("BadRequest", ErrorCategory.InvalidOperation, null),
        FailureKind.DelegatedSignInRequired => (nameof(FailureKind.DelegatedSignInRequired), ErrorCategory.InvalidOperation,
            "Connect as the user whose sessions should end: Connect-Entra -Scopes User.RevokeSessions.All -UseDeviceCode. To revoke another user's sessions with this connection, use Revoke-EntraUserAllRefreshToken -UserId."),
        FailureKind.Other => (GenericErrorId, ErrorCategory.NotSpecified, null),
        _ => (GenericErrorId, ErrorCategory.NotSpecified, null),
    };

    private static string Describe(FailureRecord failure, string what, int attempts)
    {
        var text = new StringBuilder(what).Append(": ").Append(failure.Message);
        var details = new StringBuilder();
        void Add(string part) => details.Append(details.Length > 0 ? ", " : "").Append(part);
        if (failure.HttpStatus is int status) Add($"HTTP {status}");
        if (failure.RequestId is not null) Add($"request-id {failure.RequestId}");
        if (failure.ClientRequestId is not null) Add($"client-request-id {failure.ClientRequestId}");
        if (failure.Date is not null) Add($"date {failure.Date}");
        if (attempts > 1) Add($"{attempts} attempts");
        if (details.Length > 0) text.Append(" (").Append(details).Append(')');
        return text.ToString();
    }
}
