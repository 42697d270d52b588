using System.Text.Json;
using Microsoft.Graph.Entra.Rs.Native;

namespace Microsoft.Graph.Entra.Rs.Connection;

/// <summary>
/// Asks the native library whether an environment's endpoints are acceptable, by the rule
/// Connect-Entra applies (rust/core/src/endpoint.rs): a bearer token goes to the Graph endpoint
/// and client secrets to the sign-in endpoint, so both must be bare origins over TLS (plain
/// http only for loopback hosts). Calling this loads the native library.
/// </summary>
internal static class EndpointCheck
{
    /// <summary>One endpoint's verdict: its normalised origin, or the reason it is refused.</summary>
    public readonly record struct Verdict(string? Origin, string? Error);

    public static (Verdict Graph, Verdict AzureAD) Check(string graphEndpoint, string azureADEndpoint)
    {
        using JsonDocument doc = JsonDocument.Parse(Interop.check_endpoints(graphEndpoint.Utf8(), azureADEndpoint.Utf8()).IntoString());
        return (Read(doc.RootElement, "graphEndpoint"), Read(doc.RootElement, "azureADEndpoint"));
    }

    private static Verdict Read(JsonElement root, string name)
    {
        JsonElement verdict = root.GetProperty(name);
        string? Text(string key) => verdict.TryGetProperty(key, out JsonElement e) ? e.GetString() : null;
        return new Verdict(Text("origin"), Text("error") ?? (Text("origin") is null ? "the native library gave no verdict" : null));
    }
}
