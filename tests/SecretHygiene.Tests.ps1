# Secrets never leave the native session: every sign-in flow runs in a child pwsh with -Verbose
# and -Debug on every command and every preference at Continue, failures included, and then
# $Error, the exceptions and Get-EntraContext are dumped in full. Everything the child wrote
# (all streams, the host, stderr) and the files written meanwhile are searched for the secrets
# used: client secrets (right and wrong), the certificate's private key, the PFX password, the
# managed identity header, the access token given, and every token the emulator issued.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    Import-Module (Join-Path $PSScriptRoot 'Support/EmulatorHarness.psm1') -Force

    $Emulator = Start-GraphEmulator
    $Started = [DateTime]::Now
    $Secrets = [ordered]@{
        ClientSecret   = 'hyg-Secret~0123456789abcdef.XYZ'
        WrongSecret    = 'hyg-Wrong~secret-value.987654'
        PfxPassword    = 'hyg-Pfx-Passw0rd!42'
        AccessToken    = 'hyg-access-token-3f9a7c1e5b'
        IdentityHeader = Get-GraphEmulatorIdentityHeader
    }
    $ClientId = [guid]::NewGuid().ToString()
    $ExpiredClientId = [guid]::NewGuid().ToString()

    $Certificate = New-GraphEmulatorCertificate
    $rsa = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Certificate)
    $KeyPem = $rsa.ExportPkcs8PrivateKeyPem()
    $KeyBase64 = [Convert]::ToBase64String($rsa.ExportPkcs8PrivateKey())
    $rsa.Dispose()
    $PemPath = Join-Path $TestDrive 'app.pem'
    Set-Content -LiteralPath $PemPath -Value ($Certificate.ExportCertificatePem() + "`n" + $KeyPem)
    $PfxPath = Join-Path $TestDrive 'app.pfx'
    [IO.File]::WriteAllBytes($PfxPath, $Certificate.Export('Pfx', $Secrets.PfxPassword))
    $Expired = New-GraphEmulatorCertificate -NotBefore ([DateTimeOffset]::UtcNow.AddDays(-30)) -NotAfter ([DateTimeOffset]::UtcNow.AddDays(-1))
    $ExpiredPfxPath = Join-Path $TestDrive 'expired.pfx'
    [IO.File]::WriteAllBytes($ExpiredPfxPath, $Expired.Export('Pfx', $Secrets.PfxPassword))

    Register-GraphEmulatorApp -ClientId $ClientId -Secret $Secrets.ClientSecret -Certificate $Certificate -Roles User.RevokeSessions.All | Out-Null
    Register-GraphEmulatorApp -ClientId $ExpiredClientId -Certificate $Expired | Out-Null
    Register-GraphEmulatorApp -ClientId ([guid]::NewGuid()) -ManagedIdentity System -Roles User.RevokeSessions.All | Out-Null
    Add-GraphEmulatorToken -Token $Secrets.AccessToken -Kind Delegated -UserId 'AdeleV@contoso.com' -Scopes User.RevokeSessions.All | Out-Null

    # Every flow, with every stream on; failures are caught so the run goes on and lands in $Error.
    $child = @'
