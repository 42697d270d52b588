using System;
using System.IO;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Graph.Entra.Rs.Connection;
using Microsoft.Graph.Entra.Rs.Errors;
using Microsoft.Graph.Entra.Rs.Models;
using Microsoft.Graph.Entra.Rs.Native;
using Microsoft.Graph.Entra.Rs.Tracing;

namespace Microsoft.Graph.Entra.Rs.Cmdlets;

/// <summary>
/// Connect-Entra: establishes the process-wide connection the other cmdlets use, with the
/// parameter sets of Microsoft's Connect-Entra (and Connect-MgGraph), so scripts move over
/// unchanged. Tokens are obtained, cached and renewed in Rust; this class only collects the
/// parameters. Secrets (SecureString, PSCredential, the certificate's key, AZURE_CLIENT_SECRET)
/// go to Rust from native buffers that are zeroed afterwards, never as new managed strings.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "Entra", DefaultParameterSetName = UserSet)]
[OutputType(typeof(void))]
public sealed class ConnectEntraCommand : NativeCmdlet
{
    private const string UserSet = "UserParameterSet";
    private const string CertificateSet = "AppCertificateParameterSet";
    private const string SecretSet = "AppSecretCredentialParameterSet";
    private const string AccessTokenSet = "AccessTokenParameterSet";
    private const string IdentitySet = "IdentityParameterSet";
    private const string EnvironmentVariableSet = "EnvironmentVariableParameterSet";

