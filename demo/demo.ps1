#Requires -Version 7.4
<#
.SYNOPSIS
    Revokes the sign-in sessions of a few users of the local Graph emulator and shows their
    signInSessionsValidFromDateTime before and after, then revokes them again with -Verify: the
    directory confirms the members, not the guest (Verified False, with a warning), and the run
    ends with its summary. Run it with: pwsh ./build.ps1 -Task Demo
.DESCRIPTION
    The identifiers cover what trips other tools: plain UPNs, an object id, a UPN that starts
    with '$' (must be addressed as users('$upn')) and a guest UPN containing '#EXT#'.
#>
[CmdletBinding()]
param()
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$repoRoot = Split-Path $PSScriptRoot -Parent
Import-Module (Join-Path $repoRoot 'tests/Support/EmulatorHarness.psm1') -Force

function Show-Table {
    # Renders formatted output at a fixed width: a redirected console (CI, build.ps1) is
    # treated as 80 columns, which would cut the timestamps off.
    param([Parameter(ValueFromPipeline)] $InputObject)
    end { Write-Host (($input | Out-String -Width 200).TrimEnd()) }
}

function Show-SessionTimestamp([string[]] $UserIds, [string] $Title) {
    Write-Host "`n$Title" -ForegroundColor Cyan
    $UserIds | Get-GraphEmulatorUser |
        Select-Object userPrincipalName, signInSessionsValidFromDateTime |
        Format-Table -AutoSize | Show-Table
}

$emulator = Start-GraphEmulator
try {
    Write-Host "Graph emulator listening on $($emulator.Url)" -ForegroundColor Green
    Import-Module (Join-Path $repoRoot 'Microsoft.Graph.Entra.Rs.psd1') -Force

    Add-EntraEnvironment -Name Emulator -GraphEndpoint $emulator.Url -AzureADEndpoint $emulator.Url | Out-Null
    $token = ConvertTo-SecureString $emulator.Token -AsPlainText -Force
    Connect-Entra -Environment Emulator -AccessToken $token | Out-Host

    # Megan is addressed by object id, read from Graph like a script would.
    $meganId = (Get-GraphEmulatorUser -UserId 'MeganB@contoso.com').id
    $users = @(
        'AdeleV@contoso.com'
        'AlexW@contoso.com'
        $meganId
        '$svc-backup@contoso.com'
        'jane.doe_fabrikam.com#EXT#@contoso.onmicrosoft.com'
    )

    Show-SessionTimestamp $users 'Before: signInSessionsValidFromDateTime'

    Write-Host "`n> `$users | Revoke-EntraUserAllRefreshToken | Format-Table" -ForegroundColor Cyan
    $users | Revoke-EntraUserAllRefreshToken | Format-Table | Show-Table

    Show-SessionTimestamp $users 'After: signInSessionsValidFromDateTime (the guest''s record did not move)'

    Write-Host "`n> `$users | Revoke-EntraUserAllRefreshToken -Verify -InformationAction Continue | Format-Table UserId, Verified, SignInSessionsValidFrom" -ForegroundColor Cyan
    $users | Revoke-EntraUserAllRefreshToken -Verify -InformationAction Continue -WarningAction Continue |
        Format-Table UserId, Verified, SignInSessionsValidFrom | Show-Table
}
finally {
    Stop-GraphEmulator $emulator
}
