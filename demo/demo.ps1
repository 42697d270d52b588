#Requires -Version 7.4
<#
.SYNOPSIS
    Revokes the sign-in sessions of a few users of the local Graph emulator and shows their
    signInSessionsValidFromDateTime before and after. Run it with: pwsh ./build.ps1 -Task Demo
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

function Show-SessionTimestamp([string[]] $UserIds, [string] $Title) {
    Write-Host "`n$Title" -ForegroundColor Cyan
    $UserIds | Get-GraphEmulatorUser |
        Select-Object userPrincipalName, id, signInSessionsValidFromDateTime |
        Format-Table -AutoSize | Out-Host
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
    Start-Sleep -Milliseconds 1100   # so "after" visibly differs at one-second resolution

    Write-Host "`n> `$users | Revoke-EntraUserAllRefreshToken | Format-Table" -ForegroundColor Cyan
    $users | Revoke-EntraUserAllRefreshToken | Format-Table | Out-Host

    Show-SessionTimestamp $users 'After: signInSessionsValidFromDateTime'
}
finally {
    Stop-GraphEmulator $emulator
}
