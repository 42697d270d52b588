using System;
using System.Collections.Generic;
using Microsoft.Graph.Entra.Rs.Models;
using Microsoft.Graph.Entra.Rs.Native;

namespace Microsoft.Graph.Entra.Rs.Connection;

/// <summary>
/// The settings document every native connect call takes (<see cref="ConnectSettingsRecord"/>,
/// generated from rust/ffi/src/sign_in.rs): the environment's endpoints, tenant, client,
/// scopes, timeout and proxies. Never a secret.
/// </summary>
internal static class ConnectSettings
{
    public static string ToJson(
        EntraEnvironment environment,
        string? tenantId = null,
        string? clientId = null,
        IReadOnlyList<string>? scopes = null,
        bool sendCertificateChain = false,
        double clientTimeoutSeconds = 0,
        Uri? proxy = null) =>
        NativeJson.Write(new ConnectSettingsRecord
        {
            GraphEndpoint = environment.GraphEndpoint,
            AzureADEndpoint = environment.AzureADEndpoint,
            TenantId = NullIfEmpty(tenantId),
            ClientId = NullIfEmpty(clientId),
            Scopes = scopes is null ? Array.Empty<string>() : [.. scopes],
            SendCertificateChain = sendCertificateChain,
            ClientTimeoutSeconds = clientTimeoutSeconds,
            Proxy = proxy?.AbsoluteUri,
            ProxyEnvironment = ProxyEnvironment(),
        });

    /// <summary>
    /// HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY as this PowerShell session sees them
    /// (upper case first, as curl). On Unix, <c>$env:</c> changes are invisible to native code,
    /// so Rust gets them from here rather than from its own environment.
    /// </summary>
    private static ProxyEnvironmentRecord ProxyEnvironment() => new()
    {
        Https = Variable("HTTPS_PROXY"),
        Http = Variable("HTTP_PROXY"),
        All = Variable("ALL_PROXY"),
        NoProxy = Variable("NO_PROXY"),
    };

    public static string? Variable(string name) =>
        NullIfEmpty(Environment.GetEnvironmentVariable(name) ?? Environment.GetEnvironmentVariable(name.ToLowerInvariant()));

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
