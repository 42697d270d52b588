namespace Microsoft.Graph.Entra.Rs.Connection;

/// <summary>
/// Get-MgContext's vocabulary for a connection, which scripts written for the Entra module test:
/// TokenCredentialType says which credential signed in (InteractiveBrowser, DeviceCode,
/// ClientCertificate, ClientSecret, ManagedIdentity, UserProvidedAccessToken,
/// EnvironmentVariable) and AuthType what kind of connection that makes (Delegated, AppOnly,
/// UserProvidedAccessToken, ManagedIdentity, EnvironmentVariable), with Microsoft.Graph.Authentication's
/// names and mapping.
/// </summary>
internal static class AuthenticationKinds
{
    /// <summary>TokenCredentialType from the native session's credential kind.</summary>
    public static string TokenCredentialType(string nativeKind, bool fromEnvironmentVariables) =>
        fromEnvironmentVariables ? "EnvironmentVariable" : nativeKind switch
        {
            "AccessToken" => "UserProvidedAccessToken",
            "Certificate" => "ClientCertificate",
            "ClientSecret" => "ClientSecret",
            "DeviceCode" => "DeviceCode",
            "ManagedIdentity" => "ManagedIdentity",
            _ => nativeKind,
        };

    /// <summary>AuthType for a TokenCredentialType.</summary>
    public static string AuthType(string tokenCredentialType) => tokenCredentialType switch
    {
        "UserProvidedAccessToken" or "ManagedIdentity" or "EnvironmentVariable" => tokenCredentialType,
        "DeviceCode" or "InteractiveBrowser" => "Delegated",
        _ => "AppOnly",
    };
}
