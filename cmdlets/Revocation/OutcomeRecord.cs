using System;
using System.Collections.Generic;
using System.Text.Json;
using Microsoft.Graph.Entra.Rs.Native;

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
    public VerificationRecord? Verification { get; set; }

    /// <summary>One outcome document (the signed-in revocation's answer).</summary>
    public static OutcomeRecord Parse(string json) =>
        JsonSerializer.Deserialize<OutcomeRecord>(json, NativeJson.Options) ?? throw new JsonException("The native library answered no outcome.");

    /// <summary>An array of outcome documents (a bulk job's take_outcomes).</summary>
    public static List<OutcomeRecord> ParseMany(string json) =>
        JsonSerializer.Deserialize<List<OutcomeRecord>>(json, NativeJson.Options) ?? new List<OutcomeRecord>();
}

/// <summary>-Verify's finding for a successful revocation; the warning text comes from Rust.</summary>
internal sealed class VerificationRecord
{
    public bool Verified { get; set; }
    public DateTimeOffset? SignInSessionsValidFrom { get; set; }
    public string? Warning { get; set; }
}

/// <summary>A run's closing summary as the native engine reports it (RevokeJobHandle.summary).</summary>
internal sealed class SummaryRecord
{
    public long Revoked { get; set; }
    public long Verified { get; set; }
    public long NotVerified { get; set; }
    public long Failed { get; set; }
    public Dictionary<string, long>? FailedByKind { get; set; }
    public double ThrottleWaitMs { get; set; }
    public double ElapsedMs { get; set; }
    public string? Message { get; set; }

    public static SummaryRecord? Parse(string json) => JsonSerializer.Deserialize<SummaryRecord>(json, NativeJson.Options);
}

internal sealed class FailureRecord
{
    public FailureKind Kind { get; set; } = FailureKind.Other;
    public string Message { get; set; } = "";
    public string? Code { get; set; }
    public string? Date { get; set; }
    public int? HttpStatus { get; set; }
    public string? RequestId { get; set; }
    public string? ClientRequestId { get; set; }
    public bool RetriesExhausted { get; set; }
}
