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
    /// <summary>Each endpoint's verdict: its normalised origin, or the reason it is refused (never neither).</summary>
    public static (EndpointVerdict Graph, EndpointVerdict AzureAD) Check(string graphEndpoint, string azureADEndpoint)
    {
        EndpointCheckRecord answer = NativeJson.EndpointCheck(Interop.check_endpoints(graphEndpoint.Utf8(), azureADEndpoint.Utf8()).IntoString());
        return (Complete(answer.GraphEndpoint), Complete(answer.AzureADEndpoint));
    }

    private static EndpointVerdict Complete(EndpointVerdict verdict)
    {
        if (verdict.Origin is null && verdict.Error is null)
        {
            verdict.Error = "the native library gave no verdict";
        }

        return verdict;
    }
}
