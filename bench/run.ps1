#Requires -Version 7.4
<#
.SYNOPSIS
    Benchmarks Revoke-EntraUserAllRefreshToken beside the tools admins use today, against the
    local Graph emulator, and writes docs/benchmarks.md with its tables and charts.
.DESCRIPTION
    Run after a build: `pwsh ./build.ps1 -Task Bench [-Quick]` (builds, then runs this script),
    or `pwsh ./bench/run.ps1 [-Quick]` once `pwsh ./build.ps1` has built the module and emulator.

    Tools (bench/lib/Tools.ps1), each in its own worker process driven over stdin/stdout: this
    module (defaults, -ThrottleLimit 32, -UseBatch), the Graph .NET SDK (bench/GraphSdkPeer:
    sequential and 32 tasks), ForEach-Object -Parallel with Invoke-RestMethod, a sequential
    Invoke-RestMethod loop, and Microsoft.Entra's batch sample approach (bench/peers/).

    Figures: time against users at each latency, repeated (bench/lib/Scaling.ps1); throttled
    runs under a token bucket: time vs users/rate, failed and lost users, 429s, early retries
    (bench/lib/Throttled.ps1); import time and time to the first revocation from a fresh
    process (bench/lib/Startup.ps1); peak working set per tool and the module's streaming
    check (bench/lib/Memory.ps1). Charts: bench/Chart draws PNGs from this run's figures.

    The output file is rewritten above its '<!-- notes -->' marker; text below it is kept. The
    PNGs are written beside it. Raw results go to bench/results/ (git-ignored).
.PARAMETER Quick
    Smaller sizes and fewer repeats (under 3 minutes); writes bench/results/quick/benchmarks.md
    unless -OutFile says otherwise, so the committed figures are not replaced by a quick run's.
.PARAMETER MaxCellSeconds
    A cell whose time, extrapolated from the same tool's previous size, exceeds this is not run
    and is reported as "not run: would take ~N (extrapolated, not measured)".
