using System;
using System.Management.Automation;
using Microsoft.Graph.Entra.Rs.Connection;
using Microsoft.Graph.Entra.Rs.Errors;
using Microsoft.Graph.Entra.Rs.Models;
using Microsoft.Graph.Entra.Rs.Native;

namespace Microsoft.Graph.Entra.Rs.Cmdlets;

/// <summary>
/// <c>Add-EntraEnvironment -Name -AzureADEndpoint -GraphEndpoint</c>: registers a custom cloud
/// for this process (Microsoft's cmdlet writes a settings file; ours does not persist).
/// Re-adding a user-defined name replaces it; built-in names are refused. The endpoints are
/// checked by the native library (the rule Connect-Entra applies), so the first call loads it;
/// importing the module still loads no native code.
/// </summary>
[Cmdlet(VerbsCommon.Add, "EntraEnvironment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(EntraEnvironment))]
public sealed class AddEntraEnvironmentCommand : NativeCmdlet
{
    /// <summary>Error id of an endpoint that is not an https (or loopback http) service root.</summary>
    public const string InvalidEndpointId = "InvalidEndpoint";

    /// <summary>Error id of an attempt to redefine Global, USGov, USGovDoD or China.</summary>
    public const string BuiltInEnvironmentId = "BuiltInEnvironmentReadOnly";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    // Aliases as in Add-MgEnvironment.
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("AzureADUrl")]
    [ValidateNotNullOrEmpty]
    public string AzureADEndpoint { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [Alias("GraphUrl")]
    [ValidateNotNullOrEmpty]
    public string GraphEndpoint { get; set; } = string.Empty;

    protected override void ProcessRecord()
    {
        string name = Name.Trim();
        if (EnvironmentRegistry.IsBuiltIn(name))
        {
            WriteError(ErrorRecordFactory.InvalidArgument(
                BuiltInEnvironmentId,
                $"'{name}' is a built-in environment and cannot be redefined.",
                name,
                "Choose another name for the custom environment."));
            return;
        }

        (EndpointVerdict graphVerdict, EndpointVerdict azureADVerdict) = CheckEndpoints();
        string? graph = Accepted(graphVerdict, GraphEndpoint, nameof(GraphEndpoint));
        string? azureAD = Accepted(azureADVerdict, AzureADEndpoint, nameof(AzureADEndpoint));
        if (graph is null || azureAD is null)
        {
            return;
        }

        if (!ShouldProcess($"{name} (Graph: {graph}, sign-in: {azureAD})", "Add Entra environment"))
        {
            return;
        }

        WriteObject(EnvironmentRegistry.AddOrReplace(name, azureAD, graph));
    }

    /// <summary>The native rule's verdicts; the first call of the process loads the native library.</summary>
    private (EndpointVerdict, EndpointVerdict) CheckEndpoints()
    {
        try
        {
            return EndpointCheck.Check(GraphEndpoint, AzureADEndpoint);
        }
        catch (Exception e) when (IsNativeLoadFailure(e, out ErrorRecord loadFailure))
        {
            ThrowTerminatingError(loadFailure);
            throw; // not reached: ThrowTerminatingError throws
        }
    }

    private string? Accepted(EndpointVerdict verdict, string value, string parameterName)
    {
        if (verdict.Origin is null)
        {
            WriteError(ErrorRecordFactory.InvalidArgument(
                InvalidEndpointId,
                $"-{parameterName} '{value}' is not accepted: {verdict.Error}",
                value,
                "Give an https service root such as https://graph.microsoft.com, or http://127.0.0.1:<port> for a local emulator."));
        }

        return verdict.Origin;
    }
}
