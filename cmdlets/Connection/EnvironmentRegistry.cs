using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Graph.Entra.Rs.Models;

namespace Microsoft.Graph.Entra.Rs.Connection;

/// <summary>
/// The clouds known to this process: the four built-ins plus those added with
/// Add-EntraEnvironment. Process-wide (like the connection itself) and thread-safe, because
/// runspaces in one process share the module's static state.
/// </summary>
public static class EnvironmentRegistry
{
    /// <summary>The environment Connect-Entra uses when none is given.</summary>
    public const string DefaultName = "Global";

    // Microsoft's endpoints, as Connect-MgGraph / Connect-Entra know them.
    private static readonly EntraEnvironment[] BuiltIns =
    {
        new("Global", "https://login.microsoftonline.com", "https://graph.microsoft.com", EntraEnvironment.BuiltIn),
        new("USGov", "https://login.microsoftonline.us", "https://graph.microsoft.us", EntraEnvironment.BuiltIn),
        new("USGovDoD", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us", EntraEnvironment.BuiltIn),
        new("China", "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn", EntraEnvironment.BuiltIn),
    };

    private static readonly object Gate = new();

    private static readonly Dictionary<string, EntraEnvironment> UserDefined =
        new(StringComparer.OrdinalIgnoreCase);

    /// <summary>All environments: built-ins in their fixed order, then user-defined by name.</summary>
    public static IReadOnlyList<EntraEnvironment> GetAll()
    {
        lock (Gate)
        {
            return BuiltIns
                .Concat(UserDefined.Values.OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase))
                .ToList();
        }
    }

    /// <summary>Looks an environment up by name, ignoring case.</summary>
    public static bool TryGet(string name, out EntraEnvironment environment)
    {
        EntraEnvironment? builtIn = FindBuiltIn(name);
        if (builtIn is not null)
        {
            environment = builtIn;
            return true;
        }

        lock (Gate)
        {
            if (UserDefined.TryGetValue(name, out EntraEnvironment? found))
            {
                environment = found;
                return true;
            }
        }

        environment = null!;
        return false;
    }

    /// <summary>True when <paramref name="name"/> is one of the built-in clouds (any case).</summary>
    public static bool IsBuiltIn(string name) => FindBuiltIn(name) is not null;

    /// <summary>
    /// Adds or replaces a user-defined environment. The caller validates the endpoints; this
    /// refuses only to shadow a built-in, which would silently redirect tokens to another host.
    /// </summary>
    public static EntraEnvironment AddOrReplace(string name, string azureADEndpoint, string graphEndpoint)
    {
        if (IsBuiltIn(name))
        {
            throw new InvalidOperationException($"'{name}' is a built-in environment and cannot be replaced.");
        }

        var environment = new EntraEnvironment(name, azureADEndpoint, graphEndpoint, EntraEnvironment.UserDefined);
        lock (Gate)
        {
            // Remove first so a re-add with different casing takes the new spelling.
            UserDefined.Remove(name);
            UserDefined[name] = environment;
        }

        return environment;
    }

    private static EntraEnvironment? FindBuiltIn(string name) =>
        Array.Find(BuiltIns, e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
}
