using System;

// The folder says what the type is for (any Graph request, Get-EntraUser's too); the namespace
// stays Revocation because the type is public: scripts and tests name it
// ([Microsoft.Graph.Entra.Rs.Revocation.GraphRequestException]) and renaming it would break them.
namespace Microsoft.Graph.Entra.Rs.Revocation;

/// <summary>
/// The exception inside a failed user's ErrorRecord: Graph's code, message, status and the ids
/// Microsoft support asks for, as properties scripts can read from <c>$_.Exception</c>.
/// </summary>
public sealed class GraphRequestException : Exception
{
    public GraphRequestException(string message, string kind, string? code, int? httpStatus, string? requestId, string? clientRequestId, string? date, int attempts)
        : base(message)
    {
        Kind = kind;
        Code = code;
        HttpStatus = httpStatus;
        RequestId = requestId;
        ClientRequestId = clientRequestId;
        Date = date;
        Attempts = attempts;
    }

    public string Kind { get; }
    public string? Code { get; }
    public int? HttpStatus { get; }
    public string? RequestId { get; }
    public string? ClientRequestId { get; }
    public string? Date { get; }
    public int Attempts { get; }
}
