using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Microsoft.Graph.Entra.Rs.Native;

namespace Microsoft.Graph.Entra.Rs.Tracing;

/// <summary>
/// -Verbose shows one line per request (method, path, status, attempt, duration); -Debug adds
/// the request and response headers. The native side logs only when asked and has already
/// redacted Authorization, so nothing here can show a token.
/// </summary>
internal static class RequestTraceWriter
{

    /// <summary>The trace level to ask the native side for: headers with -Debug, requests with -Verbose.</summary>
    public static TraceLevel LevelFor(PSCmdlet cmdlet)
    {
        if (IsOn(cmdlet, "Debug", "DebugPreference"))
        {
            DebugWithoutPrompts(cmdlet);
            return TraceLevel.Headers;
        }

        if (IsOn(cmdlet, "Verbose", "VerbosePreference")) return TraceLevel.Requests;
        return TraceLevel.Off;
    }

    public static void Write(PSCmdlet cmdlet, string json)
    {
        TraceRecord trace = NativeJson.Trace(json);
        foreach (TraceEntryRecord e in trace.Entries)
        {
            string answer = e.Status is int status ? status.ToString() : $"failed: {e.Error}";
            cmdlet.WriteVerbose($"{e.Method} {e.Target} -> {answer} (attempt {e.Attempt}, {e.DurationMs:0} ms)");
            if (e.RequestHeaders.Count > 0 || e.ResponseHeaders.Count > 0)
            {
                cmdlet.WriteDebug($"{e.Method} {e.Target} request headers: {Format(e.RequestHeaders)}");
                cmdlet.WriteDebug($"{e.Method} {e.Target} response headers: {Format(e.ResponseHeaders)}");
            }
        }

        if (trace.Dropped > 0)
        {
            cmdlet.WriteVerbose($"{trace.Dropped} more requests were sent but not logged (the log is bounded).");
        }
    }

    /// <summary>
    /// For compiled cmdlets, PowerShell still turns -Debug into an Inquire preference for the
    /// verbose stream (and, in older versions, the debug stream): every request line would stop a
    /// bulk run at a prompt, and where nobody can answer (a scheduled task) the prompt itself
    /// throws. Microsoft.Graph.Entra's cmdlet is a script, where -Debug has meant Continue since
    /// PowerShell 7, and scripts that ran it with -Debug expect exactly that. See
    /// <see cref="RuntimePreferences"/> for why this needs the runtime's internal switches.
    /// </summary>
    internal static void DebugWithoutPrompts(PSCmdlet cmdlet)
    {
        var bound = cmdlet.MyInvocation.BoundParameters;
        if (!bound.ContainsKey("Debug"))
        {
            return;
        }

        // Warnings too (Connect-Entra's device code instruction): the caller's $WarningPreference
        // applies, as without -Debug, unless that is Inquire itself.
        ActionPreference? callerWarning = bound.ContainsKey("WarningAction")
            ? null
            : cmdlet.GetVariableValue("WarningPreference") is ActionPreference p && p != ActionPreference.Inquire ? p : ActionPreference.Continue;
        RuntimePreferences.DebugWithoutPrompts(cmdlet.CommandRuntime, setVerbose: !bound.ContainsKey("Verbose"), callerWarning);
    }

    private static string Format(List<List<string>> headers) =>
        string.Join("; ", headers.Where(h => h.Count == 2).Select(h => $"{h[0]}: {h[1]}"));

    private static bool IsOn(PSCmdlet cmdlet, string switchName, string preferenceVariable)
    {
        if (cmdlet.MyInvocation.BoundParameters.TryGetValue(switchName, out object? value))
        {
            return value is SwitchParameter s ? s.IsPresent : value is true;
        }

        return cmdlet.GetVariableValue(preferenceVariable) is ActionPreference preference
            && preference != ActionPreference.SilentlyContinue
            && preference != ActionPreference.Ignore;
    }
}
