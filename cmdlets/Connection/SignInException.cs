using System;

namespace Microsoft.Graph.Entra.Rs.Connection;

/// <summary>
/// The exception inside a failed Connect-Entra's ErrorRecord: the identity platform's answer as
/// properties scripts can read from <c>$_.Exception</c> (the AADSTS code, the OAuth error, and the
/// trace and correlation ids Microsoft support asks for). Never a secret.
/// </summary>
public sealed class SignInException : Exception
{
    public SignInException(string message, string kind, string? aadstsCode, string? error, int? httpStatus, string? traceId, string? correlationId)
        : base(message)
    {
        Kind = kind;
        AadstsCode = aadstsCode;
        Error = error;
        HttpStatus = httpStatus;
        TraceId = traceId;
        CorrelationId = correlationId;
    }

    /// <summary>InvalidClientSecret, UnknownTenant, CertificateExpired, … (see SignInErrors).</summary>
    public string Kind { get; }
    /// <summary>AADSTS7000215 and the like, when Entra gave one.</summary>
    public string? AadstsCode { get; }
    /// <summary>The OAuth error code (invalid_client, …).</summary>
    public string? Error { get; }
    public int? HttpStatus { get; }
    public string? TraceId { get; }
    public string? CorrelationId { get; }
}
