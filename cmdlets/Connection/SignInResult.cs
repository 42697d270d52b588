using System.Text.Json;

namespace Microsoft.Graph.Entra.Rs.Connection;

/// <summary>One answer of the native sign-in flow (rust/ffi/src/sign_in.rs).</summary>
internal sealed class SignInResult
{
    /// <summary>signedIn, pending (device code shown to the user) or failed.</summary>
    public string Status { get; set; } = "";
    public string? UserCode { get; set; }
    public string? VerificationUri { get; set; }
    public string? Message { get; set; }
    public long ExpiresInSeconds { get; set; }
    public SignInError? Error { get; set; }

    public bool SignedIn => Status == "signedIn";
    public bool Pending => Status == "pending";


    public static SignInResult Parse(string json) =>
        JsonSerializer.Deserialize<SignInResult>(json, Native.NativeJson.Options) ?? new SignInResult { Status = "failed", Error = new SignInError { Kind = "Internal", Message = "The native library gave no answer." } };
}

internal sealed class SignInError
{
    public string Kind { get; set; } = "";
    public string Message { get; set; } = "";
    public string? Aadsts { get; set; }
    public string? Error { get; set; }
    public int? HttpStatus { get; set; }
    public string? TraceId { get; set; }
    public string? CorrelationId { get; set; }
}
