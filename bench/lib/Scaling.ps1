# Time against users: every tool, every size, every latency, repeated. A cell whose time,
# extrapolated linearly from the same tool's largest measured size (of 50 users or more) at
# that latency, would exceed -MaxCellSeconds is not run; it is reported as such with the estimate (never as a
# measurement).

function Invoke-ScalingMatrix {
    param(
        [Parameter(Mandatory)] [psobject[]] $Tools,
        [Parameter(Mandatory)] [hashtable] $Workers,
        [Parameter(Mandatory)] [int[]] $Sizes,
        [Parameter(Mandatory)] [int[]] $Latencies,
        [Parameter(Mandatory)] [int] $Repeat,
        [Parameter(Mandatory)] [double] $MaxCellSeconds
    )
    $runs = [System.Collections.Generic.List[object]]::new()
    $notRun = [System.Collections.Generic.List[object]]::new()
    foreach ($latency in $Latencies) {
        $last = @{}   # tool key -> @{ Users; Seconds } of its largest measured cell
        foreach ($size in $Sizes) {
            $active = foreach ($tool in $Tools) {
                # Only from 50 users up: a 1-user run is all latency and start-up, which do not
                # scale with the users of a concurrent tool.
                $previous = $last[$tool.Key]
                $estimate = $previous -and $previous.Users -ge 50 ? $previous.Seconds * $size / $previous.Users : 0
                if ($estimate -gt $MaxCellSeconds) {
                    $notRun.Add([pscustomobject]@{ Tool = $tool.Key; LatencyMs = $latency; Users = $size; Estimate = $estimate; From = $previous.Users })
                }
                else { $tool }
            }
            $active = @($active)
            Write-Host ("  latency {0} ms, {1:N0} users: {2} tools x {3}{4}" -f $latency, $size, $active.Count, $Repeat,
                ($active.Count -lt $Tools.Count ? " (not run, extrapolated over $MaxCellSeconds s: $(@($Tools | Where-Object { $_ -notin $active }).Key -join ', '))" : ''))
            # Repeats go round the tools, so a change in machine load falls on all of them.
            for ($r = 1; $r -le $Repeat; $r++) {
                foreach ($tool in $active) {
                    $runs.Add((Measure-ToolRun -Tool $tool -Worker $Workers[$tool.Key] -Users $size -Config @{ latencyMs = $latency } -Scenario "latency $latency" -Repeat $r))
                }
            }
            foreach ($tool in $active) {
                $seconds = @($runs | Where-Object { $_.Tool -eq $tool.Key -and $_.Scenario -eq "latency $latency" -and $_.Users -eq $size }).Seconds
                $last[$tool.Key] = @{ Users = $size; Seconds = (Get-Median $seconds) }
            }
        }
    }
    [pscustomobject]@{ Runs = $runs; NotRun = $notRun }
}
