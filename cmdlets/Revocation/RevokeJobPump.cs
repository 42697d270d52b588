using System;
using System.Collections.Generic;
using System.Management.Automation;
using Microsoft.Graph.Entra.Rs.Errors;
using Microsoft.Graph.Entra.Rs.Models;
using Microsoft.Graph.Entra.Rs.Native;
using Microsoft.Graph.Entra.Rs.Tracing;
using Microsoft.Graph.Entra.Rs.Graph;

namespace Microsoft.Graph.Entra.Rs.Revocation;

/// <summary>
/// Drives one native revocation job from the pipeline thread: inputs go in as they arrive,
/// finished outcomes come out between inputs (streaming), and EndProcessing waits for the rest.
/// Only this thread writes to the pipeline, as PowerShell requires; StopProcessing (another
/// thread) only cancels.
/// </summary>
internal sealed class RevokeJobPump : IDisposable
{
    /// <summary>Outcomes taken per native call: amortises the boundary without holding results back.</summary>
    private const uint DrainBatch = 256;
    /// <summary>How long a full queue or EndProcessing waits for an outcome before checking again.</summary>
    private const uint WaitMs = 100;

    private readonly PSCmdlet cmdlet;
    private readonly RevokeJobHandle job;
    private readonly RevocationProgress progress;
    private readonly object disposeGate = new();
    private readonly bool tracing;
    private bool disposed;
    private ulong nextTag;
    /// <summary>
    /// What the user gave for each submitted tag, for the error record of its outcome. An entry
    /// lives from acceptance until its outcome is written, so the map holds at most what the
    /// engine holds in flight and queued; a run ended early drops it with the pump.
    /// </summary>
    private readonly Dictionary<ulong, object> targets = new();

    private RevokeJobPump(PSCmdlet cmdlet, RevokeJobHandle job, bool tracing)
    {
        this.cmdlet = cmdlet;
        this.job = job;
        this.tracing = tracing;
        progress = new RevocationProgress(cmdlet);
    }

    public static RevokeJobPump Start(PSCmdlet cmdlet, GraphSession session, int throttleLimit, int maxRetry, bool useBatch, bool verify)
    {
        var options = new JobOptionsRecord
        {
            ThrottleLimit = throttleLimit,
            MaxRetry = maxRetry,
            UseBatch = useBatch,
            UserAgent = UserAgent.For(cmdlet),
            Trace = RequestTraceWriter.LevelFor(cmdlet),
            Verify = verify,
        };
        return new RevokeJobPump(cmdlet, RevokeJobHandle.Start(session, NativeJson.Write(options).Utf8()), options.Trace != TraceLevel.Off);
    }

    /// <summary>
    /// Hands one identifier to the engine, writing finished outcomes meanwhile;
    /// <paramref name="target"/> (what the user piped) becomes its error record's TargetObject.
    /// </summary>
    public void Submit(string userId, object target)
    {
        while (true)
        {
            SubmitResult result = job.Submit(nextTag, userId.Utf8());
            if (result.IsAccepted)
            {
                targets.Add(nextTag++, target);
                break;
            }

            if (result.IsAcceptedLast)
            {
                targets.Add(nextTag++, target);
                cmdlet.WriteWarning($"'{userId}' is the signed-in user of this connection: their sessions will be revoked last, after every other user's outcome is in, so the run does not cut off its own sign-in first.");
                break;
            }

            if (result.IsClosed)
            {
                throw new PipelineStoppedException();
            }

            // Full: the engine is at its bound; writing outcomes is what frees room.
            Drain(WaitMs);
        }

        Drain(0);
    }

    /// <summary>No more input: waits for and writes every remaining outcome.</summary>
    public void Finish()
    {
        job.CompleteInput();
        while (job.IsFinished() == 0)
        {
            Drain(WaitMs);
        }

        progress.Complete();
        if (nextTag > 1)
        {
            WriteSummary();
        }
    }

    /// <summary>The closing summary of a run of more than one user, figures from the engine.</summary>
    private void WriteSummary()
    {
        SummaryRecord? record = NativeJson.Summary(job.Summary().IntoString());
        if (record is null)
        {
            return;
        }

        var summary = new RevokeSummary
        {
            Revoked = record.Revoked,
            Verified = record.Verified,
            NotVerified = record.NotVerified,
            Failed = record.Failed,
            FailedByKind = record.FailedByKind ?? new Dictionary<string, long>(),
            ThrottleWait = TimeSpan.FromMilliseconds(record.ThrottleWaitMs),
            Elapsed = TimeSpan.FromMilliseconds(record.ElapsedMs),
            Message = record.Message ?? "",
        };
        cmdlet.WriteInformation(summary, new[] { RevokeSummary.Tag, "Summary" });
    }

    /// <summary>Ctrl+C: called on PowerShell's stop thread.</summary>
    public void Cancel()
    {
        lock (disposeGate)
        {
            if (!disposed)
            {
                job.Cancel();
            }
        }
    }

    private void Drain(uint waitMs)
    {
        List<OutcomeRecord> outcomes = NativeJson.Outcomes(job.TakeOutcomes(DrainBatch, waitMs).IntoString());
        if (tracing)
        {
            RequestTraceWriter.Write(cmdlet, job.TakeTrace().IntoString());
        }

        foreach (OutcomeRecord outcome in outcomes)
        {
            // Removed whatever the outcome: each tag's entry ends with its outcome.
            targets.Remove(outcome.Tag, out object? target);
            if (outcome.Succeeded)
            {
                if (outcome.Verification?.Warning is { } warning)
                {
                    cmdlet.WriteWarning(warning);
                }

                cmdlet.WriteObject(ToResult(outcome));
            }
            else
            {
                cmdlet.WriteError(RevocationErrors.ToErrorRecord(outcome, target ?? outcome.Input));
            }
        }

        progress.Update(job.Progress());
    }

    internal static RevokeResult ToResult(OutcomeRecord outcome) => new()
    {
        UserId = outcome.Input,
        Value = true,
        RevokedAt = outcome.CompletedAt,
        Attempts = outcome.Attempts,
        Duration = TimeSpan.FromMilliseconds(outcome.DurationMs),
        HttpStatus = outcome.HttpStatus ?? 0,
        RequestId = outcome.RequestId,
        ClientRequestId = outcome.ClientRequestId,
        SignInSessionsValidFrom = outcome.Verification?.SignInSessionsValidFrom?.ToUniversalTime(),
        Verified = outcome.Verification?.Verified,
    };

    public void Dispose()
    {
        lock (disposeGate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            targets.Clear();
            job.Dispose();
        }
    }
}
