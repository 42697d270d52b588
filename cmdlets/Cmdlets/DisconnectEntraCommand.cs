using System.Management.Automation;
using Microsoft.Graph.Entra.Rs.Connection;

namespace Microsoft.Graph.Entra.Rs.Cmdlets;

/// <summary>Disconnect-Entra: forgets the connection; the native session zeroes its token.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "Entra")]
[OutputType(typeof(void))]
public sealed class DisconnectEntraCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        if (!EntraConnection.Clear())
        {
            WriteVerbose("There was no connection to end.");
        }
    }
}
