# Starts and drives the Graph emulator (rust/emulator, binary graph-emulator) for tests and the
# demo. The emulator listens on a free loopback port, prints GRAPH_EMULATOR_URL=<url> as its
# first stdout line, and exits when its stdin closes, so it cannot outlive a crashed pwsh.
#Requires -Version 7.4
Set-StrictMode -Version Latest

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
# The emulator most recently started: the default target of the control helpers.
$script:Current = $null

function Get-GraphEmulatorPath {
    <# .SYNOPSIS The emulator binary: $env:GRAPH_EMULATOR_PATH, else target/release, else target/debug. #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    if ($env:GRAPH_EMULATOR_PATH) { return $env:GRAPH_EMULATOR_PATH }
    $name = $IsWindows ? 'graph-emulator.exe' : 'graph-emulator'
    $target = $env:CARGO_TARGET_DIR ? $env:CARGO_TARGET_DIR : (Join-Path $script:RepoRoot 'target')
    foreach ($profileDir in 'release', 'debug') {
        $candidate = Join-Path $target "$profileDir/$name"
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    }
    Join-Path $target "release/$name"
}

function Start-GraphEmulator {
    <#
    .SYNOPSIS Starts graph-emulator on a free port and returns {Url, Token, Process}.
    .PARAMETER Users  Generated users on top of the fixed seed users (AdeleV, AlexW, MeganB, ...).
    .PARAMETER ArgumentList  Further emulator arguments.
    #>
    [CmdletBinding()]
    param(
        [ValidateRange(0, [int]::MaxValue)] [int] $Users = -1,
        [string[]] $ArgumentList = @(),
        [ValidateRange(1, 600)] [int] $TimeoutSeconds = 15,
        [string] $Path = (Get-GraphEmulatorPath)
    )
    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) {
        throw "graph-emulator not found at '$Path'. Run ./build.ps1 first (or set GRAPH_EMULATOR_PATH)."
    }

    $startInfo = [System.Diagnostics.ProcessStartInfo]::new($Path)
    foreach ($argument in @('--port', '0') + ($Users -ge 0 ? @('--users', "$Users") : @()) + @('--exit-on-stdin-close') + $ArgumentList) {
        $startInfo.ArgumentList.Add($argument)
    }
    $startInfo.UseShellExecute = $false
    # stdin stays open for the emulator's lifetime: closing it (or pwsh dying) stops it.
    $startInfo.RedirectStandardInput = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($startInfo)

    # Drain stderr without a PowerShell event handler (those need a runspace on the reader
    # thread): the task buffers it, and we show it if the start fails.
    $stderr = $process.StandardError.ReadToEndAsync()
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    $url = $null
    while (-not $url) {
        $remaining = $deadline - [DateTime]::UtcNow
        $lineTask = $process.StandardOutput.ReadLineAsync()
        if ($remaining -le [TimeSpan]::Zero -or -not $lineTask.Wait($remaining)) {
            Stop-EmulatorProcess $process
            throw "graph-emulator did not print GRAPH_EMULATOR_URL within $TimeoutSeconds s. stderr: $(Get-TaskText $stderr)"
        }
        $line = $lineTask.Result
        if ($null -eq $line) {
            $process.WaitForExit(5000) | Out-Null
            $code = $process.HasExited ? $process.ExitCode : 'none'
            throw "graph-emulator exited (code $code) before printing GRAPH_EMULATOR_URL. stderr: $(Get-TaskText $stderr)"
        }
        if ($line -match '^GRAPH_EMULATOR_URL=(\S+)$') { $url = $Matches[1].TrimEnd('/') }
    }
    # Keep draining stdout so a chatty emulator never blocks on a full pipe.
    $stdout = $process.StandardOutput.ReadToEndAsync()

    $script:Current = [pscustomobject]@{
        PSTypeName = 'GraphEmulator'
        Url        = $url
        Token      = 'emulator-token'
        Process    = $process
        StdOut     = $stdout
        StdErr     = $stderr
    }
    $script:Current
}

function Stop-GraphEmulator {
    <# .SYNOPSIS Closes the emulator's stdin (it exits by itself), killing it if it lingers. #>
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline)] [psobject] $Emulator = $script:Current)
    process {
        if ($null -eq $Emulator) { return }
        Stop-EmulatorProcess $Emulator.Process
        if ([object]::ReferenceEquals($Emulator, $script:Current)) { $script:Current = $null }
    }
}

function Stop-EmulatorProcess([System.Diagnostics.Process] $Process) {
    try {
        if (-not $Process.HasExited) {
            try { $Process.StandardInput.Close() } catch { Write-Verbose "stdin already closed: $_" }
            if (-not $Process.WaitForExit(5000)) { $Process.Kill($true); $Process.WaitForExit(5000) | Out-Null }
        }
    }
    finally { $Process.Dispose() }
}

