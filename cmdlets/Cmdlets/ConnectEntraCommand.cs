using System;
using System.Management.Automation;
using System.Security;
using Microsoft.Graph.Entra.Rs.Connection;
using Microsoft.Graph.Entra.Rs.Errors;
using Microsoft.Graph.Entra.Rs.Models;
using Microsoft.Graph.Entra.Rs.Native;

namespace Microsoft.Graph.Entra.Rs.Cmdlets;

/// <summary>
/// Connect-Entra: establishes the process-wide connection the other cmdlets use. The token goes
/// straight from the SecureString into the native session; it never becomes a managed string.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "Entra", DefaultParameterSetName = AccessTokenSet)]
[OutputType(typeof(void))]
public sealed class ConnectEntraCommand : PSCmdlet
{
    private const string AccessTokenSet = "AccessTokenParameterSet";

    /// <summary>A Graph access token obtained elsewhere.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
    [ValidateNotNull]
    public SecureString AccessToken { get; set; } = null!;

    /// <summary>The cloud: Global (default), USGov, USGovDoD, China, or one added with Add-EntraEnvironment.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Environment { get; set; } = EnvironmentRegistry.DefaultName;

    /// <summary>Time allowed for one HTTP request, in seconds (as Connect-MgGraph's -ClientTimeout).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int ClientTimeout { get; set; }

    /// <summary>Send requests through this proxy instead of HTTPS_PROXY/HTTP_PROXY/NO_PROXY.</summary>
    [Parameter]
    public Uri? Proxy { get; set; }

    /// <summary>Do not print the welcome line.</summary>
    [Parameter]
    public SwitchParameter NoWelcome { get; set; }

    protected override void EndProcessing()
    {
        if (!EnvironmentRegistry.TryGet(Environment, out EntraEnvironment environment))
        {
            ThrowTerminatingError(ErrorRecordFactory.NotFound(
                "EnvironmentNotFound",
                $"There is no environment named '{Environment}'. Get-EntraEnvironment lists them; Add-EntraEnvironment adds one.",
                Environment));
            return;
        }

        GraphSession session;
        try
        {
            using Utf8String token = SecretUtf8.FromSecureString(AccessToken);
            session = GraphSession.ConnectWithAccessToken(
                environment.GraphEndpoint.Utf8(), token, (uint)ClientTimeout, (Proxy?.AbsoluteUri ?? string.Empty).Utf8());
        }
        catch (EnumException<NativeError> e)
        {
            ThrowTerminatingError(ConnectError(e.Value, environment));
            return;
        }
        catch (Exception e) when (ErrorRecordFactory.TryGetNativeLoadFailure(e, out Exception loadFailure))
        {
            ThrowTerminatingError(ErrorRecordFactory.NativeLibraryUnavailable(loadFailure));
            return;
        }

        EntraConnection.Set(session, new EntraConnection.ConnectionInfo(environment, "AccessToken", DateTimeOffset.Now));
        if (!NoWelcome)
        {
            Host.UI.WriteLine($"Welcome to Microsoft.Graph.Entra.Rs. Connected to {environment.Name} ({environment.GraphEndpoint}). Get-EntraContext shows the connection.");
        }
    }

    private ErrorRecord ConnectError(NativeError error, EntraEnvironment environment)
    {
        if (error.IsInvalidToken)
        {
            return ErrorRecordFactory.InvalidArgument("InvalidAccessToken", "The access token is empty or contains characters that cannot be sent in an HTTP header.", null);
        }

        if (error.IsInvalidEndpoint)
        {
            return ErrorRecordFactory.InvalidArgument("InvalidEndpoint", $"The Graph endpoint '{environment.GraphEndpoint}' of environment '{environment.Name}' is not an https origin.", environment);
        }

        if (error.IsInvalidOptions)
        {
            return ErrorRecordFactory.InvalidArgument("InvalidProxy", $"The proxy '{Proxy}' is not a valid absolute URI.", Proxy);
        }

        return ErrorRecordFactory.Create(new InvalidOperationException("The HTTP client could not be created (TLS or proxy configuration)."), "ClientUnavailable", ErrorCategory.ResourceUnavailable, null);
    }
}
