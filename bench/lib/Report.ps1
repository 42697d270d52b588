# docs/benchmarks.md (everything above its '<!-- notes -->' marker) and the chart input, from
# the figures measured in this run.

function Get-CellRuns($Runs, [string] $Tool, [string] $Scenario, [int] $Users) {
    @($Runs | Where-Object { $_.Tool -eq $Tool -and $_.Scenario -eq $Scenario -and $_.Users -eq $Users })
}

function Get-MedianRun($Runs) {
    # The run whose time is closest to the median: its counters and timeline stand for the cell.
    $median = Get-Median @($Runs.Seconds)
    $Runs | Sort-Object { [math]::Abs($_.Seconds - $median) } | Select-Object -First 1
}

function Format-Failures($Runs) {
    # '' when every run revoked every user; else the worst run's counts and the tool's words.
    $failed = ($Runs | Measure-Object Failed -Maximum).Maximum
    $lost = ($Runs | Measure-Object Lost -Maximum).Maximum
    if (-not $failed -and -not $lost) { return '' }
    "; **$failed failed, $lost lost**$(Format-Why $Runs)"
}

function Format-Why($Runs) {
    # The most frequent failure message of the runs, quoted (' ("HTTP 429")'), or ''.
    $why = @($Runs.Errors | Where-Object { $_ } | Group-Object message | Sort-Object Count -Descending | Select-Object -First 1)
    if (-not $why) { return '' }
    $text = $why[0].Name -replace '\|', '/'
    if ($text.Length -gt 90) { $text = $text.Substring(0, 90) + '...' }
    ' ("{0}")' -f $text
}

function Get-ThrottledRow($Throttled, [psobject] $Tool) {
    $runs = @($Throttled.Runs | Where-Object Tool -eq $Tool.Key)
    $ideal = $Throttled.Users / $Throttled.Rate
    $summary = Get-Summary @($runs.Seconds)
    $share = @($runs | ForEach-Object { $_.Requests ? 100.0 * $_.Throttled / $_.Requests : 0 })
    [pscustomobject]@{
        Tool         = $Tool
        Runs         = $runs
        Summary      = $summary
        Ratio        = $summary.Median / $ideal
        Failed       = ($runs | Measure-Object Failed -Maximum).Maximum
        Lost         = ($runs | Measure-Object Lost -Maximum).Maximum
        Throttled    = Get-Median @($runs.Throttled)
        SharePercent = Get-Median $share
        MaxShare     = ($share | Measure-Object -Maximum).Maximum
        EarlyRetries = ($runs | Measure-Object EarlyRetries -Maximum).Maximum
        Requests     = Get-Median @($runs.Requests)
    }
}

function Get-LoopRatioText($Tools, $Scaling, [int[]] $Sizes, [int] $Latency) {
    # Each tool's speed-up over the sequential Invoke-RestMethod loop at the largest size the
    # loop was measured at (both medians of this run), or '' when the loop has no such cell.
    $scenario = "latency $Latency"
    $size = $Sizes | Sort-Object -Descending | Where-Object { $_ -gt 1 -and (Get-CellRuns $Scaling.Runs 'IrmLoop' $scenario $_) } | Select-Object -First 1
    if (-not $size) { return '' }
    $loop = Get-Median @((Get-CellRuns $Scaling.Runs 'IrmLoop' $scenario $size).Seconds)
    $parts = foreach ($tool in $Tools | Where-Object Key -ne 'IrmLoop') {
        $runs = Get-CellRuns $Scaling.Runs $tool.Key $scenario $size
        if ($runs) { '{0} {1:N1}x' -f $tool.Name, ($loop / (Get-Median @($runs.Seconds))) }
    }
    "Speed-up over the Invoke-RestMethod loop at $('{0:N0}' -f $size) users (medians): $($parts -join '; ')."
}