    /// <summary>Delegated permissions to ask for (device code sign-in), e.g. User.RevokeSessions.All.</summary>
    [Parameter(ParameterSetName = UserSet, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[]? Scopes { get; set; }

    /// <summary>The application (client) id. With -Identity: a user-assigned identity's client id.</summary>
    [Parameter(ParameterSetName = UserSet, Position = 1)]
    [Parameter(ParameterSetName = CertificateSet, Mandatory = true, Position = 0)]
    [Parameter(ParameterSetName = SecretSet)]
    [Parameter(ParameterSetName = IdentitySet, Position = 0)]
    [Alias("AppId", "ApplicationId")]
    [ValidateNotNullOrEmpty]
    public string? ClientId { get; set; }

    /// <summary>Subject of a certificate in CurrentUser\My ("CN=app" or "app").</summary>
    [Parameter(ParameterSetName = CertificateSet, Position = 1)]
    [Alias("CertificateSubject", "CertificateName")]
    [ValidateNotNullOrEmpty]
    public string? CertificateSubjectName { get; set; }

    /// <summary>Thumbprint of a certificate in CurrentUser\My.</summary>
    [Parameter(ParameterSetName = CertificateSet, Position = 2)]
    [ValidateNotNullOrEmpty]
    public string? CertificateThumbprint { get; set; }

    /// <summary>Send the certificate (x5c) for subject name / issuer authentication.</summary>
    [Parameter(ParameterSetName = CertificateSet)]
    public bool SendCertificateChain { get; set; }

    /// <summary>A certificate with its private key.</summary>
    [Parameter(ParameterSetName = CertificateSet)]
    [ValidateNotNull]
    public X509Certificate2? Certificate { get; set; }

    /// <summary>The client secret as the password; the user name may carry the client id.</summary>
    [Parameter(ParameterSetName = SecretSet, Mandatory = true)]
    [ValidateNotNull]
    public PSCredential ClientSecretCredential { get; set; } = null!;

    /// <summary>The tenant's id or one of its domains. Required for app-only sign-in.</summary>
    [Parameter(ParameterSetName = UserSet)]
    [Parameter(ParameterSetName = CertificateSet)]
    [Parameter(ParameterSetName = SecretSet)]
    [Alias("Audience", "Tenant")]
    [ValidateNotNullOrEmpty]
    public string? TenantId { get; set; }

    /// <summary>A Graph access token obtained elsewhere (never renewed).</summary>
    [Parameter(ParameterSetName = AccessTokenSet, Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public SecureString AccessToken { get; set; } = null!;

    /// <summary>Sign in with the managed identity of the Azure resource this runs on.</summary>
    [Parameter(ParameterSetName = IdentitySet, Mandatory = true)]
    [Alias("ManagedIdentity", "ManagedServiceIdentity", "MSI")]
    public SwitchParameter Identity { get; set; }

    /// <summary>Sign in with AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH.</summary>
    [Parameter(ParameterSetName = EnvironmentVariableSet, Mandatory = true)]
    public SwitchParameter EnvironmentVariable { get; set; }

    /// <summary>Delegated sign-in with the device code flow (the only interactive flow offered).</summary>
    [Parameter(ParameterSetName = UserSet)]
    [Alias("UseDeviceAuthentication", "DeviceCode", "DeviceAuth", "Device")]
    public SwitchParameter UseDeviceCode { get; set; }

    /// <summary>Accepted for compatibility; the connection always lives in this process.</summary>
    [Parameter(ParameterSetName = UserSet)]
    [Parameter(ParameterSetName = CertificateSet)]
    [Parameter(ParameterSetName = SecretSet)]
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = EnvironmentVariableSet)]
    [ValidateSet("Process", "CurrentUser", IgnoreCase = true)]
    public string? ContextScope { get; set; }

    /// <summary>The cloud: Global (default), USGov, USGovDoD, China, or one added with Add-EntraEnvironment.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Environment { get; set; } = EnvironmentRegistry.DefaultName;

    /// <summary>Time allowed for one HTTP request, in seconds (as Connect-MgGraph's -ClientTimeout).</summary>
    [Parameter]
    // Doubles, as the parameter: ValidateRange compares in the bounds' type.
    [ValidateRange((double)NativeContract.MinClientTimeoutSeconds, (double)NativeContract.MaxClientTimeoutSeconds)]
    [PSDefaultValue(Value = NativeContract.DefaultClientTimeoutSeconds)]
    public double ClientTimeout { get; set; }

    /// <summary>Send requests through this proxy instead of HTTPS_PROXY/HTTP_PROXY/NO_PROXY.</summary>
    [Parameter]
    public Uri? Proxy { get; set; }

    /// <summary>Do not print the welcome line.</summary>
    [Parameter]
    public SwitchParameter NoWelcome { get; set; }

    protected override void EndProcessing()
    {
        // -Debug would otherwise make every verbose line and the device code warning a prompt.
        RequestTraceWriter.DebugWithoutPrompts(this);
        if (!EnvironmentRegistry.TryGet(Environment, out EntraEnvironment environment))
        {
            ThrowTerminatingError(ErrorRecordFactory.NotFound(
                "EnvironmentNotFound",
                $"There is no environment named '{Environment}'. Get-EntraEnvironment lists them; Add-EntraEnvironment adds one.",
                Environment));
            return;
        }

        if (string.Equals(ContextScope, "CurrentUser", StringComparison.OrdinalIgnoreCase))
        {
            WriteWarning("-ContextScope CurrentUser is not supported: the connection lives in this process only and nothing is written to disk.");
        }

        try
        {
            (GraphSession session, string nativeKind) = ParameterSetName switch
            {
                AccessTokenSet => (ConnectWithAccessToken(environment), "AccessToken"),
                SecretSet => SignIn(environment, ClientId ?? ClientSecretCredential.UserName, TenantId, f => WithSecret(f, ClientSecretCredential.Password)),
                CertificateSet => ConnectWithCertificate(environment),
                IdentitySet => SignIn(environment, ClientId, null, WithManagedIdentity),
                EnvironmentVariableSet => ConnectWithEnvironmentVariables(environment),
                _ => ConnectWithDeviceCode(environment),
            };
            string credentialType = AuthenticationKinds.TokenCredentialType(nativeKind, ParameterSetName == EnvironmentVariableSet);
            EntraConnection.Set(session, new EntraConnection.ConnectionInfo(environment, credentialType, DateTimeOffset.Now));
        }
        catch (EnumException<NativeError> e)
        {
            ThrowTerminatingError(ConnectError(e.Value, environment));
            return;
        }
        catch (Exception e) when (IsNativeLoadFailure(e, out ErrorRecord loadFailure))
        {
            ThrowTerminatingError(loadFailure);
            return;
        }

        if (!NoWelcome)
        {
            Host.UI.WriteLine($"Welcome to Microsoft.Graph.Entra.Rs. Connected to {environment.Name} ({environment.GraphEndpoint}). Get-EntraContext shows the connection.");
        }
    }

    private double TimeoutSeconds => ClientTimeout > 0 ? ClientTimeout : 0;

    private GraphSession ConnectWithAccessToken(EntraEnvironment environment)
    {
        WriteVerbose($"Connecting to {environment.Name} ({environment.GraphEndpoint}) with the access token given.");
        string settings = ConnectSettings.ToJson(environment, clientTimeoutSeconds: TimeoutSeconds, proxy: Proxy);
        using Utf8String token = SecretUtf8.FromSecureString(AccessToken);
        return GraphSession.ConnectWithAccessToken(settings.Utf8(), token);
    }

    /// <summary>Runs one sign-in step on a new flow and connects with what it signed in.</summary>
    private (GraphSession, string) SignIn(EntraEnvironment environment, string? clientId, string? tenantId, Func<SignInFlow, string> step, string[]? scopes = null, bool sendChain = false, Func<SignInAnswer, string?>? hint = null)
    {
        string settings = ConnectSettings.ToJson(environment, tenantId, clientId, scopes, sendChain, TimeoutSeconds, Proxy);
        SignInFlow created = SignInFlow.Create(settings.Utf8());
        Track(created, created.Cancel);

        SignInAnswer result = SignInAnswer.Parse(step(created));
        if (!result.SignedIn)
        {
            SignInErrorRecord error = result.Error ?? new SignInErrorRecord { Kind = SignInFailureKind.Internal, Message = "The sign-in ended without an answer." };
            ThrowTerminatingError(SignInErrors.ToErrorRecord(error, environment, hint?.Invoke(result)));
        }

        GraphSession session = GraphSession.Connect(created);
        return (session, CredentialKindOf(session));
    }

    /// <summary>The kind of credential the native session says it uses (ClientSecret, Certificate, …).</summary>
    private static string CredentialKindOf(GraphSession session) => SessionRecord.Of(session).AuthType;

    private string WithSecret(SignInFlow signIn, SecureString secret)
    {
        WriteVerbose("Signing in with a client secret (client credentials).");
        using Utf8String utf8 = SecretUtf8.FromSecureString(secret);
        return signIn.WithClientSecret(utf8).IntoString();
    }

    private (GraphSession, string) ConnectWithCertificate(EntraEnvironment environment)
    {
        X509Certificate2? found = Certificate;
        string? owned = null;
        if (found is null)
        {
            if (CertificateThumbprint is not null)
            {
                found = CertificateSource.FindByThumbprint(CertificateThumbprint);
                owned = $"thumbprint {CertificateThumbprint}";
            }
            else if (CertificateSubjectName is not null)
            {
                found = CertificateSource.FindBySubjectName(CertificateSubjectName);
                owned = $"subject '{CertificateSubjectName}'";
            }
            else
            {
                ThrowTerminatingError(ErrorRecordFactory.InvalidArgument(
                    "CertificateRequired",
                    "Connect-Entra -ClientId needs a certificate: -Certificate, -CertificateThumbprint or -CertificateSubjectName (or use -ClientSecretCredential).",
                    null));
            }

            if (found is null)
            {
                ThrowTerminatingError(ErrorRecordFactory.NotFound(
                    "CertificateNotFound",
                    $"No certificate with {owned} and a private key was found in the CurrentUser\\My certificate store.",
                    CertificateThumbprint ?? CertificateSubjectName,
                    "Import the certificate with its private key into CurrentUser\\My, or pass it with -Certificate."));
            }
        }

        try
        {
            // Once connected, the certificate belongs to the connection's signer (see CertificateSigner).
            return ConnectWithCertificate(environment, found!, ClientId, TenantId, SendCertificateChain);
        }
        catch when (owned is not null)
        {
            found!.Dispose();
            throw;
        }
    }

    private (GraphSession, string) ConnectWithCertificate(EntraEnvironment environment, X509Certificate2 certificate, string? clientId, string? tenantId, bool sendChain)
    {
        WriteVerbose($"Signing in with certificate '{certificate.Subject}' (thumbprint {certificate.Thumbprint}, valid until {certificate.NotAfter:u}) (client credentials, signed assertion).");
        string? ExpiredHint(SignInAnswer _) => certificate.NotAfter < DateTime.Now ? $"(The certificate {certificate.Thumbprint} expired on {certificate.NotAfter:u}.)" : null;
        CertificateSigner signer;
        try
        {
            signer = new CertificateSigner(certificate);
        }
        catch (CertificateUnusableException e)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(e, "CertificateUnusable", ErrorCategory.InvalidArgument, certificate.Thumbprint));
            throw;
        }

        // The native credential keeps signer.Callback for the connection's lifetime and calls it
        // for every token it asks for; only the certificate's public DER is copied.
        return SignIn(environment, clientId, tenantId, f =>
        {
            using SliceByteLease der = certificate.RawData.Slice();
            return f.WithCertificate(signer.Callback, der).IntoString();
        }, sendChain: sendChain, hint: ExpiredHint);
    }

