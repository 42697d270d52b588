using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.Graph.Entra.Rs.Revocation;

/// <summary>One outcome as the native engine reports it (see rust/ffi/src/dto.rs).</summary>
internal sealed class OutcomeRecord
{
    public ulong Tag { get; set; }
    public string Input { get; set; } = "";
    public bool Succeeded { get; set; }
    public int Attempts { get; set; }
    public double DurationMs { get; set; }
    public DateTimeOffset CompletedAt { get; set; }
    public int? HttpStatus { get; set; }
    public string? RequestId { get; set; }
    public string? ClientRequestId { get; set; }
    public FailureRecord? Failure { get; set; }

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static List<OutcomeRecord> ParseMany(string json) =>
        JsonSerializer.Deserialize<List<OutcomeRecord>>(json, Options) ?? new List<OutcomeRecord>();
}

internal sealed class FailureRecord
{
    /// <summary>InvalidArgument, BadRequest, Authentication, PermissionDenied, NotFound, Throttled, Unavailable, Cancelled, Other.</summary>
    public string Kind { get; set; } = "";
    public string Message { get; set; } = "";
    public string? Code { get; set; }
    public string? Date { get; set; }
    public int? HttpStatus { get; set; }
    public string? RequestId { get; set; }
    public string? ClientRequestId { get; set; }
    public bool RetriesExhausted { get; set; }
}
