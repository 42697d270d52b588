# One measured run of one tool: reset the emulator, apply the scenario's settings, run the
# tool's worker, then read the emulator's own counters for that run.

function Measure-ToolRun {
    param(
        [Parameter(Mandatory)] [psobject] $Tool,
        [Parameter(Mandatory)] [psobject] $Worker,
        [Parameter(Mandatory)] [int] $Users,
        [Parameter(Mandatory)] [hashtable] $Config,
        [Parameter(Mandatory)] [string] $Scenario,
        [int] $Repeat = 1,
        [switch] $Timeline
    )
    Add-LoadSample
    Reset-GraphEmulator
    if ($Config.Count) { Set-GraphEmulatorFault $Config | Out-Null }
    $answer = Invoke-BenchWorker $Worker -Users $Users -Timeline:$Timeline
    $stats = Get-GraphEmulatorStat
    # Requests as the service counts them: a $batch envelope is not one, its items are.
    $requests = $stats.totalRequests - $stats.batchRequests + $stats.batchItems
    [pscustomobject]@{
        Tool           = $Tool.Key
        Scenario       = $Scenario
        Users          = $Users
        Repeat         = $Repeat
        Seconds        = [double]$answer.seconds
        Ok             = [int]$answer.ok
        Failed         = [int]$answer.failed
        Errors         = @($answer.errors)
        PeakWorkingSet = [long]$answer.peakWorkingSet
        Lost           = $Users - [int]$stats.revokedUsers
        Requests       = [int]$requests
        Throttled      = [int]$stats.throttled
        EarlyRetries   = [int]$stats.earlyRetries
        PeakInFlight   = [int]$stats.peakConcurrency
        Timeline       = $Timeline ? @($answer.timeline) : $null
    }
}
