using System.Collections.Generic;
using System.Management.Automation;
using System.Reflection;

namespace Microsoft.Graph.Entra.Rs.Tracing;

/// <summary>
/// Sets the stream preferences of a running compiled cmdlet. PowerShell has no public API for
/// this: <c>ICommandRuntime</c> exposes no preferences, and setting <c>$DebugPreference</c> or
/// <c>$VerbosePreference</c> in the session does not help because the runtime prefers a bound
/// -Debug over those variables, which is exactly the case here. So this
/// sets MshCommandRuntime's internal <c>Verbose</c>, <c>DebugPreference</c> and
/// <c>WarningPreference</c> by name, and only when each exists with the expected type: if a
/// PowerShell version moves them, nothing is set and PowerShell's own -Debug behaviour
/// (prompts) stays. tests/VerboseDebug.Tests.ps1 proves both the real runtime and the fallback.
/// </summary>
internal static class RuntimePreferences
{
    private const BindingFlags Internal = BindingFlags.Instance | BindingFlags.NonPublic;

    /// <summary>
    /// Verbose on (when <paramref name="setVerbose"/>), an Inquire debug preference to Continue,
    /// an Inquire warning preference to <paramref name="callerWarning"/> (when given). Returns the
    /// names of the switches it set; none when the runtime has no such members.
    /// </summary>
    internal static IReadOnlyList<string> DebugWithoutPrompts(object runtime, bool setVerbose, ActionPreference? callerWarning)
    {
        var set = new List<string>();
        if (setVerbose && Find(runtime, "Verbose", typeof(bool)) is { } verbose)
        {
            verbose.SetValue(runtime, true);
            set.Add(verbose.Name);
        }

        if (Find(runtime, "DebugPreference", typeof(ActionPreference)) is { } debug
            && (ActionPreference)debug.GetValue(runtime)! == ActionPreference.Inquire)
        {
            debug.SetValue(runtime, ActionPreference.Continue);
            set.Add(debug.Name);
        }

        if (callerWarning is { } caller
            && Find(runtime, "WarningPreference", typeof(ActionPreference)) is { } warning
            && (ActionPreference)warning.GetValue(runtime)! == ActionPreference.Inquire)
        {
            warning.SetValue(runtime, caller);
            set.Add(warning.Name);
        }

        return set;
    }

    private static PropertyInfo? Find(object runtime, string name, System.Type type) =>
        runtime.GetType().GetProperty(name, Internal) is { CanWrite: true, CanRead: true } property && property.PropertyType == type ? property : null;
}
