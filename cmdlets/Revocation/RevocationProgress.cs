using System.Diagnostics;
using System.Management.Automation;
using Microsoft.Graph.Entra.Rs.Native;

namespace Microsoft.Graph.Entra.Rs.Revocation;

/// <summary>
/// Write-Progress for runs long enough to need it (over a second), refreshed a few times a
/// second at most: done, failed, throttled and rate.
/// </summary>
internal sealed class RevocationProgress
{
    private const int ActivityId = 0x5245; // any stable id, distinct from the caller's
    private static readonly long ShowAfterTicks = Stopwatch.Frequency;
    private static readonly long RefreshTicks = Stopwatch.Frequency / 4;

    private readonly PSCmdlet cmdlet;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long lastShownTicks = long.MinValue;
    private bool shown;

    public RevocationProgress(PSCmdlet cmdlet) => this.cmdlet = cmdlet;

    public void Update(JobProgress p)
    {
        long now = clock.ElapsedTicks;
        if (now < ShowAfterTicks || now - lastShownTicks < RefreshTicks)
        {
            return;
        }

        lastShownTicks = now;
        shown = true;
        ulong done = p.succeeded + p.failed;
        double rate = done / clock.Elapsed.TotalSeconds;
        var record = new ProgressRecord(ActivityId, "Revoking refresh tokens and sessions",
            $"{done} of {p.submitted} done, {p.failed} failed, {p.throttled} throttled, {rate:0} users/s, {p.concurrency} in flight at most");
        cmdlet.WriteProgress(record);
    }

    public void Complete()
    {
        if (shown)
        {
            cmdlet.WriteProgress(new ProgressRecord(ActivityId, "Revoking refresh tokens and sessions", "Done") { RecordType = ProgressRecordType.Completed });
        }
    }
}
