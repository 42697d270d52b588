#Requires -Version 7.4
<#
.SYNOPSIS
    Benchmarks Revoke-EntraUserAllRefreshToken against the local Graph emulator and writes the
    figures to docs/benchmarks.md.
.DESCRIPTION
    Run after a build: `pwsh ./build.ps1 -Task Bench` (builds, then runs this script), or
    `pwsh ./bench/run.ps1` once `pwsh ./build.ps1` has built bin/, runtimes/ and the emulator.

    Figures (each against graph-emulator on loopback):
      throughput  1,000 users at 50 ms latency: default -ThrottleLimit, -ThrottleLimit 32,
                  -UseBatch, and a sequential Invoke-RestMethod -Method Post loop (what a script
                  cmdlet does). Ratios: loop / ours, and ours / latency floor, the floor being
                  users x latency / throttle limit (what perfect concurrency would take).
      rate limit  400 users, emulator rate limit 20 requests/s (burst 20), no latency: time vs
                  users / 20 s, early retries (must be 0) and errors; the same for 300 users at
                  100 requests/s with a burst of 10 (short Retry-After values).
      memory      peak working set (Process.PeakWorkingSet64) of a child pwsh revoking 100,000
                  users generated lazily in the pipeline vs 1,000 users, results only counted.
      import      Import-Module in a warm pwsh (used for a listing first) and in a fresh one,
                  several times (median, first run discarded), beside importing an empty
                  manifest module.
    The machine's load average is recorded with the figures: these are wall-clock timings.

    docs/benchmarks.md is rewritten above its '<!-- notes -->' marker; text below it is kept.
.PARAMETER Quick
    Smaller sizes (for trying the script out); the figures are then not comparable to targets.
#>
[CmdletBinding()]
param(
    [int] $Users = 1000,
    [int] $LatencyMs = 50,
    [int] $Repeat = 3,
    [int] $RateLimitUsers = 400,
    [int] $RateLimitPerSecond = 20,
    [int] $MemoryUsers = 100000,
    [int] $MemoryBaselineUsers = 1000,
    [int] $ImportRuns = 9,
    [string] $OutFile,
    [switch] $NoWrite,
    [switch] $Quick
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$RepoRoot = Split-Path $PSScriptRoot -Parent
$Manifest = Join-Path $RepoRoot 'Microsoft.Graph.Entra.Rs.psd1'
if (-not $OutFile) { $OutFile = Join-Path $RepoRoot 'docs/benchmarks.md' }
if ($Quick) { $Users = 200; $Repeat = 1; $RateLimitUsers = 60; $MemoryUsers = 5000; $ImportRuns = 3 }

Import-Module (Join-Path $RepoRoot 'tests/Support/EmulatorHarness.psm1') -Force
Import-Module $Manifest -Force

# Get-PwshPath: the pwsh running this script, also when it is a dotnet global tool.
. (Join-Path $RepoRoot 'build/Common.ps1')
$Pwsh = Get-PwshPath
$EnvironmentName = 'BenchEmulator'

function Get-Upn([int] $Index) { 'user{0:D6}@contoso.com' -f $Index }

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $n = $sorted.Count
    if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}

function Write-Figure([string] $Text) { Write-Host "  $Text" }

function Measure-Revoke {
    # Times one revoke of $UserIds with $Parameters after resetting the emulator to $Config.
    # Returns seconds, results, errors and the emulator's stats.
    param([string[]] $UserIds, [hashtable] $Parameters = @{}, [hashtable] $Config = @{})
    Reset-GraphEmulator
    if ($Config.Count) { Set-GraphEmulatorFault $Config | Out-Null }
    # A new connection per run: what the session learnt of the previous run's limits (the
    # throttle gate's pace) belongs to that run's emulator settings, not to this one's.
    Connect-GraphEmulator -Name $EnvironmentName
    $errors = $null
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $count = ($UserIds | Revoke-EntraUserAllRefreshToken @Parameters -ErrorAction SilentlyContinue -ErrorVariable errors | Measure-Object).Count
    $clock.Stop()
    [pscustomobject]@{
        Seconds = $clock.Elapsed.TotalSeconds
        Results = $count
        Errors  = @($errors).Count
        Stats   = Get-GraphEmulatorStat
    }
}