function Get-TaskText([System.Threading.Tasks.Task[string]] $Task) {
    # What a drain task has read so far (complete only once the process has exited).
    if ($Task.Wait(2000)) { $Task.Result.Trim() } else { '(unavailable)' }
}

function Resolve-Emulator([psobject] $Emulator) {
    $chosen = $Emulator ?? $script:Current
    if ($null -eq $chosen) { throw 'No graph-emulator is running: call Start-GraphEmulator first.' }
    $chosen
}

function Invoke-EmulatorControl {
    # One control-API call; $Body (a hashtable) is sent as JSON.
    param([string] $Method, [string] $Path, [object] $Body, [psobject] $Emulator)
    $target = Resolve-Emulator $Emulator
    $request = @{ Method = $Method; Uri = "$($target.Url)$Path" }
    if ($null -ne $Body) {
        $request.Body = $Body | ConvertTo-Json -Depth 10 -Compress
        $request.ContentType = 'application/json'
    }
    Invoke-RestMethod @request
}

function Reset-GraphEmulator {
    <# .SYNOPSIS Restores the seeded directory, default config and tokens, and clears the request log. #>
    [CmdletBinding()]
    param([psobject] $Emulator)
    Invoke-EmulatorControl POST '/_emulator/reset' $null $Emulator | Out-Null
}

function Get-GraphEmulatorRequest {
    <# .SYNOPSIS The recorded Graph requests (method, rawPath, path, query, headers, status, ...). #>
    [CmdletBinding()]
    param([psobject] $Emulator)
    # -NoEnumerate is not used: each recorded request goes down the pipeline.
    Invoke-EmulatorControl GET '/_emulator/requests' $null $Emulator | ForEach-Object { $_ }
}

function Clear-GraphEmulatorRequest {
    [CmdletBinding()]
    param([psobject] $Emulator)
    Invoke-EmulatorControl DELETE '/_emulator/requests' $null $Emulator | Out-Null
}

function Get-GraphEmulatorStat {
    <# .SYNOPSIS Counters kept by the emulator (requests, injected faults, throttled, ...). #>
    [CmdletBinding()]
    param([psobject] $Emulator)
    Invoke-EmulatorControl GET '/_emulator/stats' $null $Emulator
}

function Set-GraphEmulatorFault {
    <#
    .SYNOPSIS Patches the fault configuration; only the keys given change.
    .EXAMPLE Set-GraphEmulatorFault @{ rate429 = 0.5; retryAfter429 = '1.5' }
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [hashtable] $Config, [psobject] $Emulator)
    Invoke-EmulatorControl POST '/_emulator/config' $Config $Emulator
}

function Add-GraphEmulatorToken {
    <#
    .SYNOPSIS Registers an access token with its kind and roles (scopes for delegated tokens).
    .EXAMPLE Add-GraphEmulatorToken -Token reader -Roles User.Read.All
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Token,
        [ValidateSet('App', 'Delegated')] [string] $Kind = 'App',
        [Alias('Scopes')] [string[]] $Roles = @(),
        [string] $UserId,
        [Nullable[DateTimeOffset]] $ExpiresAt,
        [psobject] $Emulator
    )
    $body = [ordered]@{ token = $Token; kind = $Kind.ToLowerInvariant(); roles = @($Roles) }
    if ($UserId) { $body.userId = $UserId }
    # PowerShell hands a [Nullable[DateTimeOffset]] parameter over unwrapped (no .Value).
    if ($null -ne $ExpiresAt) { $body.expiresAt = ([DateTimeOffset]$ExpiresAt).ToUniversalTime().ToString('o') }
    Invoke-EmulatorControl POST '/_emulator/tokens' $body $Emulator
}

function ConvertTo-GraphUserSegment {
    <#
    .SYNOPSIS The path segment that addresses a user: users/{id} or users('{$upn}').
    .DESCRIPTION A UPN starting with '$' must be written users('$upn') (quotes doubled);
    '#' (guest UPNs) and other reserved characters are percent-encoded.
    #>
    param([Parameter(Mandatory)] [string] $UserId)
    # Keep what Graph accepts literally in a path segment; encode the rest as UTF-8.
    $quoted = $UserId.StartsWith('$')
    $builder = [System.Text.StringBuilder]::new()
    foreach ($byte in [System.Text.Encoding]::UTF8.GetBytes($UserId)) {
        $c = [char]$byte
        if ($byte -lt 128 -and ([char]::IsLetterOrDigit($c) -or '-._~@$!*+,;=:'.Contains($c))) {
            [void]$builder.Append($c)
        }
        elseif ($quoted -and $c -eq "'") { [void]$builder.Append("''") }
        else { [void]$builder.Append('%{0:X2}' -f $byte) }
    }
    $encoded = $builder.ToString()
    $quoted ? "users('$encoded')" : "users/$encoded"
}