$ErrorActionPreference = 'Continue'
$VerbosePreference = $DebugPreference = $InformationPreference = $WarningPreference = 'Continue'
$ProgressPreference = 'SilentlyContinue'
Import-Module $env:HYG_MANIFEST
Add-EntraEnvironment -Name Hyg -GraphEndpoint $env:HYG_URL -AzureADEndpoint $env:HYG_URL -Verbose -Debug | Out-Host
$tenant = $env:HYG_TENANT
function Step([string] $Name, [scriptblock] $Body) {
    Write-Host "STEP $Name"
    try { & $Body } catch { Write-Host "CAUGHT $Name $($_.FullyQualifiedErrorId)"; $_ | Format-List * -Force | Out-Host; $_.Exception.ToString() | Out-Host }
}
function Use([string] $Name) {
    Get-EntraContext -Verbose -Debug | Format-List * | Out-Host
    Get-EntraContext | ConvertTo-Json -Depth 5 | Out-Host
    Revoke-EntraUserAllRefreshToken -UserId 'AdeleV@contoso.com' -Verbose -Debug | Format-List * | Out-Host
    Revoke-EntraSignedInUserAllRefreshToken -Verbose -Debug | Format-List * | Out-Host
    Write-Host "CONNECTED $Name $((Get-EntraContext).AuthType)"
}
$secret = ConvertTo-SecureString $env:HYG_SECRET -AsPlainText -Force
$wrong = ConvertTo-SecureString $env:HYG_WRONG -AsPlainText -Force
Step 'secret' { Connect-Entra -Environment Hyg -TenantId $tenant -ClientSecretCredential ([pscredential]::new($env:HYG_CLIENT, $secret)) -Verbose -Debug; Use 'secret' }
Step 'wrong-secret' { Connect-Entra -Environment Hyg -TenantId $tenant -ClientSecretCredential ([pscredential]::new($env:HYG_CLIENT, $wrong)) -Verbose -Debug }
Step 'certificate' {
    $cert = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($env:HYG_PFX, $env:HYG_PFX_PASSWORD, 'Exportable')
    Connect-Entra -Environment Hyg -ClientId $env:HYG_CLIENT -TenantId $tenant -Certificate $cert -SendCertificateChain $true -Verbose -Debug; Use 'certificate'
}
Step 'expired-certificate' {
    $cert = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($env:HYG_EXPIRED_PFX, $env:HYG_PFX_PASSWORD, 'Exportable')
    Connect-Entra -Environment Hyg -ClientId $env:HYG_EXPIRED_CLIENT -TenantId $tenant -Certificate $cert -Verbose -Debug
}
$env:AZURE_TENANT_ID = $tenant; $env:AZURE_CLIENT_ID = $env:HYG_CLIENT
$env:AZURE_CLIENT_SECRET = $env:HYG_SECRET
Step 'env-secret' { Connect-Entra -Environment Hyg -EnvironmentVariable -Verbose -Debug; Use 'env-secret' }
$env:AZURE_CLIENT_SECRET = $null
$env:AZURE_CLIENT_CERTIFICATE_PATH = $env:HYG_PFX; $env:AZURE_CLIENT_CERTIFICATE_PASSWORD = $env:HYG_PFX_PASSWORD
Step 'env-pfx' { Connect-Entra -Environment Hyg -EnvironmentVariable -Verbose -Debug; Use 'env-pfx' }
$env:AZURE_CLIENT_CERTIFICATE_PATH = $env:HYG_PEM; $env:AZURE_CLIENT_CERTIFICATE_PASSWORD = $null
Step 'env-pem' { Connect-Entra -Environment Hyg -EnvironmentVariable -Verbose -Debug; Use 'env-pem' }
$env:AZURE_CLIENT_CERTIFICATE_PASSWORD = 'wrong-pfx-password'; $env:AZURE_CLIENT_CERTIFICATE_PATH = $env:HYG_PFX
Step 'env-pfx-wrong-password' { Connect-Entra -Environment Hyg -EnvironmentVariable -Verbose -Debug }
$env:IDENTITY_ENDPOINT = "$env:HYG_URL/msi/token"; $env:IDENTITY_HEADER = $env:HYG_IDENTITY_HEADER
Step 'managed-identity' { Connect-Entra -Environment Hyg -Identity -Verbose -Debug; Use 'managed-identity' }
$env:IDENTITY_HEADER = 'not-the-header'
Step 'managed-identity-refused' { Connect-Entra -Environment Hyg -Identity -Verbose -Debug }
Step 'device-code' {
    Connect-Entra -Environment Hyg -Scopes User.RevokeSessions.All -UseDeviceCode -Verbose -Debug; Use 'device-code'
    Invoke-RestMethod -Method Post -Uri "$env:HYG_URL/_emulator/tokens/expire" -Body '{}' -ContentType application/json | Out-Null
    Revoke-EntraSignedInUserAllRefreshToken -Verbose -Debug | Format-List * | Out-Host
    Write-Host 'RENEWED device-code'
}
Step 'access-token' { Connect-Entra -Environment Hyg -AccessToken (ConvertTo-SecureString $env:HYG_ACCESS_TOKEN -AsPlainText -Force) -Verbose -Debug; Use 'access-token' }
Write-Host "ERRORS $($Error.Count)"
foreach ($e in $Error) {
    $e | Format-List * -Force | Out-Host
    if ($e -is [System.Management.Automation.ErrorRecord]) { $e.Exception | Format-List * -Force | Out-Host; $e.Exception.ToString() | Out-Host; $e.ErrorDetails | Format-List * | Out-Host }
    else { $e.ToString() | Out-Host }
}
Disconnect-Entra -Verbose -Debug
'@
    $run = Invoke-ChildPwsh -Script $child -Environment @{
        HYG_MANIFEST = $ManifestPath; HYG_URL = $Emulator.Url; HYG_TENANT = (Get-GraphEmulatorTenantId)
        HYG_CLIENT = $ClientId; HYG_EXPIRED_CLIENT = $ExpiredClientId
        HYG_SECRET = $Secrets.ClientSecret; HYG_WRONG = $Secrets.WrongSecret; HYG_ACCESS_TOKEN = $Secrets.AccessToken
        HYG_PFX = $PfxPath; HYG_EXPIRED_PFX = $ExpiredPfxPath; HYG_PEM = $PemPath; HYG_PFX_PASSWORD = $Secrets.PfxPassword
        HYG_IDENTITY_HEADER = $Secrets.IdentityHeader
    }
    $Output = $run.Output -join "`n"
    $Issued = @(Get-GraphEmulatorIssuedToken)

    # What must never appear, by name: the secrets, the key (as PEM lines and as one base64
    # string) and every token the emulator issued. One regex, so a file is read once.
    $Needles = [ordered]@{}
    foreach ($name in $Secrets.Keys) { $Needles[$Secrets[$name]] = $name }
    foreach ($line in ($KeyPem -split "`r?`n" | Where-Object { $_.Length -ge 40 -and $_ -notmatch '-----' })) { $Needles[$line] = 'PrivateKey' }
    $Needles[$KeyBase64.Substring(100, 60)] = 'PrivateKey'
    foreach ($token in $Issued) { $Needles[$token] = "IssuedToken $($token.Substring(0, 12))..." }
    $LeakPattern = [regex]::new((@($Needles.Keys) | ForEach-Object { [regex]::Escape($_) }) -join '|')

    function Find-Leak([string] $Text) {
        $LeakPattern.Matches($Text) | ForEach-Object { $Needles[$_.Value] } | Select-Object -Unique
    }
}