function Measure-RevokeMedian {
    # Median of $Repeat timed runs; the counters come from the median run.
    param([string[]] $UserIds, [hashtable] $Parameters = @{}, [hashtable] $Config = @{})
    $runs = @(1..$Repeat | ForEach-Object { Measure-Revoke $UserIds $Parameters $Config })
    $median = Get-Median $runs.Seconds
    $run = $runs | Sort-Object { [math]::Abs($_.Seconds - $median) } | Select-Object -First 1
    $run | Add-Member -NotePropertyName AllSeconds -NotePropertyValue @($runs.Seconds) -PassThru
}

function Measure-ChildPeakWorkingSet {
    # A fresh pwsh that imports the module, connects to the emulator and revokes $Count users
    # generated one by one in the pipeline; it reports its own Process.PeakWorkingSet64.
    param([int] $Count, [psobject] $Emulator)
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
    PeakWorkingSet64 = $process.PeakWorkingSet64; WorkingSet64 = $process.WorkingSet64
    ManagedHeap = [GC]::GetTotalMemory($false)
} | ConvertTo-Json -Compress
'@
    $file = Join-Path ([System.IO.Path]::GetTempPath()) "entra-bench-child-$PID.ps1"
    Set-Content -LiteralPath $file -Value $script -Encoding utf8
    try {
        Reset-GraphEmulator
        $output = & $Pwsh -NoProfile -NonInteractive -File $file -Manifest $Manifest -Url $Emulator.Url -Token $Emulator.Token -Count $Count
        if ($LASTEXITCODE -ne 0) { throw "The child pwsh failed (exit code $LASTEXITCODE): $output" }
        ($output | Select-Object -Last 1) | ConvertFrom-Json
    }
    finally {
        Remove-Item -LiteralPath $file -ErrorAction Ignore
    }
}

function Measure-ImportMilliseconds {
    # Import-Module $Path in $Runs fresh pwsh processes; the first is a warm-up and dropped.
    # Warm: the shell has been used first (a listing formatted, a cmdlet of another module run),
    # as an admin's shell is when they import the module; otherwise the import also pays for
    # pwsh's own first-use costs (the format database, the first Out-String).
    param([string] $Path, [int] $Runs, [switch] $Warm)
    $warmUp = $Warm ? '$null = Get-ChildItem $PSHOME | Out-String; $null = Get-Date | Format-List | Out-String; ' : ''
    $command = $warmUp + "[math]::Round((Measure-Command { Import-Module '$($Path.Replace("'", "''"))' -ErrorAction Stop }).TotalMilliseconds, 2)"
    $times = foreach ($i in 0..$Runs) {
        $value = & $Pwsh -NoProfile -NonInteractive -Command $command
        if ($LASTEXITCODE -ne 0) { throw "Importing $Path failed: $value" }
        if ($i -gt 0) { [double]($value | Select-Object -Last 1) }
    }
    [pscustomobject]@{ Median = Get-Median $times; All = @($times) }
}

function Get-MachineDescription {
    $cpu = if (Test-Path /proc/cpuinfo) {
        (Select-String -Path /proc/cpuinfo -Pattern '^model name\s*:\s*(.+)$' | Select-Object -First 1).Matches.Groups[1].Value
    }
    else { $env:PROCESSOR_IDENTIFIER }
    $load = if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg -Raw) -split ' ')[0..2] -join ' ' } else { 'n/a' }
    [pscustomobject]@{
        Cpus       = [Environment]::ProcessorCount
        Cpu        = $cpu
        Os         = [System.Runtime.InteropServices.RuntimeInformation]::OSDescription
        Pwsh       = $PSVersionTable.PSVersion.ToString()
        Dotnet     = [System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
        Load       = $load
        Commit     = (git -C $RepoRoot rev-parse --short HEAD 2>$null)
    }
}

# ---------------------------------------------------------------------------------------------
$rows = [System.Collections.Generic.List[object]]::new()
function Add-Row([string] $Figure, [string] $Value, [string] $Ratio, [string] $Target, [Nullable[bool]] $Met, [string] $Detail = '') {
    $rows.Add([pscustomobject]@{ Figure = $Figure; Value = $Value; Ratio = $Ratio; Target = $Target; Met = $Met; Detail = $Detail })
    $mark = $null -eq $Met ? '' : ($Met ? '  [met]' : '  [NOT met]')
    Write-Figure "$Figure : $Value $Ratio$mark $Detail"
}

