using System.Management.Automation;
using System.Text;
using Microsoft.Graph.Entra.Rs.Errors;

namespace Microsoft.Graph.Entra.Rs.Revocation;

/// <summary>Turns a failed outcome into the ErrorRecord an admin sees for that user.</summary>
internal static class RevocationErrors
{
    public static ErrorRecord ToErrorRecord(OutcomeRecord outcome, object targetObject)
    {
        FailureRecord failure = outcome.Failure!;
        (string errorId, ErrorCategory category, string? action) = Classify(failure.Kind);
        var exception = new GraphRequestException(
            Describe(outcome), failure.Kind, failure.Code, outcome.HttpStatus, outcome.RequestId, outcome.ClientRequestId, failure.Date, outcome.Attempts);
        return ErrorRecordFactory.Create(exception, errorId, category, targetObject, action);
    }

    /// <summary>Stable error ids per failure kind (PowerShell appends the cmdlet's class name).</summary>
    public static (string ErrorId, ErrorCategory Category, string? RecommendedAction) Classify(string kind) => kind switch
    {
        "InvalidArgument" => ("InvalidUserId", ErrorCategory.InvalidArgument, "Pass the user's object id (GUID) or userPrincipalName."),
        "NotFound" => ("UserNotFound", ErrorCategory.ObjectNotFound, "Check the object id or userPrincipalName; Get-EntraUser finds users."),
        "PermissionDenied" => ("PermissionDenied", ErrorCategory.PermissionDenied, "Grant the identity the User.RevokeSessions.All permission (least privileged), then reconnect."),
        "Authentication" => ("AuthenticationFailed", ErrorCategory.AuthenticationError, "Run Connect-Entra again to get a valid token."),
        "Throttled" => ("Throttled", ErrorCategory.LimitsExceeded, "Graph kept throttling after all retries: run again later or raise -MaxRetry."),
        "Unavailable" => ("GraphUnavailable", ErrorCategory.ResourceUnavailable, "Graph or the network failed after all retries: run the command again for this user."),
        "Cancelled" => ("Cancelled", ErrorCategory.OperationStopped, "Run the command again for this user; its revocation was not confirmed."),
        "BadRequest" => ("BadRequest", ErrorCategory.InvalidOperation, null),
        _ => ("GraphError", ErrorCategory.NotSpecified, null),
    };

    /// <summary>"Revoking sessions of 'x' failed: Code: message (HTTP 404, request-id …, …)".</summary>
    private static string Describe(OutcomeRecord outcome)
    {
        FailureRecord failure = outcome.Failure!;
        var text = new StringBuilder();
        text.Append("Revoking the sessions of '").Append(outcome.Input).Append("' failed: ").Append(failure.Message);
        var details = new StringBuilder();
        if (outcome.HttpStatus is int status) details.Append("HTTP ").Append(status);
        if (outcome.RequestId is not null) details.Append(details.Length > 0 ? ", " : "").Append("request-id ").Append(outcome.RequestId);
        if (outcome.ClientRequestId is not null) details.Append(details.Length > 0 ? ", " : "").Append("client-request-id ").Append(outcome.ClientRequestId);
        if (failure.Date is not null) details.Append(details.Length > 0 ? ", " : "").Append("date ").Append(failure.Date);
        if (outcome.Attempts > 1) details.Append(details.Length > 0 ? ", " : "").Append(outcome.Attempts).Append(" attempts");
        if (details.Length > 0) text.Append(" (").Append(details).Append(')');
        return text.ToString();
    }
}
