# Throttled runs: the emulator's token bucket per access token, latency 0. What counts: time
# against users / rate, users failed (as the tool reports) and lost (not revoked, as the
# emulator saw), 429s received, the share of requests answered 429, and early retries
# (requests sent again before their Retry-After, which Graph answers with a longer throttle).

function Invoke-ThrottledRuns {
    param(
        [Parameter(Mandatory)] [psobject[]] $Tools,
        [Parameter(Mandatory)] [hashtable] $Workers,
        [Parameter(Mandatory)] [int] $Users,
        [Parameter(Mandatory)] [int] $Rate,
        [Parameter(Mandatory)] [int] $Burst,
        [Parameter(Mandatory)] [int] $Repeat
    )
    $scenario = "rate $Rate/s burst $Burst"
    $config = @{ rateLimitPerSecond = $Rate; rateLimitBurst = $Burst; latencyMs = 0 }
    Write-Host ("  {0:N0} users at {1}/s (burst {2}): {3} tools x {4} (users/rate = {5:N1} s)" -f $Users, $Rate, $Burst, $Tools.Count, $Repeat, ($Users / $Rate))
    $runs = for ($r = 1; $r -le $Repeat; $r++) {
        foreach ($tool in $Tools) {
            Measure-ToolRun -Tool $tool -Worker $Workers[$tool.Key] -Users $Users -Config $config -Scenario $scenario -Repeat $r -Timeline
        }
    }
    [pscustomobject]@{ Scenario = $scenario; Users = $Users; Rate = $Rate; Burst = $Burst; Runs = @($runs) }
}