    private string WithManagedIdentity(SignInFlow signIn)
    {
        string? endpoint = ConnectSettings.Variable("IDENTITY_ENDPOINT");
        string? imds = ConnectSettings.Variable("AZURE_POD_IDENTITY_AUTHORITY_HOST");
        WriteVerbose(endpoint is not null
            ? $"Signing in with the App Service managed identity ({endpoint}){(ClientId is null ? "" : $", client id {ClientId}")}."
            : $"Signing in with the managed identity from the instance metadata endpoint ({imds ?? "http://169.254.169.254"}){(ClientId is null ? "" : $", client id {ClientId}")}.");
        string header = System.Environment.GetEnvironmentVariable("IDENTITY_HEADER") ?? "";
        using Utf8String headerUtf8 = SecretUtf8.FromChars(header);
        return signIn.WithManagedIdentity((endpoint ?? "").Utf8(), headerUtf8, (imds ?? "").Utf8()).IntoString();
    }

    private (GraphSession, string) ConnectWithEnvironmentVariables(EntraEnvironment environment)
    {
        string? tenant = ConnectSettings.Variable("AZURE_TENANT_ID");
        string? client = ConnectSettings.Variable("AZURE_CLIENT_ID");
        string? secret = System.Environment.GetEnvironmentVariable("AZURE_CLIENT_SECRET");
        string? certificatePath = ConnectSettings.Variable("AZURE_CLIENT_CERTIFICATE_PATH");
        if (tenant is null || client is null || (string.IsNullOrEmpty(secret) && certificatePath is null))
        {
            ThrowTerminatingError(ErrorRecordFactory.InvalidArgument(
                "EnvironmentVariablesMissing",
                "Connect-Entra -EnvironmentVariable needs AZURE_TENANT_ID, AZURE_CLIENT_ID, and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH.",
                null,
                "Set them, for example: $env:AZURE_TENANT_ID = '<tenant>'; $env:AZURE_CLIENT_ID = '<app id>'; $env:AZURE_CLIENT_CERTIFICATE_PATH = '<file.pem or .pfx>'."));
        }

        if (!string.IsNullOrEmpty(secret))
        {
            WriteVerbose("AZURE_CLIENT_SECRET is set: signing in with a client secret (client credentials).");
            return SignIn(environment, client, tenant, f =>
            {
                using Utf8String utf8 = SecretUtf8.FromChars(secret);
                return f.WithClientSecret(utf8).IntoString();
            });
        }

        X509Certificate2 certificate;
        try
        {
            certificate = CertificateSource.LoadFile(certificatePath!, System.Environment.GetEnvironmentVariable("AZURE_CLIENT_CERTIFICATE_PASSWORD"));
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(
                new InvalidOperationException($"The certificate in AZURE_CLIENT_CERTIFICATE_PATH ('{certificatePath}') could not be loaded: {e.Message}", e),
                "CertificateUnusable",
                ErrorCategory.InvalidArgument,
                certificatePath,
                "Point AZURE_CLIENT_CERTIFICATE_PATH at a PEM file with the certificate and its key, or a PFX (with AZURE_CLIENT_CERTIFICATE_PASSWORD)."));
            throw;
        }

        try
        {
            string? sendChain = System.Environment.GetEnvironmentVariable("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN");
            bool chain = sendChain is not null && (sendChain == "1" || sendChain.Equals("true", StringComparison.OrdinalIgnoreCase));
            return ConnectWithCertificate(environment, certificate, client, tenant, chain);
        }
        catch
        {
            certificate.Dispose(); // not connected; once connected, the signer keeps it
            throw;
        }
    }

