using System.Collections.Concurrent;
using System.Management.Automation;
using System.Reflection;

namespace Microsoft.Graph.Entra.Rs.Cmdlets;

/// <summary>
/// The object the engine is processing for a compiled cmdlet. PowerShell gives compiled cmdlets
/// no public access to it ($_ is not set for them, and a bound string parameter has lost the
/// object), but error records should name what the user piped (a Get-EntraUser object, a CSV
/// row). The engine's internal <c>CurrentPipelineObject</c> property (on InternalCommand) has
/// carried it since PowerShell 1; it is read by name, only when it exists with the expected type,
/// so a PowerShell that moves it gives <c>null</c> and the caller falls back to the bound value.
/// tests/RevokeUser.Tests.ps1 proves both the real engine and the fallback.
/// </summary>
internal static class CurrentPipelineObject
{
    private const BindingFlags Internal = BindingFlags.Instance | BindingFlags.NonPublic;

    /// <summary>The member per command type, looked up once (a run pipes thousands of records).</summary>
    private static readonly ConcurrentDictionary<System.Type, PropertyInfo?> Members = new();

    /// <summary>The pipeline object <paramref name="command"/> is processing; null when unknown.</summary>
    internal static PSObject? Of(object command) => Members.GetOrAdd(command.GetType(), Find)?.GetValue(command) as PSObject;

    private static PropertyInfo? Find(System.Type? type)
    {
        for (; type is not null; type = type.BaseType)
        {
            if (type.GetProperty("CurrentPipelineObject", Internal | BindingFlags.DeclaredOnly) is { CanRead: true } property
                && property.PropertyType == typeof(PSObject))
            {
                return property;
            }
        }

        return null;
    }
}
