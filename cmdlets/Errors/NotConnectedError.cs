using System;
using System.Management.Automation;

namespace Microsoft.Graph.Entra.Rs.Errors;

/// <summary>The error every Graph cmdlet gives before Connect-Entra: nothing is sent.</summary>
internal static class NotConnectedError
{
    public static ErrorRecord Create() => ErrorRecordFactory.Create(
        new InvalidOperationException("Not connected to Microsoft Graph. Run Connect-Entra first."),
        "NotConnected",
        ErrorCategory.AuthenticationError,
        null,
        "Run Connect-Entra, for example: Connect-Entra -AccessToken $token");
}