function Get-GraphEmulatorUser {
    <# .SYNOPSIS Reads a user over the Graph API itself, with its sign-in session timestamp. #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, ValueFromPipeline)] [string] $UserId,
        [string] $Select = 'id,userPrincipalName,signInSessionsValidFromDateTime',
        [psobject] $Emulator
    )
    process {
        $target = Resolve-Emulator $Emulator
        $uri = "$($target.Url)/v1.0/$(ConvertTo-GraphUserSegment $UserId)?`$select=$Select"
        Invoke-RestMethod -Uri $uri -Headers @{ Authorization = "Bearer $($target.Token)" }
    }
}

function Get-GraphEmulatorUserState {
    <#
    .SYNOPSIS The emulator's own view of a user (control API): ValidFrom timestamps and how many
    times its sessions were revoked (revocations).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, ValueFromPipeline)] [string] $UserId,
        [psobject] $Emulator
    )
    process {
        Invoke-EmulatorControl GET "/_emulator/users/$([Uri]::EscapeDataString($UserId))" $null $Emulator
    }
}

function Connect-GraphEmulator {
    <#
    .SYNOPSIS Registers the emulator as an environment (Add-EntraEnvironment) and connects to it
    with Connect-Entra -AccessToken. Needs Microsoft.Graph.Entra.Rs imported.
    .PARAMETER Name   The environment name to register (environments are process-wide).
    .PARAMETER Token  The access token; default: the emulator's default token.
    #>
    [CmdletBinding()]
    param(
        [string] $Name = 'GraphEmulator',
        [string] $Token,
        [psobject] $Emulator
    )
    $target = Resolve-Emulator $Emulator
    Add-EntraEnvironment -Name $Name -GraphEndpoint $target.Url -AzureADEndpoint $target.Url | Out-Null
    $secure = ConvertTo-SecureString ($Token ? $Token : $target.Token) -AsPlainText -Force
    Connect-Entra -Environment $Name -AccessToken $secure -NoWelcome
}

# The emulator's own tenant (domains contoso.onmicrosoft.com and contoso.com).
$script:EmulatorTenantId = 'e3a1b5c2-7d4f-4e8a-9b6c-0123456789ab'
# The X-IDENTITY-HEADER its App Service managed identity endpoint accepts.
$script:EmulatorIdentityHeader = 'emulator-identity-header'

function Get-GraphEmulatorTenantId {
    <# .SYNOPSIS The emulator's tenant id (its domains are contoso.onmicrosoft.com and contoso.com). #>
    [OutputType([string])]
    param()
    $script:EmulatorTenantId
}

function Get-GraphEmulatorIdentityHeader {
    <# .SYNOPSIS The IDENTITY_HEADER value the emulator's App Service managed identity endpoint accepts. #>
    [OutputType([string])]
    param()
    $script:EmulatorIdentityHeader
}

function Register-GraphEmulatorApp {
    <#
    .SYNOPSIS Registers an app with the emulator's identity endpoints (POST /_emulator/apps).
    .PARAMETER Certificate  Certificates whose public keys the app accepts client assertions from.
    .PARAMETER DeviceCode   The device code behaviour: @{ user; pendingPolls; outcome = 'approve'|'decline'|'expire'; intervalSeconds }.
    .PARAMETER ManagedIdentity  System (answers without a client id) or User (answers for its client id).
    .EXAMPLE Register-GraphEmulatorApp -ClientId $id -Secret 's3cret' -Roles User.RevokeSessions.All
    #>
    [CmdletBinding()]
    param(
        [string] $ClientId = [guid]::NewGuid().ToString(),
        [string[]] $Secret = @(),
        [System.Security.Cryptography.X509Certificates.X509Certificate2[]] $Certificate = @(),
        [string[]] $Roles = @(),
        [string[]] $DelegatedScopes,
        [ValidateRange(1, [int]::MaxValue)] [int] $TokenLifetimeSeconds,
        [hashtable] $DeviceCode,
        [ValidateSet('System', 'User')] [string] $ManagedIdentity,
        [string] $TenantId,
        [switch] $PublicClient,
        [switch] $RejectIssuedTokens,
        [psobject] $Emulator
    )
    $body = [ordered]@{
        clientId     = $ClientId
        secrets      = @($Secret)
        certificates = @($Certificate | ForEach-Object { [Convert]::ToBase64String($_.RawData) })
        roles        = @($Roles)
        publicClient = $PublicClient.IsPresent
    }
    if ($PSBoundParameters.ContainsKey('DelegatedScopes')) { $body.delegatedScopes = @($DelegatedScopes) }
    if ($TokenLifetimeSeconds) { $body.tokenLifetimeSeconds = $TokenLifetimeSeconds }
    if ($DeviceCode) { $body.deviceCode = $DeviceCode }
    if ($ManagedIdentity) { $body.managedIdentity = $ManagedIdentity.ToLowerInvariant() }
    if ($TenantId) { $body.tenantId = $TenantId }
    if ($RejectIssuedTokens) { $body.rejectIssuedTokens = $true }
    Invoke-EmulatorControl POST '/_emulator/apps' $body $Emulator
}