    private (GraphSession, string) ConnectWithDeviceCode(EntraEnvironment environment)
    {
        if (!UseDeviceCode)
        {
            WriteVerbose("Interactive browser sign-in is not offered: signing in with the device code flow.");
        }

        return SignIn(environment, ClientId, TenantId, f =>
        {
            string startJson = f.StartDeviceCode().IntoString();
            SignInAnswer started = SignInAnswer.Parse(startJson);
            if (!started.Pending)
            {
                return startJson;
            }

            // Connect-MgGraph shows the sign-in instruction as a warning: visible by default, and
            // on the pipeline thread as PowerShell requires.
            WriteWarning(started.Message ?? $"To sign in, open {started.VerificationUri} and enter the code {started.UserCode}.");
            return f.CompleteDeviceCode().IntoString();
        }, Scopes);
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

        if (error.IsInvalidProxy)
        {
            return ErrorRecordFactory.InvalidArgument("InvalidProxy", $"The proxy '{Proxy}' is not a valid absolute URI.", Proxy);
        }

        if (error.IsNotSignedIn)
        {
            return ErrorRecordFactory.Create(new InvalidOperationException("The sign-in did not complete."), "NotSignedIn", ErrorCategory.AuthenticationError, null);
        }

        if (error.IsInvalidOptions)
        {
            return ErrorRecordFactory.InvalidArgument("InvalidSettings", "The connection settings were refused by the native library.", null);
        }

        return ErrorRecordFactory.Create(new InvalidOperationException("The HTTP client could not be created (TLS or proxy configuration)."), "ClientUnavailable", ErrorCategory.ResourceUnavailable, null);
    }
}