$machineBefore = Get-MachineDescription
Write-Host "Benchmarks on $($machineBefore.Cpus) CPUs, pwsh $($machineBefore.Pwsh), load average $($machineBefore.Load)" -ForegroundColor Cyan

$emulatorUsers = [math]::Max([math]::Max($Users, $RateLimitUsers), [math]::Max($MemoryUsers, $MemoryBaselineUsers))
$emulator = Start-GraphEmulator -Users $emulatorUsers
try {
    Connect-GraphEmulator -Name $EnvironmentName
    $ids = @(1..$Users | ForEach-Object { Get-Upn $_ })
    # The cmdlet's own default, read from the cmdlet class rather than assumed.
    $defaultLimit = [Microsoft.Graph.Entra.Rs.Cmdlets.RevokeEntraUserAllRefreshTokenCommand]::new().ThrottleLimit
    $latency = $LatencyMs / 1000.0

    # Warm-up: JIT, native library, connection pool.
    Measure-Revoke $ids[0..([math]::Min(199, $Users - 1))] | Out-Null

    # --- Throughput at 50 ms latency -----------------------------------------------------
    Write-Host "Throughput: $Users users, latency $LatencyMs ms, median of $Repeat" -ForegroundColor Cyan
    $config = @{ latencyMs = $LatencyMs }
    $variants = [ordered]@{
        "default -ThrottleLimit ($defaultLimit)" = @{ Parameters = @{}; Limit = $defaultLimit; Batch = $false }
        '-ThrottleLimit 32'                     = @{ Parameters = @{ ThrottleLimit = 32 }; Limit = 32; Batch = $false }
        "-UseBatch (default -ThrottleLimit)"    = @{ Parameters = @{ UseBatch = $true }; Limit = $defaultLimit; Batch = $true }
    }
    $measured = [ordered]@{}
    foreach ($name in $variants.Keys) {
        $measured[$name] = Measure-RevokeMedian $ids $variants[$name].Parameters $config
    }

    Write-Host "Sequential Invoke-RestMethod loop: $Users users (takes about $([math]::Round($Users * $latency)) s or more)" -ForegroundColor Cyan
    Reset-GraphEmulator
    Set-GraphEmulatorFault $config | Out-Null
    $headers = @{ Authorization = "Bearer $($emulator.Token)" }
    $loopClock = [System.Diagnostics.Stopwatch]::StartNew()
    foreach ($id in $ids) {
        Invoke-RestMethod -Method Post -Uri "$($emulator.Url)/v1.0/users/$id/revokeSignInSessions" -Headers $headers | Out-Null
    }
    $loopClock.Stop()
    $loopSeconds = $loopClock.Elapsed.TotalSeconds
    $loopRevoked = (Get-GraphEmulatorStat).revokedUsers

    Add-Row "Invoke-RestMethod loop, $Users users" ('{0:N2} s' -f $loopSeconds) '' '' $null "revoked $loopRevoked"
    foreach ($name in $variants.Keys) {
        $run = $measured[$name]
        $variant = $variants[$name]
        $speedup = $loopSeconds / $run.Seconds
        $floor = $variant.Batch ? [math]::Ceiling($Users / 20.0 / $variant.Limit) * $latency : $Users * $latency / $variant.Limit
        $floorRatio = $run.Seconds / $floor
        $detail = "runs $(($run.AllSeconds | ForEach-Object { '{0:N2}' -f $_ }) -join '/') s; results $($run.Results), errors $($run.Errors), peak in flight $($run.Stats.peakConcurrency)"
        $targetMet = $null
        $target = ''
        if (-not $variant.Batch -and $variant.Limit -eq 32) {
            $target = '>= 25x loop; <= 1.3x floor'
            $targetMet = $speedup -ge 25 -and $floorRatio -le 1.3 -and $run.Errors -eq 0 -and $run.Results -eq $Users
        }
        Add-Row "$name, $Users users" ('{0:N3} s' -f $run.Seconds) ('{0:N1}x loop; {1:N2}x floor ({2:N3} s)' -f $speedup, $floorRatio, $floor) $target $targetMet $detail
    }

    # --- Rate limit --------------------------------------------------------------------------
    Write-Host "Rate limit: $RateLimitUsers users at $RateLimitPerSecond requests/s (burst $RateLimitPerSecond)" -ForegroundColor Cyan
    $rateRun = Measure-Revoke @(1..$RateLimitUsers | ForEach-Object { Get-Upn $_ }) @{} @{ rateLimitPerSecond = $RateLimitPerSecond; rateLimitBurst = $RateLimitPerSecond; latencyMs = 0 }
    $ideal = $RateLimitUsers / $RateLimitPerSecond
    $rateRatio = $rateRun.Seconds / $ideal
    $rateMet = $rateRatio -le 1.1 -and $rateRun.Stats.earlyRetries -eq 0 -and $rateRun.Errors -eq 0
    Add-Row "rate-limited $RateLimitPerSecond/s, $RateLimitUsers users" ('{0:N2} s' -f $rateRun.Seconds) ('{0:N2}x users/{1} s ({2:N1} s)' -f $rateRatio, $RateLimitPerSecond, $ideal) '<= 1.1x, 0 early retries, 0 errors' $rateMet `
        "results $($rateRun.Results), errors $($rateRun.Errors), early retries $($rateRun.Stats.earlyRetries), 429s $($rateRun.Stats.throttled), requests $($rateRun.Stats.totalRequests)"

    # A faster limit with a small burst (as in the Pester test): Retry-After is ~10 ms here.
    $fastRate = 100
    $fastUsers = [math]::Min(300, $RateLimitUsers)
    Write-Host "Rate limit: $fastUsers users at $fastRate requests/s (burst 10)" -ForegroundColor Cyan
    $fastRun = Measure-Revoke @(1..$fastUsers | ForEach-Object { Get-Upn $_ }) @{} @{ rateLimitPerSecond = $fastRate; rateLimitBurst = 10; latencyMs = 0 }
    $fastIdeal = $fastUsers / $fastRate
    $fastRatio = $fastRun.Seconds / $fastIdeal
    Add-Row "rate-limited $fastRate/s burst 10, $fastUsers users" ('{0:N2} s' -f $fastRun.Seconds) ('{0:N2}x users/{1} s ({2:N1} s)' -f $fastRatio, $fastRate, $fastIdeal) '<= 1.1x, 0 early retries, 0 errors' ($fastRatio -le 1.1 -and $fastRun.Stats.earlyRetries -eq 0 -and $fastRun.Errors -eq 0) `
        "results $($fastRun.Results), errors $($fastRun.Errors), early retries $($fastRun.Stats.earlyRetries), 429s $($fastRun.Stats.throttled), requests $($fastRun.Stats.totalRequests)"

    # --- Memory ------------------------------------------------------------------------------
    Write-Host "Memory: child pwsh revoking $MemoryBaselineUsers, then $MemoryUsers streamed users (latency 0)" -ForegroundColor Cyan
    $small = Measure-ChildPeakWorkingSet $MemoryBaselineUsers $emulator
    $large = Measure-ChildPeakWorkingSet $MemoryUsers $emulator
    $deltaMb = ($large.PeakWorkingSet64 - $small.PeakWorkingSet64) / 1MB
    Add-Row "peak working set, $MemoryBaselineUsers users" ('{0:N1} MB' -f ($small.PeakWorkingSet64 / 1MB)) '' '' $null ("results $($small.Results), errors $($small.Errors), {0:N1} s" -f $small.Seconds)
    Add-Row "peak working set, $MemoryUsers users" ('{0:N1} MB' -f ($large.PeakWorkingSet64 / 1MB)) ('{0:+0.0;-0.0} MB' -f $deltaMb) '<= +50 MB' ($deltaMb -le 50 -and $large.Results -eq $MemoryUsers) `
        ("results $($large.Results), errors $($large.Errors), {0:N1} s ({1:N0} users/s), managed heap at end {2:N1} MB" -f $large.Seconds, ($large.Results / $large.Seconds), ($large.ManagedHeap / 1MB))
}
finally {
    Stop-GraphEmulator $emulator
}

# --- Import time -------------------------------------------------------------------------------
Write-Host "Import time: $ImportRuns fresh pwsh processes each (after one warm-up)" -ForegroundColor Cyan
$importDir = Join-Path ([System.IO.Path]::GetTempPath()) "entra-bench-import-$PID"
New-Item -ItemType Directory -Force -Path $importDir | Out-Null
function Get-RunText($Measured) { "runs $(($Measured.All | ForEach-Object { '{0:N0}' -f $_ }) -join '/') ms" }
try {
    $emptyManifest = Join-Path $importDir 'EmptyBench/EmptyBench.psd1'
    New-Item -ItemType Directory -Force -Path (Split-Path $emptyManifest) | Out-Null
    Set-Content -LiteralPath $emptyManifest -Value "@{ ModuleVersion = '1.0.0' }" -Encoding utf8

    # Diagnostics: where the import time goes. (1) our manifest without FormatsToProcess
    # (RootModule made absolute so the copy loads the same assembly); (2) an empty manifest
    # with a one-view Format.ps1xml: the cost of any format file, independent of ours.
    $noFormatManifest = Join-Path $importDir 'NoFormat/Microsoft.Graph.Entra.Rs.psd1'
    New-Item -ItemType Directory -Force -Path (Split-Path $noFormatManifest) | Out-Null
    $manifestText = Get-Content -LiteralPath $Manifest -Raw
    $rootModule = Join-Path $RepoRoot (Import-PowerShellDataFile -LiteralPath $Manifest).RootModule
    $manifestText = $manifestText -replace "(?m)^\s*FormatsToProcess\s*=.*$", '' -replace "(?m)^(\s*RootModule\s*=\s*)'[^']*'", "`$1'$($rootModule.Replace("'", "''"))'"
    Set-Content -LiteralPath $noFormatManifest -Value $manifestText -Encoding utf8

    $tinyManifest = Join-Path $importDir 'TinyFormat/TinyFormat.psd1'
    New-Item -ItemType Directory -Force -Path (Split-Path $tinyManifest) | Out-Null
    Set-Content -LiteralPath $tinyManifest -Value "@{ ModuleVersion = '1.0.0'; FormatsToProcess = @('Tiny.Format.ps1xml') }" -Encoding utf8
    Set-Content -LiteralPath (Join-Path (Split-Path $tinyManifest) 'Tiny.Format.ps1xml') -Encoding utf8 -Value @'
<?xml version="1.0" encoding="utf-8"?>
<Configuration><ViewDefinitions><View><Name>Tiny</Name><ViewSelectedBy><TypeName>Tiny.Thing</TypeName></ViewSelectedBy>
<TableControl><TableHeaders><TableColumnHeader /></TableHeaders><TableRowEntries><TableRowEntry><TableColumnItems>
<TableColumnItem><PropertyName>A</PropertyName></TableColumnItem></TableColumnItems></TableRowEntry></TableRowEntries></TableControl>
</View></ViewDefinitions></Configuration>
'@

    $ours = Measure-ImportMilliseconds $Manifest $ImportRuns -Warm
    $empty = Measure-ImportMilliseconds $emptyManifest $ImportRuns -Warm
    $oursCold = Measure-ImportMilliseconds $Manifest $ImportRuns
    $emptyCold = Measure-ImportMilliseconds $emptyManifest $ImportRuns
    $noFormat = Measure-ImportMilliseconds $noFormatManifest $ImportRuns -Warm
    $tiny = Measure-ImportMilliseconds $tinyManifest $ImportRuns -Warm
}
finally {
    Remove-Item -LiteralPath $importDir -Recurse -Force -ErrorAction Ignore
}
Add-Row 'Import-Module, empty manifest module (warm pwsh)' ('{0:N1} ms' -f $empty.Median) '' '' $null (Get-RunText $empty)
Add-Row 'Import-Module Microsoft.Graph.Entra.Rs (warm pwsh)' ('{0:N1} ms' -f $ours.Median) ('+{0:N1} ms over empty' -f ($ours.Median - $empty.Median)) '< 100 ms' ($ours.Median -lt 100) (Get-RunText $ours)
Add-Row 'Import-Module, empty manifest module (fresh pwsh)' ('{0:N1} ms' -f $emptyCold.Median) '' '' $null (Get-RunText $emptyCold)
Add-Row 'Import-Module Microsoft.Graph.Entra.Rs (fresh pwsh)' ('{0:N1} ms' -f $oursCold.Median) ('+{0:N1} ms over empty' -f ($oursCold.Median - $emptyCold.Median)) '' $null (Get-RunText $oursCold)
Add-Row 'diagnostic: our manifest without FormatsToProcess (warm)' ('{0:N1} ms' -f $noFormat.Median) ('+{0:N1} ms over empty' -f ($noFormat.Median - $empty.Median)) '' $null (Get-RunText $noFormat)
Add-Row 'diagnostic: empty manifest + one-view Format.ps1xml (warm)' ('{0:N1} ms' -f $tiny.Median) ('+{0:N1} ms over empty' -f ($tiny.Median - $empty.Median)) '' $null (Get-RunText $tiny)

