using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.Graph.Entra.Rs.Native;

/// <summary>
/// How every JSON document from the native library is read: camelCase names (serde's
/// rename_all = "camelCase") and failure kinds by their names into <see cref="FailureKind"/>,
/// the enum generated from the same Rust type, so no cmdlet compares kind strings. The classes
/// read into are generated too (Records.g.cs).
/// </summary>
internal static class NativeJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Names only: a number would mean a document from some other producer.
        Converters = { new JsonStringEnumConverter<FailureKind>(namingPolicy: null, allowIntegerValues: false) },
    };

    /// <summary>An array of outcome documents (a bulk job's take_outcomes).</summary>
    public static List<OutcomeRecord> Outcomes(string json) =>
        JsonSerializer.Deserialize<List<OutcomeRecord>>(json, Options) ?? new List<OutcomeRecord>();

    /// <summary>One outcome document (the signed-in revocation's answer).</summary>
    public static OutcomeRecord Outcome(string json) =>
        JsonSerializer.Deserialize<OutcomeRecord>(json, Options) ?? throw new JsonException("The native library answered no outcome.");

    /// <summary>A run's closing summary.</summary>
    public static SummaryRecord? Summary(string json) => JsonSerializer.Deserialize<SummaryRecord>(json, Options);

    /// <summary>One page of Get-EntraUser (no document reads as the last, empty page).</summary>
    public static UserPage Page(string json) => JsonSerializer.Deserialize<UserPage>(json, Options) ?? new UserPage { Done = true };
}