function Get-GraphEmulatorSignIn {
    <# .SYNOPSIS The identity requests the emulator received (endpoint, grantType, clientId, credential, scope, status, error, aadsts). #>
    [CmdletBinding()]
    param([psobject] $Emulator)
    Invoke-EmulatorControl GET '/_emulator/signins' $null $Emulator | ForEach-Object { $_ }
}

function Clear-GraphEmulatorSignIn {
    [CmdletBinding()]
    param([psobject] $Emulator)
    Invoke-EmulatorControl DELETE '/_emulator/signins' $null $Emulator | Out-Null
}

function Invoke-GraphEmulatorTokenExpiry {
    <# .SYNOPSIS Expires now every token the emulator's identity endpoints issued (to -ClientId only, when given). #>
    [CmdletBinding()]
    param([string] $ClientId, [psobject] $Emulator)
    $body = $ClientId ? @{ clientId = $ClientId } : @{}
    (Invoke-EmulatorControl POST '/_emulator/tokens/expire' $body $Emulator).expired
}

function Start-GraphEmulatorIdentityOutage {
    <# .SYNOPSIS For -Seconds from now the emulator's token endpoint answers 503 (AADSTS90033), as Entra does during an outage. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [double] $Seconds, [psobject] $Emulator)
    Invoke-EmulatorControl POST '/_emulator/identity/outage' @{ seconds = $Seconds } $Emulator | Out-Null
}

function Get-GraphEmulatorIssuedToken {
    <# .SYNOPSIS Every access and refresh token the emulator's identity endpoints issued, as strings. #>
    [CmdletBinding()]
    [OutputType([string])]
    param([psobject] $Emulator)
    $issued = Invoke-EmulatorControl GET '/_emulator/tokens' $null $Emulator
    @($issued.accessTokens | ForEach-Object token) + @($issued.refreshTokens) | Where-Object { $_ }
}

function New-GraphEmulatorCertificate {
    <#
    .SYNOPSIS A self-signed RSA 2048 certificate with its (exportable) private key, for
    client assertions. Not stored anywhere.
    #>
    [CmdletBinding()]
    [OutputType([System.Security.Cryptography.X509Certificates.X509Certificate2])]
    param(
        [string] $Subject = "CN=entra-rs-test-$([guid]::NewGuid().ToString('N').Substring(0, 8))",
        [DateTimeOffset] $NotBefore = [DateTimeOffset]::UtcNow.AddDays(-1),
        [DateTimeOffset] $NotAfter = [DateTimeOffset]::UtcNow.AddDays(30)
    )
    $rsa = [System.Security.Cryptography.RSA]::Create(2048)
    try {
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
            $Subject, $rsa, [System.Security.Cryptography.HashAlgorithmName]::SHA256,
            [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $request.CreateSelfSigned($NotBefore, $NotAfter)
    }
    finally { $rsa.Dispose() }
}

function Add-GraphEmulatorEnvironment {
    <#
    .SYNOPSIS Registers the emulator as a cloud (its URL is both the Graph and the sign-in
    endpoint) and returns the environment name.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([string] $Name = 'GraphEmulator', [psobject] $Emulator)
    $target = Resolve-Emulator $Emulator
    Add-EntraEnvironment -Name $Name -GraphEndpoint $target.Url -AzureADEndpoint $target.Url | Out-Null
    $Name
}

Export-ModuleMember -Function Get-GraphEmulatorPath, Start-GraphEmulator, Stop-GraphEmulator,
    Reset-GraphEmulator, Get-GraphEmulatorRequest, Clear-GraphEmulatorRequest, Get-GraphEmulatorStat,
    Set-GraphEmulatorFault, Add-GraphEmulatorToken, ConvertTo-GraphUserSegment, Get-GraphEmulatorUser,
    Get-GraphEmulatorUserState, Connect-GraphEmulator, Get-GraphEmulatorTenantId,
    Get-GraphEmulatorIdentityHeader, Register-GraphEmulatorApp, Get-GraphEmulatorSignIn,
    Clear-GraphEmulatorSignIn, Invoke-GraphEmulatorTokenExpiry, Start-GraphEmulatorIdentityOutage, Get-GraphEmulatorIssuedToken,
    New-GraphEmulatorCertificate, Add-GraphEmulatorEnvironment