#>
[CmdletBinding()]
param(
    [int[]] $Sizes = @(1, 100, 1000, 10000),
    [int[]] $Latencies = @(0, 50, 150),
    [int] $Repeat = 3,
    [double] $MaxCellSeconds = 60,
    [int] $ThrottledUsers = 400,
    [int] $ThrottledRate = 20,
    [int] $ThrottledRepeat = 3,
    [int] $FastRateUsers = 500,
    [int] $MemoryUsers = 100000,
    [int] $MemoryBaselineUsers = 1000,
    [int] $StartupRuns = 7,
    [string[]] $Tool,
    [string] $OutFile,
    [switch] $NoWrite,
    [switch] $Quick
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$ProgressPreference = 'SilentlyContinue'

$RepoRoot = Split-Path $PSScriptRoot -Parent
if ($Quick) {
    $Sizes = @(1, 50, 1000); $Latencies = @(0, 50); $Repeat = 2; $MaxCellSeconds = 4
    $ThrottledUsers = 60; $ThrottledRepeat = 1; $FastRateUsers = 200
    $MemoryUsers = 3000; $MemoryBaselineUsers = 1000; $StartupRuns = 2
    if (-not $OutFile) { $OutFile = Join-Path $RepoRoot 'bench/results/quick/benchmarks.md' }
}
if (-not $OutFile) { $OutFile = Join-Path $RepoRoot 'docs/benchmarks.md' }
$OutFile = [System.IO.Path]::GetFullPath($OutFile)

. (Join-Path $RepoRoot 'build/Common.ps1')   # Get-PwshPath
foreach ($lib in 'Stats', 'Machine', 'Workers', 'Tools', 'Measure', 'Scaling', 'Throttled', 'Startup', 'Memory', 'Report', 'BuildTools') {
    . (Join-Path $PSScriptRoot "lib/$lib.ps1")
}
Import-Module (Join-Path $RepoRoot 'tests/Support/EmulatorHarness.psm1') -Force

$clock = [System.Diagnostics.Stopwatch]::StartNew()
function Write-Section([string] $Text) { Write-Host ("[{0,5:N0} s] {1}" -f $clock.Elapsed.TotalSeconds, $Text) -ForegroundColor Cyan }

$machineBefore = Get-MachineDescription $RepoRoot
Write-Section "Benchmarks on $($machineBefore.Cpus) CPUs, load average $($machineBefore.Load)$($Quick ? ' (QUICK)' : '')"
Write-Section 'Building the bench tools'
$built = Build-BenchTools $RepoRoot
$paths = @{
    Pwsh         = Get-PwshPath
    Worker       = Join-Path $PSScriptRoot 'Worker.ps1'
    Manifest     = Join-Path $RepoRoot 'Microsoft.Graph.Entra.Rs.psd1'
    GraphSdkPeer = $built.GraphSdkPeer
}
$tools = @(Get-BenchTools | Where-Object { -not $Tool -or $_.Key -in $Tool })

$emulatorUsers = (@($Sizes) + $ThrottledUsers + $FastRateUsers + $MemoryUsers + $MemoryBaselineUsers | Measure-Object -Maximum).Maximum
$emulator = Start-GraphEmulator -Users $emulatorUsers
$workers = @{}
try {
    Write-Section "Starting $($tools.Count) tool workers (one process each) and warming them up"
    foreach ($t in $tools) { $workers[$t.Key] = Start-ToolWorker $t $emulator $paths }
    foreach ($t in $tools) {
        Wait-BenchWorker $workers[$t.Key]
        Reset-GraphEmulator
        Invoke-BenchWorker $workers[$t.Key] -Users 50 | Out-Null   # JIT, connection pool; discarded
    }
    $sdkWorker = $workers.Values | Where-Object { $_.Info -and $_.Info.PSObject.Properties['sdk'] } | Select-Object -First 1
    $sdkVersion = $sdkWorker ? $sdkWorker.Info.sdk : 'n/a'
    $moduleWorker = $workers.Values | Where-Object { $_.Info -and $_.Info.PSObject.Properties['defaultThrottleLimit'] } | Select-Object -First 1
    $defaultLimit = $moduleWorker ? $moduleWorker.Info.defaultThrottleLimit : 'n/a'

    Write-Section "Time against users: sizes $($Sizes -join ', '); latencies $($Latencies -join ', ') ms; $Repeat repeats"
    $scaling = Invoke-ScalingMatrix -Tools $tools -Workers $workers -Sizes $Sizes -Latencies $Latencies -Repeat $Repeat -MaxCellSeconds $MaxCellSeconds

    Write-Section 'Throttled runs'
    $throttledRuns = @(
        Invoke-ThrottledRuns -Tools $tools -Workers $workers -Users $ThrottledUsers -Rate $ThrottledRate -Burst $ThrottledRate -Repeat $ThrottledRepeat
        $moduleTools = @($tools | Where-Object { $_.Key -in 'EntraRs', 'EntraRsBatch' })
        if ($moduleTools) { Invoke-ThrottledRuns -Tools $moduleTools -Workers $workers -Users $FastRateUsers -Rate 100 -Burst 10 -Repeat $ThrottledRepeat }
    )
}
finally {
    foreach ($w in $workers.Values) { Stop-BenchWorker $w }
}
try {
    Write-Section "Memory: this module streaming $MemoryBaselineUsers, then $MemoryUsers users in a fresh pwsh"
    $memory = @{
        Small = Measure-ChildPeakWorkingSet $paths.Pwsh $paths.Manifest $MemoryBaselineUsers $emulator
        Large = Measure-ChildPeakWorkingSet $paths.Pwsh $paths.Manifest $MemoryUsers $emulator
    }
    Write-Section "Fresh process to the first revocation answered ($StartupRuns runs each)"
    $first = Measure-FirstRevocation -Pwsh $paths.Pwsh -Manifest $paths.Manifest -GraphSdkPeer $paths.GraphSdkPeer -Emulator $emulator -Runs $StartupRuns
}
finally {
    Stop-GraphEmulator $emulator
}
Write-Section "Import time ($StartupRuns runs each)"
$import = Measure-ImportTime -Pwsh $paths.Pwsh -Manifest $paths.Manifest -Runs $StartupRuns

# --- Report --------------------------------------------------------------------------------------
$machineAfter = Get-MachineDescription $RepoRoot
$settings = @{
    SdkVersion     = $sdkVersion
    MaxCellSeconds = $MaxCellSeconds
    Text           = ("the module's default -ThrottleLimit (read from the cmdlet): $defaultLimit; sizes {0}; latencies {1} ms; {2} repeats; cells over {3} s (extrapolated) not run; throttled {4} users at {5}/s burst {5}, and {6} users at 100/s burst 10, {7} repeats; memory {8} vs {9} users; start-up median of {10}{11}" -f
        ($Sizes -join ', '), ($Latencies -join ', '), $Repeat, $MaxCellSeconds, $ThrottledUsers, $ThrottledRate, $FastRateUsers, $ThrottledRepeat,
        $MemoryBaselineUsers, $MemoryUsers, $StartupRuns, ($Quick ? '; **QUICK RUN** (reduced sizes and repeats)' : ''))
}
$outDir = Split-Path $OutFile -Parent
$charts = @('benchmarks-scaling.png', 'benchmarks-throttled.png')
$resultsDir = Join-Path $RepoRoot 'bench/results'
New-Item -ItemType Directory -Force -Path $resultsDir, $outDir | Out-Null
$chartInput = Join-Path $resultsDir 'chart-input.json'
New-ChartInput -Tools $tools -Scaling $scaling -Sizes $Sizes -Latencies $Latencies -Throttled $throttledRuns[0] |
    ConvertTo-Json -Depth 8 -Compress | Set-Content -LiteralPath $chartInput -Encoding utf8
[ordered]@{ machineBefore = $machineBefore; machineAfter = $machineAfter; settings = $settings; scaling = $scaling; throttled = $throttledRuns; memory = $memory; first = $first; import = $import } |
    ConvertTo-Json -Depth 8 -Compress | Set-Content -LiteralPath (Join-Path $resultsDir 'last-run.json') -Encoding utf8

$report = New-BenchReport -Settings $settings -MachineBefore $machineBefore -MachineAfter $machineAfter -LoadText (Get-LoadSampleText) `
    -Tools $tools -Scaling $scaling -Sizes $Sizes -Latencies $Latencies -ThrottledRuns $throttledRuns -Memory $memory -Import $import -First $first -Charts $charts
$report | Select-Object -Skip 4 | Where-Object { $_ -like '|*' -or $_ -like '#*' } | ForEach-Object { Write-Host $_ }
if (-not $NoWrite) {
    & dotnet $built.Chart $chartInput (Join-Path $outDir $charts[0]) (Join-Path $outDir $charts[1])
    if ($LASTEXITCODE -ne 0) { throw "The chart program failed (exit code $LASTEXITCODE)." }
    Write-BenchReport $OutFile $report
    Write-Section "Wrote $OutFile and its charts"
}
Write-Section 'Done'