# --- Report ------------------------------------------------------------------------------------
$machineAfter = Get-MachineDescription
$lines = [System.Collections.Generic.List[string]]::new()
$lines.Add('# Benchmarks')
$lines.Add('')
$lines.Add('Written by `bench/run.ps1` (`pwsh ./build.ps1 -Task Bench`); everything above the notes marker is regenerated on each run.')
$lines.Add('')
$lines.Add('| | |')
$lines.Add('|---|---|')
$lines.Add("| date | $((Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC |")
$lines.Add("| commit | $($machineAfter.Commit) |")
$lines.Add("| machine | $($machineAfter.Cpus) CPUs (nproc), $($machineAfter.Cpu), $($machineAfter.Os) |")
$lines.Add("| pwsh | $($machineAfter.Pwsh) on $($machineAfter.Dotnet) |")
$lines.Add("| load average (1/5/15 min) | before $($machineBefore.Load); after $($machineAfter.Load) |")
$lines.Add("| settings | $Users users at $LatencyMs ms latency, median of $Repeat; rate limit $RateLimitPerSecond/s burst $RateLimitPerSecond, $RateLimitUsers users; memory $MemoryBaselineUsers vs $MemoryUsers users; import median of $ImportRuns$($Quick ? '; QUICK RUN (sizes reduced, not comparable to targets)' : '') |")
$lines.Add('')
$lines.Add('| figure | value | ratio | target | met | details |')
$lines.Add('|---|---|---|---|---|---|')
foreach ($row in $rows) {
    $met = $null -eq $row.Met ? '' : ($row.Met ? 'yes' : '**no**')
    $lines.Add("| $($row.Figure) | $($row.Value) | $($row.Ratio) | $($row.Target) | $met | $($row.Detail) |")
}
$lines.Add('')
$lines.Add('Floor: users x latency / throttle limit (with -UseBatch: ceil(users / 20 / limit) x latency), the time')
$lines.Add('perfect concurrency would take. Rate limit: users / rate, the time a client that never wastes a')
$lines.Add('token takes (the burst makes the true minimum slightly lower). Memory: the child pwsh''s own')
$lines.Add('Process.PeakWorkingSet64 after revoking users generated one by one in the pipeline.')
$lines.Add('')
$lines.Add('<!-- notes -->')

if (-not $NoWrite) {
    $notes = ''
    if (Test-Path -LiteralPath $OutFile) {
        $existing = Get-Content -LiteralPath $OutFile -Raw
        $at = $existing.IndexOf('<!-- notes -->')
        if ($at -ge 0) { $notes = $existing.Substring($at + '<!-- notes -->'.Length).TrimStart("`r", "`n") }
    }
    New-Item -ItemType Directory -Force -Path (Split-Path $OutFile -Parent) | Out-Null
    Set-Content -LiteralPath $OutFile -Value (($lines -join "`n") + "`n" + ($notes ? "`n$notes" : '')) -Encoding utf8 -NoNewline
    Write-Host "Wrote $OutFile" -ForegroundColor Green
}

$missed = @($rows | Where-Object { $_.Met -eq $false })
if ($missed) { Write-Host "Targets not met: $(($missed.Figure) -join '; ')" -ForegroundColor Yellow }
