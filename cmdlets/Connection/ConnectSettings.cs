using System;
using System.Collections.Generic;
using System.Text.Json;
using Microsoft.Graph.Entra.Rs.Models;

namespace Microsoft.Graph.Entra.Rs.Connection;

/// <summary>
/// The settings document every native connect call takes (see rust/ffi/src/sign_in.rs): the
/// environment's endpoints, tenant, client, scopes, timeout and proxies. Never a secret.
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
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["graphEndpoint"] = environment.GraphEndpoint,
            ["azureADEndpoint"] = environment.AzureADEndpoint,
            ["tenantId"] = NullIfEmpty(tenantId),
            ["clientId"] = NullIfEmpty(clientId),
            ["scopes"] = scopes ?? Array.Empty<string>(),
            ["sendCertificateChain"] = sendCertificateChain,
            ["clientTimeoutSeconds"] = clientTimeoutSeconds,
            ["proxy"] = proxy?.AbsoluteUri,
            ["proxyEnvironment"] = ProxyEnvironment(),
        });

    /// <summary>
    /// HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY as this PowerShell session sees them
    /// (upper case first, as curl). On Unix, <c>$env:</c> changes are invisible to native code,
    /// so Rust gets them from here rather than from its own environment.
    /// </summary>
    private static Dictionary<string, string?> ProxyEnvironment() => new()
    {
        ["https"] = Variable("HTTPS_PROXY"),
        ["http"] = Variable("HTTP_PROXY"),
        ["all"] = Variable("ALL_PROXY"),
        ["noProxy"] = Variable("NO_PROXY"),
    };

    public static string? Variable(string name) =>
        NullIfEmpty(Environment.GetEnvironmentVariable(name) ?? Environment.GetEnvironmentVariable(name.ToLowerInvariant()));

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
