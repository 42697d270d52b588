using System.Management.Automation;
using Microsoft.Graph.Entra.Rs.Connection;
using Microsoft.Graph.Entra.Rs.Models;
using Microsoft.Graph.Entra.Rs.Native;

namespace Microsoft.Graph.Entra.Rs.Cmdlets;

/// <summary>Get-EntraContext: the current connection (nothing when not connected). Never the token.</summary>
[Cmdlet(VerbsCommon.Get, "EntraContext")]
[OutputType(typeof(EntraContext))]
public sealed class GetEntraContextCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        EntraContext? context = EntraConnection.WithSession((session, info) =>
        {
            SessionRecord described = SessionRecord.Of(session);
            return new EntraContext
            {
                TenantId = described.TenantId,
                ClientId = described.ClientId,
                Account = described.Account,
                AuthType = AuthenticationKinds.AuthType(info.TokenCredentialType),
                TokenCredentialType = info.TokenCredentialType,
                TokenKind = described.TokenKind,
                Scopes = described.Scopes,
                Roles = described.Roles,
                ExpiresOn = described.ExpiresOn,
                Environment = info.Environment.Name,
                GraphEndpoint = described.GraphEndpoint ?? info.Environment.GraphEndpoint,
                ConnectedAt = info.ConnectedAt,
            };
        });
        if (context is not null)
        {
            WriteObject(context);
        }
    }
}
