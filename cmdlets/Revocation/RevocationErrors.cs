using System.Management.Automation;
using Microsoft.Graph.Entra.Rs.Errors;
using Microsoft.Graph.Entra.Rs.Native;

namespace Microsoft.Graph.Entra.Rs.Revocation;

/// <summary>Turns a failed outcome into the ErrorRecord an admin sees for that user.</summary>
internal static class RevocationErrors
{
    public static ErrorRecord ToErrorRecord(OutcomeRecord outcome, object targetObject) =>
        GraphErrorRecords.Create(outcome.Failure!, $"Revoking the sessions of '{outcome.Input}' failed", targetObject, outcome.Attempts);
}
