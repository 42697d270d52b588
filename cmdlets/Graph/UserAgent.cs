using System.Collections;
using System.Management.Automation;
using System.Reflection;

namespace Microsoft.Graph.Entra.Rs.Graph;

/// <summary>
/// The User-Agent in the Entra module's style, so tenant logs show who sent what:
/// <c>PowerShell/7.6.9 Microsoft.Graph.Entra.Rs/0.1.0 Revoke-EntraUserAllRefreshToken</c>.
/// </summary>
internal static class UserAgent
{
    private static readonly string ModuleVersion =
        typeof(UserAgent).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";

    public static string For(PSCmdlet cmdlet)
    {
        string psVersion = cmdlet.SessionState.PSVariable.GetValue("PSVersionTable") is Hashtable table && table["PSVersion"] is { } version
            ? version.ToString()!
            : "unknown";
        return $"PowerShell/{psVersion} Microsoft.Graph.Entra.Rs/{ModuleVersion} {cmdlet.MyInvocation.MyCommand.Name}";
    }
}
