using System;
using System.Text.Json;
using Microsoft.Graph.Entra.Rs.Native;

namespace Microsoft.Graph.Entra.Rs.Connection;

/// <summary>
/// A connection as the native session describes it (GraphSession.describe, SessionDto in
/// rust/ffi/src/dto.rs): the one reader of that document, for Connect-Entra, Get-EntraContext
/// and the signed-in revocation. Never holds the token.
/// </summary>
internal sealed class SessionRecord
{
    /// <summary>Absent only in the fallback after a native failure: callers use the environment's.</summary>
    public string? GraphEndpoint { get; set; }
    /// <summary>The credential kind (ClientSecret, Certificate, …); "" when unknown.</summary>
    public string AuthType { get; set; } = "";
    public string? TenantId { get; set; }
    public string? ClientId { get; set; }
    public string? Account { get; set; }
    public string[] Scopes { get; set; } = Array.Empty<string>();
    public string[] Roles { get; set; } = Array.Empty<string>();
    public DateTimeOffset? ExpiresOn { get; set; }
    /// <summary>Delegated, AppOnly or Opaque; "" when unknown.</summary>
    public string TokenKind { get; set; } = "";

    public static SessionRecord Of(GraphSession session) =>
        JsonSerializer.Deserialize<SessionRecord>(session.Describe().IntoString(), NativeJson.Options) ?? new SessionRecord();
}
