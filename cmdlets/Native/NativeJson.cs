using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.Graph.Entra.Rs.Native;

/// <summary>
/// How every JSON document from the native library is read: camelCase names (serde's
/// rename_all = "camelCase") and failure kinds by their names into <see cref="FailureKind"/>,
/// the enum generated from the same Rust type, so no cmdlet compares kind strings.
/// </summary>
internal static class NativeJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Names only: a number would mean a document from some other producer.
        Converters = { new JsonStringEnumConverter<FailureKind>(namingPolicy: null, allowIntegerValues: false) },
    };
}