function New-ChartInput {
    param($Tools, $Scaling, [int[]] $Sizes, [int[]] $Latencies, $Throttled)
    $panels = foreach ($latency in $Latencies) {
        @{
            title  = "latency $latency ms (median of repeats; not-run cells omitted)"
            series = @(foreach ($tool in $Tools) {
                    $points = foreach ($size in $Sizes) {
                        $runs = Get-CellRuns $Scaling.Runs $tool.Key "latency $latency" $size
                        if ($runs) { @{ users = $size; seconds = (Get-Median @($runs.Seconds)) } }
                    }
                    @{ name = $tool.Name; points = @($points) }
                })
        }
    }
    $series = foreach ($tool in $Tools) {
        $runs = @($Throttled.Runs | Where-Object Tool -eq $tool.Key)
        if ($runs) { @{ name = $tool.Name; times = @((Get-MedianRun $runs).Timeline | Where-Object { $null -ne $_ }) } }
    }
    @{
        scaling   = @{ panels = @($panels) }
        throttled = @{ title = "Users revoked over time, $($Throttled.Users) users at $($Throttled.Rate)/s (burst $($Throttled.Burst)), latency 0 (median run)"; rate = $Throttled.Rate; series = @($series) }
    }
}

function New-BenchReport {
    param(
        [hashtable] $Settings, $MachineBefore, $MachineAfter, [string] $LoadText,
        $Tools, $Scaling, [int[]] $Sizes, [int[]] $Latencies,
        $ThrottledRuns, $Memory, $Import, $First, [string[]] $Charts
    )
    $lines = [System.Collections.Generic.List[string]]::new()
    $add = { param($text) $lines.Add($text) }
    & $add '# Benchmarks'
    & $add ''
    & $add 'Written by `bench/run.ps1` (`pwsh ./build.ps1 -Task Bench`); everything above the notes marker is regenerated on each run, and every figure in it was measured in that run.'
    & $add ''
    & $add '| | |'
    & $add '|---|---|'
    & $add "| date | $((Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC |"
    & $add "| commit | $($MachineAfter.Commit)$($MachineAfter.Dirty ? ' (with uncommitted changes)' : '') |"
    & $add "| machine | $($MachineAfter.Cpus) CPUs (nproc), $($MachineAfter.Cpu), $($MachineAfter.Memory) RAM, $($MachineAfter.Os) |"
    & $add "| runtimes | pwsh $($MachineAfter.Pwsh) on $($MachineAfter.Dotnet); Microsoft.Graph $($Settings.SdkVersion) (Graph SDK peer, net10.0) |"
    & $add "| load average (1 min) | before $($MachineBefore.Load); during (sampled before each run) $LoadText; after $($MachineAfter.Load) |"
    & $add "| settings | $($Settings.Text) |"
    & $add ''
    & $add 'The tools: this module (Entra.Rs) with its defaults, with `-ThrottleLimit 32` and with `-UseBatch`; the Microsoft Graph .NET SDK (`GraphServiceClient` with its default middleware, `bench/GraphSdkPeer`), one user after the other and with 32 concurrent tasks (`Parallel.ForEachAsync`); `ForEach-Object -Parallel -ThrottleLimit 32` around `Invoke-RestMethod`; a sequential `Invoke-RestMethod` loop (what a script cmdlet amounts to); and the approach of Microsoft.Entra''s batch sample (`$batch` of 20 one after the other, items answered 429 sent again after a fixed 5 s sleep, here at most 5 times). Each tool runs in its own process, started once and warmed up, against the same emulator, one run at a time; repeats go round the tools.'
    & $add ''

    & $add '## Time against users'
    & $add ''
    & $add "Seconds for the whole run: median (min-max, n = repeats). A cell is not run when the tool's time at the previous size, scaled linearly, exceeds $($Settings.MaxCellSeconds) s; it then shows that estimate, which is **not a measurement**."
    foreach ($latency in $Latencies) {
        & $add ''
        & $add "### Latency $latency ms"
        & $add ''
        & $add ("| tool | " + (($Sizes | ForEach-Object { '{0:N0} user{1}' -f $_, ($_ -eq 1 ? '' : 's') }) -join ' | ') + ' |')
        & $add ('|---|' + (($Sizes | ForEach-Object { '---' }) -join '|') + '|')
        foreach ($tool in $Tools) {
            $cells = foreach ($size in $Sizes) {
                $runs = Get-CellRuns $Scaling.Runs $tool.Key "latency $latency" $size
                if ($runs) { (Format-Summary (Get-Summary @($runs.Seconds))) + (Format-Failures $runs) }
                else {
                    $skip = $Scaling.NotRun | Where-Object { $_.Tool -eq $tool.Key -and $_.LatencyMs -eq $latency -and $_.Users -eq $size } | Select-Object -First 1
                    $skip ? "not run: would take $(Format-Duration $skip.Estimate) (extrapolated from $('{0:N0}' -f $skip.From) users, not measured)" : 'n/a'
                }
            }
            & $add "| $($tool.Name) | $($cells -join ' | ') |"
        }
        $ratio = Get-LoopRatioText $Tools $Scaling $Sizes $latency
        if ($ratio) { & $add ''; & $add $ratio }
    }

    foreach ($throttled in $ThrottledRuns) {
        $ideal = $throttled.Users / $throttled.Rate
        & $add ''
        & $add "## Throttled: $('{0:N0}' -f $throttled.Users) users, token bucket $($throttled.Rate)/s (burst $($throttled.Burst)), latency 0"
        & $add ''
        & $add ('users / rate = {0:N1} s (the initial burst makes a little less possible). Failed: what the tool reported; lost: users the emulator never revoked (worst run). 429 share: 429 answers / requests (a `$batch` counts its items). Early retries: requests repeated before their Retry-After (worst run).' -f $ideal)
        & $add ''
        & $add '| tool | time | x users/rate | failed | lost | 429s | 429 share | early retries | requests |'
        & $add '|---|---|---|---|---|---|---|---|---|'
        foreach ($tool in @($Tools | Where-Object { $_.Key -in $throttled.Runs.Tool })) {
            $row = Get-ThrottledRow $throttled $tool
            $failed = $row.Failed ? "**$($row.Failed)**$(Format-Why $row.Runs)" : '0'
            & $add ("| {0} | {1} | {2:N2}x | {3} | {4} | {5:N0} | {6:N1} % | {7} | {8:N0} |" -f $tool.Name, (Format-Summary $row.Summary), $row.Ratio,
                $failed, ($row.Lost ? "**$($row.Lost)**" : '0'), $row.Throttled, $row.SharePercent, $row.EarlyRetries, $row.Requests)
        }
    }

    & $add ''
    & $add '## Issue 12 targets for this module under throttling'
    & $add ''
    & $add 'Target: within 1.05x of users / rate, at most 5 % of requests answered 429, 0 early retries, 0 users lost (time: median; counts: worst run).'
    & $add ''
    & $add '| run | time | x users/rate | 429 share (worst) | early retries | lost | met |'
    & $add '|---|---|---|---|---|---|---|'
    foreach ($throttled in $ThrottledRuns) {
        foreach ($tool in @($Tools | Where-Object { $_.Module -and $_.Key -in $throttled.Runs.Tool -and $_.Key -ne 'EntraRs32' })) {
            $row = Get-ThrottledRow $throttled $tool
            $met = $row.Ratio -le 1.05 -and $row.MaxShare -le 5 -and $row.EarlyRetries -eq 0 -and $row.Lost -eq 0
            & $add ("| {0}, {1:N0} users at {2}/s burst {3} | {4} | {5:N2}x | {6:N1} % | {7} | {8} | {9} |" -f $tool.Name, $throttled.Users, $throttled.Rate, $throttled.Burst,
                (Format-Summary $row.Summary), $row.Ratio, $row.MaxShare, $row.EarlyRetries, $row.Lost, ($met ? 'yes' : '**no**'))
        }
    }

    & $add ''
    & $add '## Start-up'
    & $add ''
    & $add '| what | milliseconds |'
    & $add '|---|---|'
    foreach ($name in $Import.Keys) { & $add "| Import-Module, $name | $(Format-Summary $Import[$name] 'ms') |" }
    foreach ($name in $First.Keys) { & $add "| fresh process to the first revocation answered: $name | $(Format-Summary $First[$name] 'ms') |" }
    & $add ''
    & $add 'Import: `Measure-Command { Import-Module }` inside the child, first child discarded; warm = after a listing was formatted. First revocation: from just before the process is started to the answer, by the machine''s clock.'

    & $add ''
    & $add '## Memory'
    & $add ''
    & $add "Peak working set (Process.PeakWorkingSet64) of each tool's own process, over all its runs up to that size, the 50-user warm-up included (the process lives for the whole bench, so the figure never goes down; the last column includes the throttled runs)."
    & $add ''
    & $add ("| tool | " + (($Sizes | ForEach-Object { 'up to {0:N0} user{1}' -f $_, ($_ -eq 1 ? '' : 's') }) -join ' | ') + ' | after all runs |')
    & $add ('|---|' + (($Sizes | ForEach-Object { '---' }) -join '|') + '|---|')
    $allRuns = @($Scaling.Runs) + @($ThrottledRuns.Runs)
    foreach ($tool in $Tools) {
        $cells = foreach ($size in $Sizes) {
            $peak = ($Scaling.Runs | Where-Object { $_.Tool -eq $tool.Key -and $_.Users -le $size } | Measure-Object PeakWorkingSet -Maximum).Maximum
            $peak ? ('{0:N0} MB' -f ($peak / 1MB)) : 'n/a'
        }
        $all = ($allRuns | Where-Object Tool -eq $tool.Key | Measure-Object PeakWorkingSet -Maximum).Maximum
        & $add "| $($tool.Name) | $($cells -join ' | ') | $('{0:N0} MB' -f ($all / 1MB)) |"
    }
    & $add ''
    $delta = [math]::Round(($Memory.Large.PeakWorkingSet64 - $Memory.Small.PeakWorkingSet64) / 1MB, 1)
    & $add ("Streaming (this module, a fresh pwsh, users generated one by one in the pipeline, latency 0): {0:N0} users peak {1:N1} MB; {2:N0} users peak {3:N1} MB ({4} MB; target <= +50 MB: {5}); {6:N0} users/s, {7} errors." -f
        $Memory.Small.Results, ($Memory.Small.PeakWorkingSet64 / 1MB), $Memory.Large.Results, ($Memory.Large.PeakWorkingSet64 / 1MB),
        (($delta -ge 0 ? '+' : '') + $delta.ToString('0.0', [cultureinfo]::InvariantCulture)), ($delta -le 50 ? 'met' : '**not met**'),
        ($Memory.Large.Results / $Memory.Large.Seconds), ($Memory.Large.Errors + $Memory.Small.Errors))

    & $add ''
    & $add '## Charts'
    & $add ''
    foreach ($chart in $Charts) { & $add "![$([System.IO.Path]::GetFileNameWithoutExtension($chart))]($chart)"; & $add '' }
    & $add '<!-- notes -->'
    $lines
}

function Write-BenchReport([string] $OutFile, [string[]] $Lines) {
    # Rewrites the file above its notes marker; the hand-written notes below it are kept.
    $notes = ''
    if (Test-Path -LiteralPath $OutFile) {
        $existing = Get-Content -LiteralPath $OutFile -Raw
        $at = $existing.IndexOf('<!-- notes -->')
        if ($at -ge 0) { $notes = $existing.Substring($at + '<!-- notes -->'.Length).TrimStart("`r", "`n") }
    }
    New-Item -ItemType Directory -Force -Path (Split-Path $OutFile -Parent) | Out-Null
    Set-Content -LiteralPath $OutFile -Value (($Lines -join "`n") + "`n" + ($notes ? "`n$notes" : '')) -Encoding utf8 -NoNewline
}