AfterAll {
    Stop-GraphEmulator $Emulator
}

Describe 'Secrets never appear' {
    It 'ran every flow, with verbose and debug output, and their failures' {
        foreach ($flow in 'secret', 'certificate', 'env-secret', 'env-pfx', 'env-pem', 'managed-identity', 'device-code', 'access-token') {
            $Output | Should -Match "CONNECTED $flow " -Because "the $flow flow must have connected (output: $Output)"
        }
        $Output | Should -Match 'RENEWED device-code'
        $Output | Should -Match 'CAUGHT wrong-secret InvalidClientSecret'
        $Output | Should -Match 'CAUGHT expired-certificate CertificateExpired'
        $Output | Should -Match 'CAUGHT env-pfx-wrong-password CertificateUnusable'
        $Output | Should -Match 'CAUGHT managed-identity-refused'
        $Output | Should -Match 'VERBOSE: '
        $Output | Should -Match 'DEBUG: '
        $Output | Should -Match 'ERRORS [1-9]'
        $Issued.Count | Should -BeGreaterThan 5 -Because 'the emulator issued tokens to look for'
    }

    It 'in any stream, error, exception, Get-EntraContext, verbose or debug output' {
        Find-Leak $Output | Should -BeNullOrEmpty
    }

    It 'in any file written while the flows ran' {
        $roots = @(
            @{ Path = [IO.Path]::GetTempPath(); Depth = 2 }
            @{ Path = $HOME; Depth = 0 }
            @{ Path = (Join-Path $HOME '.config'); Depth = 3 }
            @{ Path = (Join-Path $HOME '.local/share'); Depth = 3 }
            @{ Path = (Join-Path $HOME '.cache'); Depth = 2 }
            @{ Path = $RepoRoot; Depth = 1 }
        )
        $testDrive = (Resolve-Path $TestDrive).Path
        $leaks = foreach ($root in $roots) {
            if (-not (Test-Path -LiteralPath $root.Path)) { continue }
            Get-ChildItem -LiteralPath $root.Path -File -Recurse -Depth $root.Depth -Force -ErrorAction Ignore |
                # Regular files only: opening a FIFO (the .NET runtime keeps debugger pipes in
                # the temp folder) would block until someone writes to it.
                Where-Object { $_.LastWriteTime -ge $Started -and $_.Length -lt 5MB -and -not $_.FullName.StartsWith($testDrive) -and ($IsWindows -or "$($_.UnixMode)".StartsWith('-')) } |
                ForEach-Object {
                    $text = try { [IO.File]::ReadAllText($_.FullName) } catch { '' }
                    foreach ($leak in @(Find-Leak $text)) { "$($_.FullName): $leak" }
                }
        }
        $leaks | Should -BeNullOrEmpty
    }
}
