using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.Graph.Entra.Rs.Native;

/// <summary>
/// How every JSON document crossing to and from the native library is read and written:
/// camelCase names (serde's rename_all = "camelCase") and enums by their names into the enums
/// generated from the same Rust types (<see cref="FailureKind"/>, <see cref="TraceLevel"/>,
/// <see cref="SignInStatus"/>), so no cmdlet compares kind strings. The classes read into and
/// written from are generated too (Records.g.cs).
/// </summary>
internal static class NativeJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Names only: a number would mean a document from some other producer.
        Converters =
        {
            // The pinned enums' JSON names are their member names (contract.rs, sign_in_failure.rs); the others are camelCase, as serde spells them.
            new JsonStringEnumConverter<FailureKind>(namingPolicy: null, allowIntegerValues: false),
            new JsonStringEnumConverter<SignInFailureKind>(namingPolicy: null, allowIntegerValues: false),
            new JsonStringEnumConverter<TraceLevel>(JsonNamingPolicy.CamelCase, allowIntegerValues: false),
            new JsonStringEnumConverter<SignInStatus>(JsonNamingPolicy.CamelCase, allowIntegerValues: false),
        },
    };

    /// <summary>An options document for the native library (a generated input class).</summary>
    public static string Write<T>(T document) => JsonSerializer.Serialize(document, Options);

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

    /// <summary>The requests logged since the last call (no document reads as none).</summary>
    public static TraceRecord Trace(string json) => JsonSerializer.Deserialize<TraceRecord>(json, Options) ?? new TraceRecord();

    /// <summary>A connection as the native session describes it (no document reads as nothing known).</summary>
    public static SessionRecord Session(string json) => JsonSerializer.Deserialize<SessionRecord>(json, Options) ?? new SessionRecord();

    /// <summary>check_endpoints' verdicts (no document reads as no verdict on either endpoint).</summary>
    public static EndpointCheckRecord EndpointCheck(string json) => JsonSerializer.Deserialize<EndpointCheckRecord>(json, Options) ?? new EndpointCheckRecord();

    /// <summary>One answer of a sign-in step, or null when there was no document.</summary>
    public static SignInAnswer? SignIn(string json) => JsonSerializer.Deserialize<SignInAnswer>(json, Options);
}
