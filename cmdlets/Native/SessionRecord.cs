namespace Microsoft.Graph.Entra.Rs.Native;

/// <summary>
/// The hand-written half of the generated <see cref="SessionRecord"/> (SessionDto in
/// rust/ffi/src/dto.rs): the one reader of GraphSession.describe, for Connect-Entra,
/// Get-EntraContext and the signed-in revocation. Never holds the token.
/// </summary>
internal sealed partial class SessionRecord
{
    public static SessionRecord Of(GraphSession session) => NativeJson.Session(session.Describe().IntoString());
}
