# The module's own memory check: a child pwsh revoking users generated one by one in the
# pipeline reports its Process.PeakWorkingSet64; a large run beside a small one shows whether
# memory grows with the input.

function Measure-ChildPeakWorkingSet {
    param([string] $Pwsh, [string] $Manifest, [int] $Count, [psobject] $Emulator)
    $script = @'
param($Manifest, $Url, $Token, $Count)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
Add-EntraEnvironment -Name BenchChild -GraphEndpoint $Url -AzureADEndpoint $Url | Out-Null
Connect-Entra -Environment BenchChild -AccessToken (ConvertTo-SecureString $Token -AsPlainText -Force) -NoWelcome
$clock = [System.Diagnostics.Stopwatch]::StartNew()
$errors = $null
$results = (& { for ($i = 1; $i -le $Count; $i++) { 'user{0:D6}@contoso.com' -f $i } } |
    Revoke-EntraUserAllRefreshToken -ErrorAction SilentlyContinue -ErrorVariable errors |
    Measure-Object).Count
$process = [System.Diagnostics.Process]::GetCurrentProcess()
$process.Refresh()
[ordered]@{
    Results = $results; Errors = @($errors).Count; Seconds = $clock.Elapsed.TotalSeconds
    PeakWorkingSet64 = $process.PeakWorkingSet64; ManagedHeap = [GC]::GetTotalMemory($false)
} | ConvertTo-Json -Compress
'@
    $file = Join-Path ([System.IO.Path]::GetTempPath()) "entra-bench-child-$PID.ps1"
    Set-Content -LiteralPath $file -Value $script -Encoding utf8
    try {
        Add-LoadSample
        Reset-GraphEmulator
        $output = & $Pwsh -NoProfile -NonInteractive -File $file -Manifest $Manifest -Url $Emulator.Url -Token $Emulator.Token -Count $Count
        if ($LASTEXITCODE -ne 0) { throw "The child pwsh failed (exit code $LASTEXITCODE): $output" }
        ($output | Select-Object -Last 1) | ConvertFrom-Json
    }
    finally { Remove-Item -LiteralPath $file -ErrorAction Ignore }
}
