using System;

namespace Microsoft.Graph.Entra.Rs.Models;

/// <summary>What Get-EntraContext shows about the connection. Never the token.</summary>
public sealed class EntraContext
{
    public string? TenantId { get; init; }
    public string? ClientId { get; init; }
    public string? Account { get; init; }
    /// <summary>AccessToken, ClientSecret, Certificate, ManagedIdentity, …</summary>
    public string AuthType { get; init; } = "";
    /// <summary>Delegated, AppOnly, or Opaque when the token is not a readable JWT.</summary>
    public string TokenKind { get; init; } = "";
    public string[] Scopes { get; init; } = Array.Empty<string>();
    public string[] Roles { get; init; } = Array.Empty<string>();
    public DateTimeOffset? ExpiresOn { get; init; }
    public string Environment { get; init; } = "";
    public string GraphEndpoint { get; init; } = "";
    public DateTimeOffset ConnectedAt { get; init; }
}
