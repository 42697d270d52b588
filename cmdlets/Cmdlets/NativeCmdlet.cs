using System;
using System.Management.Automation;
using Microsoft.Graph.Entra.Rs.Connection;
using Microsoft.Graph.Entra.Rs.Errors;
using Microsoft.Graph.Entra.Rs.Native;

namespace Microsoft.Graph.Entra.Rs.Cmdlets;

/// <summary>
/// What every cmdlet that drives a native operation shares: the terminating errors for a
/// missing native library and for "not connected", and the operation's lifetime: StopProcessing
/// (PowerShell's stop thread) cancels it, Dispose releases it, and an operation tracked after
/// Ctrl+C was pressed is cancelled at once.
/// </summary>
public abstract class NativeCmdlet : PSCmdlet, IDisposable
{
    private readonly object operationGate = new();
    private IDisposable? operation;
    private Action? cancelOperation;
    private bool stopping;

    /// <summary>
    /// Runs <paramref name="start"/> with the current connection's session. Not connected:
    /// terminating NotConnected; the native library cannot be loaded: terminating
    /// NativeLibraryUnavailable.
    /// </summary>
    protected T StartWithSession<T>(Func<GraphSession, T> start) where T : class
    {
        T? started = null;
        ErrorRecord? failure = null;
        try
        {
            started = EntraConnection.WithSession((session, _) => start(session));
        }
        catch (Exception e) when (IsNativeLoadFailure(e, out ErrorRecord loadFailure))
        {
            failure = loadFailure;
        }

        failure ??= started is null ? NotConnectedError.Create() : null;
        if (failure is not null)
        {
            ThrowTerminatingError(failure);
        }

        return started!;
    }

    /// <summary>
    /// True when <paramref name="exception"/> means the native library could not be loaded;
    /// <paramref name="error"/> is then the NativeLibraryUnavailable record to throw.
    /// </summary>
    protected static bool IsNativeLoadFailure(Exception exception, out ErrorRecord error)
    {
        bool found = ErrorRecordFactory.TryGetNativeLoadFailure(exception, out Exception loadFailure);
        error = found ? ErrorRecordFactory.NativeLibraryUnavailable(loadFailure) : null!;
        return found;
    }

    /// <summary>
    /// What the user piped for the record being processed (a Get-EntraUser or Get-MgUser object,
    /// a CSV row, a string), for ErrorRecord.TargetObject; <paramref name="bound"/> when the value
    /// came as an argument rather than from the pipeline.
    /// </summary>
    protected object PipedObjectOr(object bound)
    {
        if (!MyInvocation.ExpectingInput || CurrentPipelineObject.Of(this) is not { } piped)
        {
            return bound;
        }

        // A custom object (Get-EntraUser, Import-Csv) is its PSObject; anything else is itself,
        // so a piped string stays a string.
        return piped.BaseObject is PSCustomObject ? piped : piped.BaseObject;
    }

    /// <summary>Makes <paramref name="handle"/> the operation StopProcessing cancels and Dispose releases.</summary>
    protected void Track(IDisposable handle, Action cancel)
    {
        lock (operationGate)
        {
            operation = handle;
            cancelOperation = cancel;
            if (stopping)
            {
                cancel();
            }
        }
    }

    /// <summary>Releases the tracked operation now (a cmdlet that runs one per input record).</summary>
    protected void ReleaseTracked()
    {
        IDisposable? released;
        lock (operationGate)
        {
            released = operation;
            operation = null;
            cancelOperation = null;
        }

        released?.Dispose();
    }

    protected override void StopProcessing()
    {
        lock (operationGate)
        {
            stopping = true;
            cancelOperation?.Invoke();
        }
    }

    public void Dispose()
    {
        ReleaseTracked();
        GC.SuppressFinalize(this);
    }
}
