#Requires -Version 7.4
<#
.SYNOPSIS
    Soak: many users through ~30 % injected faults, in one fresh pwsh, and what came out.
.DESCRIPTION
    Starts graph-emulator with -Users generated users, injects ~30 % faults (15 % 429 with a
    50 ms Retry-After, 5 % 503, 5 % 504, 5 % dropped connections), streams every user through
    Revoke-EntraUserAllRefreshToken and reports: results, errors by FullyQualifiedErrorId, inputs
    with no outcome or more than one, users the emulator revoked, early retries, 429s, the run's
    time and this process's peak working set. docs/reliability.md quotes the last 100,000-user
    run; tests/Soak.Tests.ps1 runs 5,000 users in CI and checks the counts.
    Run after `pwsh ./build.ps1`: `pwsh ./bench/soak.ps1 -Users 100000`.
#>
[CmdletBinding()]
param(
    [int] $Users = 100000,
    [switch] $UseBatch,
    [switch] $AsJson
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
Import-Module (Join-Path $root 'Microsoft.Graph.Entra.Rs.psd1')
Import-Module (Join-Path $root 'tests/Support/EmulatorHarness.psm1')

$emulator = Start-GraphEmulator -Users $Users -TimeoutSeconds 120
try {
    Connect-GraphEmulator -Name 'Soak' -Emulator $emulator
    Set-GraphEmulatorFault -Emulator $emulator @{ rate429 = 0.15; retryAfter429 = '0.05'; rate503 = 0.05; rate504 = 0.05; rateDrop = 0.05 } | Out-Null
    $outcomes = @{}
    $errorIds = @{}
    $results = 0
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $errors = $null
    1..$Users | ForEach-Object { 'user{0:D6}@contoso.com' -f $_ } |
        Revoke-EntraUserAllRefreshToken -UseBatch:$UseBatch -ErrorAction SilentlyContinue -ErrorVariable +errors |
        ForEach-Object {
            $results++
            $outcomes[$_.UserId] = 1 + [int]$outcomes[$_.UserId]
        }
    $clock.Stop()
    foreach ($e in @($errors)) {
        $id = ($e.FullyQualifiedErrorId -split ',')[0]
        $errorIds[$id] = 1 + [int]$errorIds[$id]
        $target = [string]$e.TargetObject
        $outcomes[$target] = 1 + [int]$outcomes[$target]
    }
    $stats = Get-GraphEmulatorStat -Emulator $emulator
    $process = [System.Diagnostics.Process]::GetCurrentProcess()
    $process.Refresh()
    $report = [pscustomobject]@{
        Users           = $Users
        UseBatch        = $UseBatch.IsPresent
        Results         = $results
        Errors          = @($errors).Count
        ErrorsById      = $errorIds
        WithoutOutcome  = $Users - $outcomes.Count
        Duplicated      = @($outcomes.Values | Where-Object { $_ -gt 1 }).Count
        RevokedUsers    = $stats.revokedUsers
        EarlyRetries    = $stats.earlyRetries
        Throttled       = $stats.throttled
        Dropped         = $stats.dropped
        Seconds         = [math]::Round($clock.Elapsed.TotalSeconds, 1)
        PeakWorkingSetMB = [math]::Round($process.PeakWorkingSet64 / 1MB, 1)
    }
    if ($AsJson) { $report | ConvertTo-Json -Depth 4 -Compress } else { $report }
}
finally {
    Stop-GraphEmulator $emulator
}
