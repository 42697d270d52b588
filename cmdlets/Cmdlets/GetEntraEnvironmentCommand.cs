using System.Linq;
using System.Management.Automation;
using Microsoft.Graph.Entra.Rs.Connection;
using Microsoft.Graph.Entra.Rs.Errors;
using Microsoft.Graph.Entra.Rs.Models;

namespace Microsoft.Graph.Entra.Rs.Cmdlets;

/// <summary>
/// <c>Get-EntraEnvironment [[-Name] &lt;string[]&gt;]</c>: lists the clouds this session knows.
/// A name without wildcards that matches nothing is an error, as with Get-Item.
/// </summary>
[Cmdlet(VerbsCommon.Get, "EntraEnvironment")]
[OutputType(typeof(EntraEnvironment))]
public sealed class GetEntraEnvironmentCommand : PSCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        var all = EnvironmentRegistry.GetAll();
        if (Name is null)
        {
            WriteObject(all, enumerateCollection: true);
            return;
        }

        foreach (string name in Name)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            var matches = all.Where(e => pattern.IsMatch(e.Name)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
            {
                WriteError(ErrorRecordFactory.NotFound(
                    "EnvironmentNotFound",
                    $"No environment named '{name}'. Known: {string.Join(", ", all.Select(e => e.Name))}.",
                    name,
                    "Use Get-EntraEnvironment to list environments, or Add-EntraEnvironment to register one."));
                continue;
            }

            WriteObject(matches, enumerateCollection: true);
        }
    }
}
