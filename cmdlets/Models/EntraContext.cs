using System;

namespace Microsoft.Graph.Entra.Rs.Models;

/// <summary>What Get-EntraContext shows about the connection. Never the token.</summary>
public sealed class EntraContext
{
    public string? TenantId { get; init; }
    public string? ClientId { get; init; }
    public string? Account { get; init; }
    /// <summary>As Get-MgContext says it: Delegated, AppOnly, UserProvidedAccessToken, ManagedIdentity or EnvironmentVariable.</summary>
    public string AuthType { get; init; } = "";
    /// <summary>As Get-MgContext says it: DeviceCode, ClientCertificate, ClientSecret, ManagedIdentity, UserProvidedAccessToken or EnvironmentVariable.</summary>
    public string TokenCredentialType { get; init; } = "";
    /// <summary>What the token's claims say: Delegated, AppOnly, or Opaque when the token is not a readable JWT.</summary>
    public string TokenKind { get; init; } = "";
    public string[] Scopes { get; init; } = Array.Empty<string>();
    public string[] Roles { get; init; } = Array.Empty<string>();
    public DateTimeOffset? ExpiresOn { get; init; }
    public string Environment { get; init; } = "";
    public string GraphEndpoint { get; init; } = "";
    public DateTimeOffset ConnectedAt { get; init; }
}
