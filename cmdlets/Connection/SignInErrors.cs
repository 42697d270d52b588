using System.Management.Automation;
using Microsoft.Graph.Entra.Rs.Errors;
using Microsoft.Graph.Entra.Rs.Native;

namespace Microsoft.Graph.Entra.Rs.Connection;

/// <summary>
/// Turns a failed sign-in into the ErrorRecord Connect-Entra throws: a stable error id per
/// cause (PowerShell appends the cmdlet class), a category, and what to do about it. The message
/// carries Entra's own words with the AADSTS code and the trace and correlation ids.
/// </summary>
internal static class SignInErrors
{
    public static ErrorRecord ToErrorRecord(SignInErrorRecord error, object? target, string? hint = null)
    {
        (ErrorCategory category, string? action) = Classify(error.Kind);
        string message = $"Connect-Entra failed: {error.Message}";
        if (!string.IsNullOrEmpty(hint))
        {
            message += " " + hint;
        }

        string errorId = error.Kind.ToString();
        var exception = new SignInException(message, errorId, error.Aadsts, error.Error, error.HttpStatus, error.TraceId, error.CorrelationId);
        return ErrorRecordFactory.Create(exception, errorId, category, target, action);
    }

    /// <summary>Categories and advice per kind (the kinds are rust/ffi/src/sign_in_failure.rs, generated into Contract.g.cs).</summary>
    public static (ErrorCategory Category, string? RecommendedAction) Classify(SignInFailureKind kind) => kind switch
    {
        SignInFailureKind.InvalidClientSecret => (ErrorCategory.AuthenticationError, "Use the secret's value (not its id) from the app registration's Certificates & secrets."),
        SignInFailureKind.ExpiredClientSecret => (ErrorCategory.AuthenticationError, "Create a new client secret for the app registration and connect with it."),
        SignInFailureKind.InvalidClientAssertion => (ErrorCategory.AuthenticationError, "Upload this certificate's public key to the app registration (Certificates & secrets), or connect with the certificate registered there."),
        SignInFailureKind.CertificateExpired => (ErrorCategory.AuthenticationError, "Renew the certificate, upload the new one to the app registration, and connect with it."),
        SignInFailureKind.UnknownClient => (ErrorCategory.ObjectNotFound, "Check -ClientId (the application id) and that the app exists in this tenant and cloud (-Environment)."),
        SignInFailureKind.UnknownTenant => (ErrorCategory.ObjectNotFound, "Check -TenantId, and -Environment: the tenant may live in another cloud."),
        SignInFailureKind.ConsentRequired => (ErrorCategory.PermissionDenied, "Grant admin consent for the permissions asked (for revocation: User.RevokeSessions.All)."),
        SignInFailureKind.AuthorizationDeclined => (ErrorCategory.AuthenticationError, "Run Connect-Entra again and approve the sign-in."),
        SignInFailureKind.DeviceCodeExpired => (ErrorCategory.OperationTimeout, "Run Connect-Entra again and enter the code before it expires."),
        SignInFailureKind.SignInExpired => (ErrorCategory.AuthenticationError, "Run Connect-Entra again to sign in."),
        SignInFailureKind.ManagedIdentityNotFound => (ErrorCategory.ObjectNotFound, "Assign a managed identity to this resource, or pass the client id of a user-assigned identity it has."),
        SignInFailureKind.Unavailable => (ErrorCategory.ConnectionError, "Check the network and proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY or -Proxy)."),
        SignInFailureKind.InvalidCredential => (ErrorCategory.InvalidArgument, null),
        SignInFailureKind.Cancelled => (ErrorCategory.OperationStopped, null),
        _ => (ErrorCategory.AuthenticationError, null),
    };
}
