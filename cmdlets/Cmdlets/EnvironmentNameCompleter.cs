using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using Microsoft.Graph.Entra.Rs.Connection;
using Microsoft.Graph.Entra.Rs.Models;

namespace Microsoft.Graph.Entra.Rs.Cmdlets;

/// <summary>
/// Tab completion of environment names (built-in and user-defined) for any -Name/-Environment
/// parameter: <c>[ArgumentCompleter(typeof(EnvironmentNameCompleter))]</c>.
/// </summary>
public sealed class EnvironmentNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName,
        string parameterName,
        string wordToComplete,
        CommandAst commandAst,
        IDictionary fakeBoundParameters)
    {
        // The word arrives with the user's quotes, if any: match on what is inside them.
        string prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        foreach (EntraEnvironment environment in EnvironmentRegistry.GetAll())
        {
            if (!environment.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string text = NeedsQuotes(environment.Name)
                ? "'" + environment.Name.Replace("'", "''") + "'"
                : environment.Name;
            yield return new CompletionResult(
                text,
                environment.Name,
                CompletionResultType.ParameterValue,
                $"{environment.Name} ({environment.Type}): {environment.GraphEndpoint}");
        }
    }

    private static bool NeedsQuotes(string name)
    {
        foreach (char c in name)
        {
            if (!char.IsLetterOrDigit(c) && c != '-' && c != '_' && c != '.')
            {
                return true;
            }
        }

        return false;
    }
}
