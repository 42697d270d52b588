namespace Microsoft.Graph.Entra.Rs.Native;

/// <summary>
/// The hand-written half of the generated <see cref="SignInAnswer"/> (SignInAnswerDto in
/// rust/ffi/src/sign_in.rs): one answer of the native sign-in flow.
/// </summary>
internal sealed partial class SignInAnswer
{
    public bool SignedIn => Status == SignInStatus.SignedIn;

    /// <summary>The device code is shown to the user; the flow waits for the sign-in.</summary>
    public bool Pending => Status == SignInStatus.Pending;

    public static SignInAnswer Parse(string json) =>
        NativeJson.SignIn(json) ?? new SignInAnswer { Status = SignInStatus.Failed, Error = new SignInErrorRecord { Kind = SignInFailureKind.Internal, Message = "The native library gave no answer." } };
}
