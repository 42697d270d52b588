using System;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using Microsoft.Graph.Entra.Rs.Connection;
using Microsoft.Graph.Entra.Rs.Models;

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
            using JsonDocument doc = JsonDocument.Parse(session.Describe().IntoString());
            JsonElement root = doc.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            string[] List(string name) => root.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.Array
                ? e.EnumerateArray().Select(x => x.GetString() ?? "").ToArray()
                : Array.Empty<string>();
            return new EntraContext
            {
                TenantId = Text("tenantId"),
                ClientId = Text("clientId"),
                Account = Text("account"),
                AuthType = AuthenticationKinds.AuthType(info.TokenCredentialType),
                TokenCredentialType = info.TokenCredentialType,
                TokenKind = Text("tokenKind") ?? "",
                Scopes = List("scopes"),
                Roles = List("roles"),
                ExpiresOn = Text("expiresOn") is { } expires ? DateTimeOffset.Parse(expires, System.Globalization.CultureInfo.InvariantCulture) : null,
                Environment = info.Environment.Name,
                GraphEndpoint = Text("graphEndpoint") ?? info.Environment.GraphEndpoint,
                ConnectedAt = info.ConnectedAt,
            };
        });
        if (context is not null)
        {
            WriteObject(context);
        }
    }
}
