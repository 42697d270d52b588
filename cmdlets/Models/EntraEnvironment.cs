namespace Microsoft.Graph.Entra.Rs.Models;

/// <summary>
/// A cloud the module can talk to: where Graph lives and where tokens come from.
/// </summary>
/// <remarks>
/// Same shape and property order as the objects Microsoft's Get-EntraEnvironment /
/// Get-MgEnvironment return (Name, AzureADEndpoint, GraphEndpoint, Type), so scripts that read
/// them keep working. Immutable: the registry replaces an entry instead of mutating it.
/// </remarks>
public sealed class EntraEnvironment
{
    /// <summary>The <see cref="Type"/> of the clouds that ship with the module.</summary>
    public const string BuiltIn = "Built-in";

    /// <summary>The <see cref="Type"/> of clouds added with Add-EntraEnvironment.</summary>
    public const string UserDefined = "User-defined";

    public EntraEnvironment(string name, string azureADEndpoint, string graphEndpoint, string type)
    {
        Name = name;
        AzureADEndpoint = azureADEndpoint;
        GraphEndpoint = graphEndpoint;
        Type = type;
    }

    /// <summary>Case-insensitive name, e.g. Global, USGov.</summary>
    public string Name { get; }

    /// <summary>Sign-in (token) endpoint root, e.g. https://login.microsoftonline.com.</summary>
    public string AzureADEndpoint { get; }

    /// <summary>Graph service root, e.g. https://graph.microsoft.com (no trailing slash).</summary>
    public string GraphEndpoint { get; }

    /// <summary><see cref="BuiltIn"/> or <see cref="UserDefined"/>.</summary>
    public string Type { get; }

    public override string ToString() => Name;
}
